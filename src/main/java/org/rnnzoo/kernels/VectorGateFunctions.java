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
}
