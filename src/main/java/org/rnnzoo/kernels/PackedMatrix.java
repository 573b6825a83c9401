package org.rnnzoo.kernels;

/**
 * A weight matrix W [rows, cols] repacked on the heap for one-row products x·W, the product that
 * batch-1 sampling does once per token per layer. Columns are cut into blocks of {@link #BLOCK};
 * block k stores its rows × BLOCK values contiguously, row after row (the last block zero-padded).
 *
 * <p>Why this layout: with one column per dot product (the plain column-major copy), every output
 * ends in a horizontal add of the vector lanes and a scalar tail whenever rows is not a multiple of
 * the vector width (200 is not, at 16 lanes) — at 10k outputs that cost more than the arithmetic.
 * Here a block keeps BLOCK running sums in vector registers, adds x[i]·(row i of the block) for each
 * i reading memory strictly in order, and stores them once: no reductions, no tails, and the whole
 * matrix is one sequential stream the hardware prefetcher follows.
 */
public final class PackedMatrix {
    /** Columns per block: four vectors of the widest float species (64 floats with AVX-512). */
    public static final int BLOCK = VectorMath.packedBlock();

    public final int rows, cols, blocks;
    final float[] data;

    private PackedMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = (cols + BLOCK - 1) / BLOCK;
        this.data = new float[blocks * rows * BLOCK];
    }

    /** Packs a float matrix [rows, cols] (any ordering). */
    public static PackedMatrix of(org.nd4j.linalg.api.ndarray.INDArray w) {
        return fromColumnMajor(columnMajor(w), (int) w.size(0), (int) w.size(1));
    }

    /**
     * The values of a float matrix in column-major order: one bulk read when it already is a
     * contiguous 'f' array (a parameter view), else through a copy.
     */
    public static float[] columnMajor(org.nd4j.linalg.api.ndarray.INDArray w) {
        return columnMajor(w, null);
    }

    /** {@link #columnMajor(org.nd4j.linalg.api.ndarray.INDArray)} into {@code into} when it has the right length. */
    public static float[] columnMajor(org.nd4j.linalg.api.ndarray.INDArray w, float[] into) {
        if (w.ordering() != 'f' || w.elementWiseStride() != 1 || w.dataType() != org.nd4j.linalg.api.buffer.DataType.FLOAT)
            return w.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('f').data().asFloat();
        float[] v = into != null && into.length == w.length() ? into : new float[(int) w.length()];
        w.data().asNio().order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer().get((int) w.offset(), v);
        return v;
    }

    /**
     * Packs the columns of an LSTM weight matrix [rows, 4H] (gate order [g | f | o | i]) that belong
     * to units [u0, u1): the result is [rows, 4(u1 − u0)] in the same gate order, so a thread that
     * owns those units can run {@link #lstmStep} on its share alone.
     */
    public static PackedMatrix ofUnits(org.nd4j.linalg.api.ndarray.INDArray w, int u0, int u1) {
        int rows = (int) w.size(0);
        return fromColumnMajor(unitColumns(columnMajor(w), rows, (int) w.size(1) / 4, u0, u1), rows, 4 * (u1 - u0));
    }

    /**
     * The gate columns of units [u0, u1) of a column-major [rows, 4·size] LSTM matrix (or, with
     * rows = 1, of a bias vector), still column-major and in the gate order [g | f | o | i].
     */
    public static float[] unitColumns(float[] columnMajor, int rows, int size, int u0, int u1) {
        int n = u1 - u0;
        float[] mine = new float[rows * 4 * n];
        for (int gate = 0; gate < 4; gate++)
            System.arraycopy(columnMajor, (gate * size + u0) * rows, mine, gate * n * rows, n * rows);
        return mine;
    }

    /**
     * One LSTM step for one row ({@link LstmCell}) over the units this packed share holds
     * (H' = w.cols / 4, starting at unit {@code at}): z = x·W + b + hPrev·RW, then the cell,
     * written to c[at…] and hOut[at…]. hPrev may be hOut (in place)
     * when one share holds every unit; {@code z} (≥ 4H') and {@code tanhC} (≥ H') are scratch.
     */
    public static void lstmStep(PackedMatrix w, PackedMatrix rw, float[] bias, float[] x, float[] hPrev,
                         float[] c, float[] hOut, int at, float[] z, float[] tanhC) {
        int size = w.cols / 4;
        w.multiply(x, bias, z);
        rw.multiply(hPrev, z, z);
        LstmCell.forward(z, 0, c, at, c, at, tanhC, 0, hOut, at, size);
    }

    /** {@link #lstmStep} over all units, h and c updated in place. */
    public static void lstmStep(PackedMatrix w, PackedMatrix rw, float[] bias, float[] x, float[] h, float[] c, float[] z, float[] tanhC) {
        lstmStep(w, rw, bias, x, h, c, h, 0, z, tanhC);
    }

    /** Packs W given as its values in column-major order (element (i, j) at j·rows + i). */
    public static PackedMatrix fromColumnMajor(float[] w, int rows, int cols) {
        return repack(w, rows, cols, false, null);
    }

    /**
     * Packs W [rows, cols] from column-major values ({@code transposed}: packs the transpose of the
     * [cols, rows] matrix whose column-major values are {@code w}), into {@code reuse} when it has
     * that shape (training repacks RW every step: no 1.3 MB of garbage each time).
     */
    static PackedMatrix repack(float[] w, int rows, int cols, boolean transposed, PackedMatrix reuse) {
        return transposed ? fromStrided(w, rows, cols, cols, 1, reuse) : fromStrided(w, rows, cols, 1, rows, reuse);
    }

    /** Packs W [rows, cols] with element (i, j) at w[i·rowStride + j·colStride]. */
    private static PackedMatrix fromStrided(float[] w, int rows, int cols, int rowStride, int colStride, PackedMatrix reuse) {
        // padding columns of the last block stay zero: a reused matrix of the same shape never wrote them
        PackedMatrix p = reuse != null && reuse.rows == rows && reuse.cols == cols ? reuse : new PackedMatrix(rows, cols);
        for (int j = 0; j < cols; j++) {
            int base = (j / BLOCK) * rows * BLOCK + j % BLOCK;
            for (int i = 0; i < rows; i++) p.data[base + i * BLOCK] = w[i * rowStride + j * colStride];
        }
        return p;
    }

    /**
     * out[j] = init[j] + Σ_i x[i]·W[i, j] for j &lt; cols ({@code init} null: 0). {@code init} may
     * be {@code out} itself (accumulate). Vectorised when the Vector API is present.
     */
    public void multiply(float[] x, float[] init, float[] out) {
        multiply(x, init, out, 0, blocks);
    }

    /**
     * Several rows at once: out[outOff + r·outStride + j] = Σ_i x[xOff + r·xStride + i]·W[i, j] for
     * r &lt; n, j &lt; cols (overwritten). The LSTM's per-step h·RW for a lane's examples: W is read
     * once per four rows instead of once per row, and, unlike a gemm call, nothing is repacked per call
     * (docs/performance.md#lstm-per-step-recurrent-products).
     */
    public void multiplyRows(float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        if (VectorMath.vectorApi()) {
            VectorizedSoftmax.multiplyPackedRows(this, x, xOff, xStride, n, out, outOff, outStride);
            return;
        }
        float[] row = new float[rows], result = new float[cols];
        for (int r = 0; r < n; r++) {
            System.arraycopy(x, xOff + r * xStride, row, 0, rows);
            multiply(row, null, result);
            System.arraycopy(result, 0, out, outOff + r * outStride, cols);
        }
    }

    /** {@link #multiply} for the columns of blocks [fromBlock, toBlock) only (a thread's share). */
    public void multiply(float[] x, float[] init, float[] out, int fromBlock, int toBlock) {
        multiply(x, init, out, fromBlock, toBlock, false);
    }

    /**
     * {@link #multiply(float[], float[], float[], int, int)}, the blocks visited last to first when
     * {@code descending}. The same numbers either way (each block's columns are summed on their own, in
     * row order); the order decides what the cache still holds: a matrix larger than L2 read in the
     * same direction every time misses on every line, while alternating directions starts each pass on
     * the lines the last one ended with (batch-1 decoding, {@code HeapLstmDecoder}).
     */
    public void multiply(float[] x, float[] init, float[] out, int fromBlock, int toBlock, boolean descending) {
        if (x.length < rows || out.length < cols || (init != null && init.length < cols))
            throw new IllegalArgumentException("PackedMatrix " + rows + "x" + cols + ": x has " + x.length
                    + ", out " + out.length + " values");
        if (VectorMath.vectorApi()) {
            VectorizedSoftmax.multiplyPacked(this, x, init, out, fromBlock, toBlock, descending);
            return;
        }
        float[] acc = new float[BLOCK];
        for (int k = fromBlock; k < toBlock; k++) {
            int b = descending ? toBlock - 1 - (k - fromBlock) : k;
            int c0 = b * BLOCK, n = Math.min(BLOCK, cols - c0);
            for (int j = 0; j < BLOCK; j++) acc[j] = init == null || j >= n ? 0f : init[c0 + j];
            int o = b * rows * BLOCK;
            for (int i = 0; i < rows; i++, o += BLOCK) {
                float xi = x[i];
                for (int j = 0; j < BLOCK; j++) acc[j] += xi * data[o + j];
            }
            System.arraycopy(acc, 0, out, c0, n);
        }
    }
}
