package org.rnnzoo.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of {@link GateFunctions}. Every reference to {@code jdk.incubator.vector} lives
 * here, so this class is only loaded (and only needs the module) when GateFunctions finds it.
 */
final class VectorGateFunctions {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorGateFunctions() {
    }

    static void sigmoid(float[] a, int off, int len) {
        int i = 0, upper = S.loopBound(len);
        for (; i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, a, off + i);
            // 1 / (1 + exp(-x)): exp overflows to +inf for x < -88, giving 0, the right limit.
            FloatVector one = FloatVector.broadcast(S, 1f);
            one.div(x.neg().lanewise(VectorOperators.EXP).add(one)).intoArray(a, off + i);
        }
        for (; i < len; i++) a[off + i] = (float) (1.0 / (1.0 + Math.exp(-a[off + i])));
    }

    /**
     * {@link HighwayKernel#backward(float[], float[], float[], float[], float[], float[], float[], int, int, int)}
     * over the whole vectors of one row (columns [0, j) of the row starting at {@code o}); returns j, where
     * the caller's scalar loop takes over. The same operations in the same order as that loop.
     */
    static int highwayBackward(float[] gate, float[] diff, float[] dy, float[] dPre, float[] dH, float[] dCarry, float[] dBias,
                               int o, int n) {
        int j = 0, upper = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; j < upper; j += S.length()) {
            int i = o + j;
            FloatVector t = FloatVector.fromArray(S, gate, i), e = FloatVector.fromArray(S, dy, i), dt = e.mul(t);
            dt.intoArray(dH, i);
            e.sub(dt).intoArray(dCarry, i);
            FloatVector p = e.mul(FloatVector.fromArray(S, diff, i)).mul(t).mul(one.sub(t));
            p.intoArray(dPre, i);
            FloatVector.fromArray(S, dBias, j).add(p).intoArray(dBias, j);
        }
        return j;
    }

    static void tanh(float[] a, int off, float[] out, int outOff, int len) {
        int i = 0, upper = S.loopBound(len);
        for (; i < upper; i += S.length()) {
            FloatVector.fromArray(S, a, off + i).lanewise(VectorOperators.TANH).intoArray(out, outOff + i);
        }
        for (; i < len; i++) out[outOff + i] = (float) Math.tanh(a[off + i]);
    }
    /** {@link AdditiveScores}' forward over one (t, s): h = tanh(u + w) into h[ho...]; returns v·h. */
    static float additiveScore(float[] u, int uo, float[] w, int wo, float[] v, float[] h, int ho, int n) {
        int i = 0, upper = S.loopBound(n);
        FloatVector acc = FloatVector.zero(S);
        for (; i < upper; i += S.length()) {
            FloatVector x = FloatVector.fromArray(S, u, uo + i).add(FloatVector.fromArray(S, w, wo + i)).lanewise(VectorOperators.TANH);
            x.intoArray(h, ho + i);
            acc = x.fma(FloatVector.fromArray(S, v, i), acc);
        }
        float e = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) e += v[i] * (h[ho + i] = (float) Math.tanh(u[uo + i] + w[wo + i]));
        return e;
    }

    /**
     * {@link AdditiveScores}' backward over the whole vectors of one (t, s); returns where the caller's
     * scalar loop takes over. The same operations as that loop.
     */
    static int additiveBackward(float g, float[] v, float[] h, int ho, float[] du, int uo, float[] dw, int wo, float[] dv, int n) {
        int i = 0, upper = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (; i < upper; i += S.length()) {
            FloatVector hi = FloatVector.fromArray(S, h, ho + i);
            FloatVector pre = FloatVector.fromArray(S, v, i).mul(g).mul(one.sub(hi.mul(hi)));
            FloatVector.fromArray(S, du, uo + i).add(pre).intoArray(du, uo + i);
            FloatVector.fromArray(S, dw, wo + i).add(pre).intoArray(dw, wo + i);
            hi.mul(g).add(FloatVector.fromArray(S, dv, i)).intoArray(dv, i);
        }
        return i;
    }
}
