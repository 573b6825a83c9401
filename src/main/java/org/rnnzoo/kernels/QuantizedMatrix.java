package org.rnnzoo.kernels;

/**
 * An output layer's weights W [rows, cols] and bias b, kept twice for batch-1 sampling: as signed
 * bytes with one scale per column, packed like {@link PackedMatrix} (a quarter of the float bytes),
 * and as the exact float columns. {@link #upperBounds} computes, from the bytes alone, a number at or
 * above every logit l_j = b_j + Σ_i h_i·W[i, j]; {@link #exactLogit} computes one logit exactly.
 * {@code HeapLstmDecoder.sample} draws from the bounds and corrects with the exact logit of the
 * token drawn (rejection sampling), which is exact for softmax(l / T) while reading 2 MB a token
 * instead of 8 at PTB's 200 × 10k.
 *
 * <p>Why the bound holds. With W[i, j] = s_j·q[i, j] + e[i, j] (q the rounded bytes, e the rounding
 * error, known here): Σ_i h_i·W[i, j] = s_j·Σ_i h_i·q[i, j] + Σ_i h_i·e[i, j], and
 * |Σ_i h_i·e[i, j]| ≤ ‖h‖₂·‖e_j‖₂ (Cauchy–Schwarz; ‖e_j‖₂ is stored per column). The float sum of the
 * rows' products is off its real value by at most n·u·Σ_i |h_i|·|q[i, j]| ≤ ‖h‖₁·n·u·levels (u = 2⁻²⁴,
 * one rounding per fused multiply-add), stored per column times s_j. The last float operations, the
 * division by T and the exponential are covered by a relative 2⁻¹⁶ and an absolute 10⁻³ on top
 * (each thousands of times what they can be off).
 */
public final class QuantizedMatrix {
    static final int BLOCK = PackedMatrix.BLOCK;
    /** Float rounding unit, and the headroom for the last operations (see the class comment). */
    static final double UNIT = 0x1p-24;
    static final float RELATIVE_SLACK = 0x1p-16f, ABSOLUTE_SLACK = 1e-3f;

    final int rows, cols, blocks;
    final byte[] data;                          // PackedMatrix's block layout, one byte a value
    /** Per column, padded to blocks·BLOCK with zeros: bias, scale s_j, ‖e_j‖₂, s_j·n·u·levels. */
    final float[] bias, scale, errorNorm, roundoff;
    private final float[] columns;              // exact W, column-major: column j at [j·rows, (j+1)·rows)

    private QuantizedMatrix(float[] columns, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = (cols + BLOCK - 1) / BLOCK;
        this.data = new byte[blocks * rows * BLOCK];
        int padded = blocks * BLOCK;
        bias = new float[padded];
        scale = new float[padded];
        errorNorm = new float[padded];
        roundoff = new float[padded];
        this.columns = columns;
    }

    /**
     * Quantizes W [rows, cols] (column-major values, kept by reference as the exact copy: the caller
     * must not change them) and keeps b, with bytes in [−127, 127].
     */
    public static QuantizedMatrix of(float[] columnMajor, float[] bias, int rows, int cols) {
        return of(columnMajor, bias, rows, cols, 127);
    }

