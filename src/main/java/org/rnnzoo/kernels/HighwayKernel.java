package org.rnnzoo.kernels;

/**
 * The element-wise part of a highway connection (Srivastava, Greff &amp; Schmidhuber 2015, eq. 3 with
 * C = 1 − T), over row-major {@code [rows, n]} arrays: one row per (time step, example), one column
 * per unit. The gate's matrix product stays in ND4J; everything else is one pass here, instead of a
 * native call (and an allocated array) per operation. Each call covers rows [from, to), so that each
 * lane runs it on its own rows right after its share of the product.
 *
 * <p>Float is what training runs (the sigmoid vectorised by {@link GateFunctions}); double is what
 * the gradient checks run, the same equations.
 */
public final class HighwayKernel {
    private HighwayKernel() {}

    /**
     * In place, over rows [from, to): {@code gate} (W_T·x) becomes T = σ(W_T·x + b_T), {@code h} (H(x))
     * becomes H − C; {@code y} = C + T⊙(H − C).
     */
    public static void forward(float[] gate, float[] bias, float[] h, float[] carry, float[] y, int from, int to, int n) {
        for (int r = from, o = from * n; r < to; r++, o += n)
            for (int j = 0; j < n; j++) gate[o + j] += bias[j];
        GateFunctions.sigmoid(gate, from * n, (to - from) * n);
        for (int i = from * n, len = to * n; i < len; i++) {
            float d = h[i] - carry[i];
            h[i] = d;
            y[i] = carry[i] + gate[i] * d;
        }
    }

    /** {@link #forward(float[], float[], float[], float[], float[], int, int, int)} in double. */
    public static void forward(double[] gate, double[] bias, double[] h, double[] carry, double[] y, int from, int to, int n) {
        for (int r = from, o = from * n; r < to; r++, o += n)
            for (int j = 0; j < n; j++) gate[o + j] = 1.0 / (1.0 + Math.exp(-(gate[o + j] + bias[j])));
        for (int i = from * n, len = to * n; i < len; i++) {
            double d = h[i] - carry[i];
            h[i] = d;
            y[i] = carry[i] + gate[i] * d;
        }
    }

    /**
     * From dL/dy: dL/dH = dy⊙T, dL/dC = dy⊙(1 − T), and the gate's pre-activation gradient
     * dL/d(W_T·x + b_T) = dy⊙(H − C)⊙T⊙(1 − T), over rows [from, to); {@code dBias} gets the column
     * sums of those rows.
     *
     * @param gate T and {@code diff} H − C, as {@link #forward} left them
     */
    public static void backward(float[] gate, float[] diff, float[] dy, float[] dPre, float[] dH, float[] dCarry, float[] dBias,
                                int from, int to, int n) {
        java.util.Arrays.fill(dBias, 0, n, 0f);
        for (int r = from, o = from * n; r < to; r++, o += n)
            // whole vectors of the row through the Vector API where it is loaded, the rest here
            for (int j = GateFunctions.VECTORISED ? VectorGateFunctions.highwayBackward(gate, diff, dy, dPre, dH, dCarry, dBias, o, n) : 0;
                 j < n; j++) {
                int i = o + j;
                float t = gate[i], e = dy[i], dt = e * t;
                dH[i] = dt;
                dCarry[i] = e - dt;
                float p = e * diff[i] * t * (1f - t);
                dPre[i] = p;
                dBias[j] += p;
            }
    }

    /** {@link #backward(float[], float[], float[], float[], float[], float[], float[], int, int, int)} in double. */
    public static void backward(double[] gate, double[] diff, double[] dy, double[] dPre, double[] dH, double[] dCarry, double[] dBias,
                                int from, int to, int n) {
        java.util.Arrays.fill(dBias, 0, n, 0.0);
        for (int r = from, o = from * n; r < to; r++, o += n)
            for (int j = 0; j < n; j++) {
                int i = o + j;
                double t = gate[i], e = dy[i], dt = e * t;
                dH[i] = dt;
                dCarry[i] = e - dt;
                double p = e * diff[i] * t * (1.0 - t);
                dPre[i] = p;
                dBias[j] += p;
            }
    }
}
