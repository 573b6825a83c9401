package org.rnnzoo.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The Vector API half of {@link VectorMath}; never touched unless the module is present. */
final class VectorizedSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorizedSoftmax() {}

    static void softmaxRows(float[] z, int rows, int cols) {
        int bound = S.loopBound(cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += S.length()) vmax = vmax.max(FloatVector.fromArray(S, z, o + c));
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; c < cols; c++) max = Math.max(max, z[o + c]);

            FloatVector vsum = FloatVector.zero(S);
            c = 0;
            for (; c < bound; c += S.length()) {
                FloatVector e = FloatVector.fromArray(S, z, o + c).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(z, o + c);
                vsum = vsum.add(e);
            }
            double sum = vsum.reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                float e = (float) Math.exp(z[o + c] - max);
                z[o + c] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            c = 0;
            for (; c < bound; c += S.length()) FloatVector.fromArray(S, z, o + c).mul(inv).intoArray(z, o + c);
            for (; c < cols; c++) z[o + c] *= inv;
        }
    }

    /** The same on native memory (an ND4J buffer), so the logits are never copied to the heap and back. */
    static void softmaxRows(ByteBuffer z, int rows, int cols, float[] bias) {
        ByteOrder order = ByteOrder.nativeOrder();
        int bound = S.loopBound(cols), step = S.length();
        for (int r = 0; r < rows; r++) {
            int o = r * cols * 4;
            // first pass adds the bias (saves a broadcast op over the whole [rows, cols] array) and finds the max
            FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            int c = 0;
            for (; c < bound; c += step) {
                FloatVector x = FloatVector.fromByteBuffer(S, z, o + 4 * c, order).add(FloatVector.fromArray(S, bias, c));
                x.intoByteBuffer(z, o + 4 * c, order);
                vmax = vmax.max(x);
            }
            float max = vmax.reduceLanes(VectorOperators.MAX);
            for (; c < cols; c++) {
                float x = z.getFloat(o + 4 * c) + bias[c];
                z.putFloat(o + 4 * c, x);
                max = Math.max(max, x);
            }

            FloatVector vsum = FloatVector.zero(S);
            c = 0;
            for (; c < bound; c += step) {
                FloatVector e = FloatVector.fromByteBuffer(S, z, o + 4 * c, order).sub(max).lanewise(VectorOperators.EXP);
                e.intoByteBuffer(z, o + 4 * c, order);
                vsum = vsum.add(e);
            }
            double sum = vsum.reduceLanes(VectorOperators.ADD);
            for (; c < cols; c++) {
                float e = (float) Math.exp(z.getFloat(o + 4 * c) - max);
                z.putFloat(o + 4 * c, e);
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            c = 0;
            for (; c < bound; c += step) FloatVector.fromByteBuffer(S, z, o + 4 * c, order).mul(inv).intoByteBuffer(z, o + 4 * c, order);
            for (; c < cols; c++) z.putFloat(o + 4 * c, z.getFloat(o + 4 * c) * inv);
        }
    }

    /**
     * out[v] = bias[v] + Σ_i x[i]·W[i, v], W column-major on the heap: each output unit is one
     * contiguous dot product. For one-row inputs ND4J's gemm costs ~1 ms here (call overhead, not
     * arithmetic), which capped batch-1 sampling.
     */
    static void affineColumns(float[] w, int nIn, int nOut, float[] x, float[] bias, float[] out) {
        int bound = S.loopBound(nIn), step = S.length();
        for (int v = 0; v < nOut; v++) {
            int o = v * nIn;
            FloatVector acc = FloatVector.zero(S);
            int i = 0;
            for (; i < bound; i += step) acc = FloatVector.fromArray(S, x, i).fma(FloatVector.fromArray(S, w, o + i), acc);
            float sum = acc.reduceLanes(VectorOperators.ADD);
            for (; i < nIn; i++) sum += x[i] * w[o + i];
            out[v] = bias == null ? sum : sum + bias[v];
        }
    }
}