    /**
     * With integers in [−levels, levels]: 127 for bytes; tests use a few levels, so that the
     * bytes alone would sample a visibly different distribution and the correction must do the work.
     */
    public static QuantizedMatrix of(float[] columnMajor, float[] bias, int rows, int cols, int levels) {
        if (levels < 1 || levels > 127) throw new IllegalArgumentException("levels must be in [1, 127], not " + levels);
        if (columnMajor.length != rows * cols || bias.length != cols)
            throw new IllegalArgumentException("W has " + columnMajor.length + " values and b " + bias.length + " for " + rows + "x" + cols);
        QuantizedMatrix m = new QuantizedMatrix(columnMajor, rows, cols);
        System.arraycopy(bias, 0, m.bias, 0, cols);
        for (int j = 0; j < cols; j++) {
            int at = j * rows;
            double max = 0;
            for (int i = 0; i < rows; i++) max = Math.max(max, Math.abs(columnMajor[at + i]));
            float s = (float) (max / levels);
            double squares = 0;
            int base = (j / BLOCK) * rows * BLOCK + j % BLOCK;
            for (int i = 0; i < rows; i++) {
                double w = columnMajor[at + i];
                int q = s == 0 ? 0 : (int) Math.max(-levels, Math.min(levels, Math.round(w / s)));
                m.data[base + i * BLOCK] = (byte) q;
                double e = w - (double) s * q;
                squares += e * e;
            }
            m.scale[j] = s;
            m.errorNorm[j] = Math.nextUp((float) Math.sqrt(squares));
            m.roundoff[j] = Math.nextUp((float) (s * rows * UNIT * levels * 1.01));
        }
        return m;
    }

    /**
     * out[j] ≥ l_j / T for every column j of blocks [fromBlock, toBlock), l = b + h·W, with
     * {@code norm2} ≥ ‖h‖₂ and {@code norm1} ≥ ‖h‖₁ (see {@link #norms}). {@code out} holds
     * blocks·BLOCK values; padding columns come out as the slack alone.
     */
    public void upperBounds(float[] h, float norm2, float norm1, float inverseTemperature, float[] out, int fromBlock, int toBlock, boolean descending) {
        if (h.length < rows || out.length < blocks * BLOCK)
            throw new IllegalArgumentException("QuantizedMatrix " + rows + "x" + cols + ": h has " + h.length + ", out " + out.length + " values");
        if (VectorMath.vectorApi()) VectorizedQuantized.upperBounds(this, h, norm2, norm1, inverseTemperature, out, fromBlock, toBlock, descending);
        else upperBoundsPlainly(h, norm2, norm1, inverseTemperature, out, fromBlock, toBlock, descending);
    }

    /** {@link #upperBounds} without the Vector API. */
    void upperBoundsPlainly(float[] h, float norm2, float norm1, float inverseTemperature, float[] out, int fromBlock, int toBlock, boolean descending) {
        float[] acc = new float[BLOCK];
        for (int k = fromBlock; k < toBlock; k++) {
            int b = descending ? toBlock - 1 - (k - fromBlock) : k;
            java.util.Arrays.fill(acc, 0f);
            for (int i = 0, o = b * rows * BLOCK; i < rows; i++, o += BLOCK)
                for (int j = 0; j < BLOCK; j++) acc[j] = Math.fma(h[i], (float) data[o + j], acc[j]);
            for (int j = 0, c = b * BLOCK; j < BLOCK; j++, c++) out[c] = bound(acc[j], c, norm2, norm1, inverseTemperature);
        }
    }

    /** The bound of column c from its accumulated byte products (the vector kernel computes the same). */
    float bound(float acc, int c, float norm2, float norm1, float inverseTemperature) {
        float z = (bias[c] + norm2 * errorNorm[c] + norm1 * roundoff[c] + scale[c] * acc) * inverseTemperature;
        return z + Math.abs(z) * RELATIVE_SLACK + ABSOLUTE_SLACK;
    }

    /** {‖h‖₂, ‖h‖₁} of h[0, rows), rounded up to floats. */
    public float[] norms(float[] h) {
        double two = 0, one = 0;
        for (int i = 0; i < rows; i++) {
            two += (double) h[i] * h[i];
            one += Math.abs(h[i]);
        }
        return new float[]{Math.nextUp((float) (Math.sqrt(two) * (1 + 1e-12))), Math.nextUp((float) (one * (1 + 1e-12)))};
    }

    /** b_j + Σ_i h_i·W[i, j] in double from the float weights: the logit the bounds stand above. */
    public double exactLogit(float[] h, int j) {
        double z = bias[j];
        for (int i = 0, at = j * rows; i < rows; i++) z += (double) h[i] * columns[at + i];
        return z;
    }
}
