package org.rnnzoo.kernels;

import java.util.Arrays;

/**
 * Bahdanau, Cho &amp; Bengio (2015)'s additive attention score e_ts = v·tanh(u_t + w_s), fused: for
 * every (example, target step, source step) one pass over the A-long hidden vector, kept in this
 * object's buffer for the backward pass, instead of ND4J's materialised [b, A, T, S] broadcasts and
 * temporaries (docs/performance.md, "Additive attention: a fused score").
 *
 * <p>Layouts (row-major floats): u = W2 q as rows {@code [b, T, A]}, w = W1 k as rows
 * {@code [b, S, A]}, scores and their gradient {@code [b, T, S]}, the hidden layer
 * {@code [b, T, S, A]}. Examples are split over {@link TwoLanes}; the buffers grow to the largest
 * batch seen and are reused. One forward, then at most one backward of it: a later forward
 * overwrites the hidden layer ({@link #pass()} tells the caller whether its forward is still there).
 */
public final class AdditiveScores {
    private float[] hidden = new float[0];
    private final float[][] laneDv = new float[2][];
    private int batch, targets, sources, width;
    private float[] targetMask, sourceMask;   // the last forward's: positions whose hidden layer it did not compute
    private long pass;

    /** Counts forward passes: the one whose hidden layer the buffer holds. */
    public long pass() { return pass; }

    /**
     * scores[b, t, s] = v·tanh(u[b, t, :] + w[b, s, :]); returns this forward's {@link #pass()}. Where
     * the target mask {@code [b, T]} or the source mask {@code [b, S]} (each null for none) is 0 the
     * score is left 0 and nothing is computed: the caller masks that score or that row's output, so
     * its gradient is 0 and the backward pass skips it too.
     */
    public long forward(float[] u, float[] w, float[] v, int batch, int targets, int sources, int width, float[] targetMask,
                        float[] sourceMask, float[] scores) {
        long size = (long) batch * targets * sources * width;
        if (size > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("additive scores: hidden layer of " + size + " values");
        if (hidden.length < size) hidden = new float[(int) size];
        this.batch = batch;
        this.targets = targets;
        this.sources = sources;
        this.width = width;
        this.targetMask = targetMask;
        this.sourceMask = sourceMask;
        float[] h = hidden;
        int shares = batch >= 2 ? TwoLanes.lanes() : 1;
        TwoLanes.run((phase, lane) -> {
            for (int b = batch * lane / shares, end = batch * (lane + 1) / shares; b < end; b++)
                for (int t = 0; t < targets; t++) {
                    int uo = (b * targets + t) * width, eo = (b * targets + t) * sources;
                    boolean row = on(targetMask, b * targets + t);
                    for (int s = 0; s < sources; s++)
                        scores[eo + s] = row && on(sourceMask, b * sources + s) ? score(u, uo, w, (b * sources + s) * width, v, h, (eo + s) * width, width) : 0f;
                }
        }, 0, shares);
        return ++pass;
    }

    /**
     * The backward pass of the last forward, given dScores {@code [b, T, S]}: du {@code [b, T, A]},
     * dw {@code [b, S, A]} and dv {@code [A]} (all overwritten). With pre = dE_ts·v⊙(1 − h_ts²):
     * du_t = Σ_s pre, dw_s = Σ_t pre, dv = Σ dE_ts·h_ts. A zero dE_ts contributes nothing and is
     * skipped; so are the masked positions the forward skipped (their dE_ts is 0 when the caller masks them).
     */
    public void backward(float[] dScores, float[] v, float[] du, float[] dw, float[] dv) {
        int a = width;
        Arrays.fill(du, 0, batch * targets * a, 0f);
        Arrays.fill(dw, 0, batch * sources * a, 0f);
        int shares = batch >= 2 ? TwoLanes.lanes() : 1;
        float[] h = hidden;
        TwoLanes.run((phase, lane) -> {
            float[] dvl = laneDv[lane] == null || laneDv[lane].length < a ? (laneDv[lane] = new float[a]) : laneDv[lane];
            Arrays.fill(dvl, 0, a, 0f);
            for (int b = batch * lane / shares, end = batch * (lane + 1) / shares; b < end; b++)
                for (int t = 0; t < targets; t++) {
                    if (!on(targetMask, b * targets + t)) continue;
                    int uo = (b * targets + t) * a, eo = (b * targets + t) * sources;
                    for (int s = 0; s < sources; s++) {
                        float g = dScores[eo + s];
                        if (g != 0f && on(sourceMask, b * sources + s)) scoreBackward(g, v, h, (eo + s) * a, du, uo, dw, (b * sources + s) * a, dvl, a);
                    }
                }
        }, 0, shares);
        System.arraycopy(laneDv[0], 0, dv, 0, a);
        if (shares > 1) for (int i = 0; i < a; i++) dv[i] += laneDv[1][i];
    }

    private static boolean on(float[] mask, int i) { return mask == null || mask[i] != 0f; }

    /** h[ho, ho+n) = tanh(u[uo...] + w[wo...]); returns v·h. */
    private static float score(float[] u, int uo, float[] w, int wo, float[] v, float[] h, int ho, int n) {
        if (GateFunctions.VECTORISED) return VectorGateFunctions.additiveScore(u, uo, w, wo, v, h, ho, n);
        float e = 0;
        for (int i = 0; i < n; i++) e += v[i] * (h[ho + i] = (float) Math.tanh(u[uo + i] + w[wo + i]));
        return e;
    }

    /** pre = g·v⊙(1 − h²) added to du[uo...] and dw[wo...]; g·h added to dv. */
    private static void scoreBackward(float g, float[] v, float[] h, int ho, float[] du, int uo, float[] dw, int wo, float[] dv, int n) {
        int i = GateFunctions.VECTORISED ? VectorGateFunctions.additiveBackward(g, v, h, ho, du, uo, dw, wo, dv, n) : 0;
        for (; i < n; i++) {
            float hi = h[ho + i], pre = g * v[i] * (1 - hi * hi);
            du[uo + i] += pre;
            dw[wo + i] += pre;
            dv[i] += g * hi;
        }
    }
}
