package org.rnnzoo.kernels;

/**
 * Row-wise softmax over float arrays: ND4J's exp runs scalar, the JDK's incubating Vector API does
 * not (docs/performance.md#vector-api-exp). The Vector API path
 * lives in {@link VectorizedSoftmax}, loaded only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; otherwise a plain loop is used.
 */
public final class VectorMath {
    private static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Switches.NO_VECTOR_API;

    private VectorMath() {}

    public static boolean vectorApi() { return VECTOR; }

    /** In place: each of {@code rows} rows of length {@code cols} becomes softmax(row). */
    public static void softmaxRows(float[] z, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = max(z, o, o + cols);
            double sum = expShifted(z, o, o + cols, max);
            scale(z, o, o + cols, (float) (1.0 / sum));
        }
    }

    /*
     * The three passes of a softmax over a range, separately, so that two threads can each take a
     * share of one row (HeapLstmDecoder): each finds its share's max m_k and sum s_k of exp(z − m_k),
     * and the shares are combined with factors exp(m_k − M) / Σ_k s_k·exp(m_k − M).
     */

    /** The largest of z[from, to) (−∞ when empty). */
    public static float max(float[] z, int from, int to) {
        if (VECTOR) return VectorizedSoftmax.max(z, from, to);
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) max = Math.max(max, z[i]);
        return max;
    }

    /** z[i] = exp(z[i] − shift) over [from, to); returns their sum. */
    public static double expShifted(float[] z, int from, int to, float shift) {
        if (VECTOR) return VectorizedSoftmax.expShifted(z, from, to, shift);
        double sum = 0;
        for (int i = from; i < to; i++) sum += z[i] = (float) Math.exp(z[i] - shift);
        return sum;
    }

    /**
     * The first i in [from, to) where the running sum of q reaches u (u ≤ Σ q), or, when rounding
     * leaves u above the sum, the last i with q[i] &gt; 0 (−1 if none): the inverse-CDF step of a draw.
     * Vectorised, whole vectors of q are skipped by their sum, which breaks the serial chain of
     * subtractions a plain loop makes (docs/performance.md#sampling-byte-proposals-and-draws).
     */
    public static int locate(float[] q, int from, int to, double u) {
        int i = from;
        if (VECTOR) {
            int[] at = {from};
            u = VectorizedSoftmax.skipWhole(q, from, to, u, at);
            i = at[0];
        }
        int last = -1;
        for (; i < to; i++) {
            if (!(q[i] > 0)) continue;
            last = i;
            u -= q[i];
            if (u <= 0) return i;
        }
        if (last >= 0) return last;
        for (i = to - 1; i >= from; i--) if (q[i] > 0) return i;
        return -1;
    }

    /** z[i] *= factor over [from, to). */
    public static void scale(float[] z, int from, int to, float factor) {
        if (VECTOR) {
            VectorizedSoftmax.scale(z, from, to, factor);
            return;
        }
        for (int i = from; i < to; i++) z[i] *= factor;
    }

    /**
     * In place on a native float buffer (native-order floats, row-major): softmax(row + bias). When
     * {@code columnSums} is not null, each column's sum of the probabilities is added to it (the
     * output layer's bias gradient is Σ_rows p − counts of the targets: summed here while the row is
     * in cache, instead of another pass over 16 MB).
     */
    public static void softmaxRows(java.nio.ByteBuffer z, int rows, int cols, float[] bias, float[] columnSums) {
        z.order(java.nio.ByteOrder.nativeOrder());
        if (VECTOR) {
            VectorizedSoftmax.softmaxRows(z, rows, cols, bias, columnSums);
            return;
        }
        java.nio.FloatBuffer f = z.asFloatBuffer();
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                f.put(o + c, f.get(o + c) + bias[c]);
                max = Math.max(max, f.get(o + c));
            }
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                float e = (float) Math.exp(f.get(o + c) - max);
                f.put(o + c, e);
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int c = 0; c < cols; c++) {
                f.put(o + c, f.get(o + c) * inv);
                if (columnSums != null) columnSums[c] += f.get(o + c);
            }
        }
    }

    /**
     * Σ x² over the floats [from, to) of a native buffer (native order; indices count floats): the
     * global-norm clipping pass of every training step, in place of ND4J's slower and less exact norm2
     * (docs/performance.md#training-step-clipping-update-and-step). Partial sums are float over
     * runs of {@value #SQUARES_RUN} values, then added in double.
     */
    public static double sumOfSquares(java.nio.ByteBuffer b, long from, long to) {
        b.order(java.nio.ByteOrder.nativeOrder());
        double sum = 0;
        for (long r = from; r < to; r += SQUARES_RUN) {
            int i = (int) r, end = (int) Math.min(to, r + SQUARES_RUN);
            if (VECTOR) {
                sum += VectorizedSoftmax.sumOfSquares(b, i, end);
            } else {
                float s = 0;
                for (; i < end; i++) s += b.getFloat(4 * i) * b.getFloat(4 * i);
                sum += s;
            }
        }
        return sum;
    }

    private static final int SQUARES_RUN = 4096;

    /**
     * In place over the floats [from, to) of a native buffer: x = x · scale / divisor · factor, three
     * float operations in the order clipping's rescale, DL4J's updater (divide by the batch) and SGD's
     * learning rate make them, so the result is theirs to the bit (a scale of 1 changes nothing).
     */
    public static void scaledUpdate(java.nio.ByteBuffer b, long from, long to, float scale, float divisor, float factor) {
        b.order(java.nio.ByteOrder.nativeOrder());
        int i = (int) from, end = (int) to;
        if (VECTOR) i = VectorizedSoftmax.scaledUpdate(b, i, end, scale, divisor, factor);
        for (; i < end; i++) b.putFloat(4 * i, b.getFloat(4 * i) * scale / divisor * factor);
    }

    /**
     * {@link #scaledUpdate} and the SGD step in one pass, for i in [0, n): u = g[gFrom + i] · scale /
     * divisor · factor is left in g (where DL4J leaves the update) and p[pFrom + i] −= u.
     */
    public static void scaledStep(java.nio.ByteBuffer p, long pFrom, java.nio.ByteBuffer g, long gFrom, long n,
                                  float scale, float divisor, float factor) {
        p.order(java.nio.ByteOrder.nativeOrder());
        g.order(java.nio.ByteOrder.nativeOrder());
        int i = 0, pi = (int) pFrom, gi = (int) gFrom, len = (int) n;
        if (VECTOR) i = VectorizedSoftmax.scaledStep(p, pi, g, gi, len, scale, divisor, factor);
        for (; i < len; i++) {
            float u = g.getFloat(4 * (gi + i)) * scale / divisor * factor;
            g.putFloat(4 * (gi + i), u);
            p.putFloat(4 * (pi + i), p.getFloat(4 * (pi + i)) - u);
        }
    }

    /**
     * One Adam update over i in [0, n) of native buffers, as libnd4j's {@code adam_updater} makes it
     * in float after clipping's rescale and DL4J's divide by the batch: x = g·scale/divisor;
     * m = β₁m + x(1 − β₁); v = β₂v + x·x(1 − β₂); u = m·α / (√v + ε), in that order (no fused
     * multiply-add). m, v are updated in {@code s} at mFrom + i and vFrom + i, u is left in g
     * (where DL4J leaves the update) and, when {@code p} is not null, p[pFrom + i] −= u.
     */
    public static void adam(java.nio.ByteBuffer g, long gFrom, java.nio.ByteBuffer s, long mFrom, long vFrom, long n,
                            float scale, float divisor, AdamFactors f, java.nio.ByteBuffer p, long pFrom) {
        java.nio.ByteOrder order = java.nio.ByteOrder.nativeOrder();
        g.order(order);
        s.order(order);
        if (p != null) p.order(order);
        int i = 0, gi = (int) gFrom, mi = (int) mFrom, vi = (int) vFrom, pi = (int) pFrom, len = (int) n;
        if (VECTOR) i = VectorizedSoftmax.adam(g, gi, s, mi, vi, len, scale, divisor, f, p, pi);
        float b1 = f.beta1(), b2 = f.beta2(), c1 = 1f - b1, c2 = 1f - b2, eps = f.epsilon(), alpha = f.alpha();
        for (; i < len; i++) {
            float x = g.getFloat(4 * (gi + i)) * scale / divisor;
            float m = b1 * s.getFloat(4 * (mi + i)) + x * c1;
            float v = b2 * s.getFloat(4 * (vi + i)) + x * x * c2;
            float u = m * alpha / ((float) Math.sqrt(v) + eps);
            s.putFloat(4 * (mi + i), m);
            s.putFloat(4 * (vi + i), v);
            g.putFloat(4 * (gi + i), u);
            if (p != null) p.putFloat(4 * (pi + i), p.getFloat(4 * (pi + i)) - u);
        }
    }

    /** p[pFrom + i] −= g[gFrom + i] for i in [0, n), native buffers (a plain SGD step). */
    public static void subtract(java.nio.ByteBuffer p, long pFrom, java.nio.ByteBuffer g, long gFrom, long n) {
        p.order(java.nio.ByteOrder.nativeOrder());
        g.order(java.nio.ByteOrder.nativeOrder());
        int i = 0, pi = (int) pFrom, gi = (int) gFrom, len = (int) n;
        if (VECTOR) i = VectorizedSoftmax.subtract(p, pi, g, gi, len);
        for (; i < len; i++) p.putFloat(4 * (pi + i), p.getFloat(4 * (pi + i)) - g.getFloat(4 * (gi + i)));
    }

    /** out[i] = a[i]^e for a[i] &ge; 0 (sampling temperature: softmax(z/T) ∝ p^(1/T)). */
    public static void pow(float[] a, float e, float[] out) {
        if (VECTOR) {
            VectorizedSoftmax.pow(a, e, out);
            return;
        }
        for (int i = 0; i < a.length; i++) out[i] = (float) Math.pow(a[i], e);
    }

    /** Columns per block of a {@link PackedMatrix}: four vectors of the preferred species, or 64. */
    static int packedBlock() {
        return VECTOR ? VectorizedSoftmax.packedBlock() : 64;
    }

    /** In place, double precision (gradient checks): no vectorisation needed. */
    public static void softmaxRows(double[] z, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, z[o + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                double e = Math.exp(z[o + c] - max);
                z[o + c] = e;
                sum += e;
            }
            for (int c = 0; c < cols; c++) z[o + c] /= sum;
        }
    }
}
