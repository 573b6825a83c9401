package org.rnnzoo.layers;

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
final class PackedMatrix {
    /** Columns per block: four vectors of the widest float species (64 floats with AVX-512). */
    static final int BLOCK = VectorMath.packedBlock();

    final int rows, cols, blocks;
    final float[] data;

    private PackedMatrix(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = (cols + BLOCK - 1) / BLOCK;
        this.data = new float[blocks * rows * BLOCK];
    }

    /** Packs a float matrix [rows, cols] (any ordering). */
    static PackedMatrix of(org.nd4j.linalg.api.ndarray.INDArray w) {
        return fromColumnMajor(w.dup('f').data().asFloat(), (int) w.size(0), (int) w.size(1));
    }

    /**
     * One LSTM step for one row, FastLstm's gate order [g (tanh) | f | o | i]: z = x·W + b + h·RW,
     * c = f·c + i·g, h = o·tanh(c), with h and c updated in place. {@code z} (≥ 4H) and
     * {@code tanhC} (≥ H) are scratch.
     */
    static void lstmStep(PackedMatrix w, PackedMatrix rw, float[] bias, float[] x, float[] h, float[] c, float[] z, float[] tanhC) {
        int size = rw.rows;
        w.multiply(x, bias, z);
        rw.multiply(h, z, z);
        GateFunctions.tanh(z, 0, z, 0, size);
        GateFunctions.sigmoid(z, size, 3 * size);
        for (int j = 0; j < size; j++) c[j] = z[size + j] * c[j] + z[3 * size + j] * z[j];
        GateFunctions.tanh(c, 0, tanhC, 0, size);
        for (int j = 0; j < size; j++) h[j] = z[2 * size + j] * tanhC[j];
    }

    /** Packs W given as its values in column-major order (element (i, j) at j·rows + i). */
    static PackedMatrix fromColumnMajor(float[] w, int rows, int cols) {
        PackedMatrix p = new PackedMatrix(rows, cols);
        for (int j = 0; j < cols; j++) {
            int base = (j / BLOCK) * rows * BLOCK + j % BLOCK;
            for (int i = 0; i < rows; i++) p.data[base + i * BLOCK] = w[j * rows + i];
        }
        return p;
    }

    /**
     * out[j] = init[j] + Σ_i x[i]·W[i, j] for j &lt; cols ({@code init} null: 0). {@code init} may
     * be {@code out} itself (accumulate). Vectorised when the Vector API is present.
     */
    void multiply(float[] x, float[] init, float[] out) {
        if (x.length < rows || out.length < cols || (init != null && init.length < cols))
            throw new IllegalArgumentException("PackedMatrix " + rows + "x" + cols + ": x has " + x.length
                    + ", out " + out.length + " values");
        if (VectorMath.vectorApi()) {
            VectorizedSoftmax.multiplyPacked(this, x, init, out);
            return;
        }
        float[] acc = new float[BLOCK];
        for (int b = 0; b < blocks; b++) {
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
