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

    static float max(float[] z, int from, int to) {
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) vmax = vmax.max(FloatVector.fromArray(S, z, i));
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < to; i++) max = Math.max(max, z[i]);
        return max;
    }

    static double expShifted(float[] z, int from, int to, float shift) {
        FloatVector vsum = FloatVector.zero(S);
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, z, i).sub(shift).lanewise(VectorOperators.EXP);
            e.intoArray(z, i);
            vsum = vsum.add(e);
        }
        double sum = vsum.reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) sum += z[i] = (float) Math.exp(z[i] - shift);
        return sum;
    }

    static void scale(float[] z, int from, int to, float factor) {
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, z, i).mul(factor).intoArray(z, i);
        for (; i < to; i++) z[i] *= factor;
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

    static void columnSums(ByteBuffer z, int rows, int cols, int from, int to, float[] sums) {
        ByteOrder order = ByteOrder.nativeOrder();
        int step = S.length(), bound = from + S.loopBound(to - from);
        java.util.Arrays.fill(sums, from, to, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            int j = from;
            for (; j < bound; j += step)
                FloatVector.fromByteBuffer(S, z, (o + j) * 4, order).add(FloatVector.fromArray(S, sums, j)).intoArray(sums, j);
            for (; j < to; j++) sums[j] += z.getFloat((o + j) * 4);
        }
    }

    static void pow(float[] a, float e, float[] out) {
        int i = 0, bound = S.loopBound(a.length);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, a, i).lanewise(VectorOperators.POW, e).intoArray(out, i);
        for (; i < a.length; i++) out[i] = (float) Math.pow(a[i], e);
    }

    /** Four vectors' worth of columns: the running sums of one block stay in registers. */
    static int packedBlock() { return 4 * S.length(); }

    /**
     * out = init + x·W for a {@link PackedMatrix}: per block, four accumulators (one cache line of
     * W each with AVX-512) take x[i]·(row i of the block) for every i, then are stored once.
     */
    static void multiplyPacked(PackedMatrix w, float[] x, float[] init, float[] out, int fromBlock, int toBlock) {
        int step = S.length(), rows = w.rows, block = PackedMatrix.BLOCK;
        float[] d = w.data, edge = null;
        for (int b = fromBlock; b < toBlock; b++) {
            int c0 = b * block;
            boolean full = c0 + block <= w.cols;
            float[] dst = out;
            int at = c0;
            if (!full) {                      // the zero-padded last block goes through a scratch row
                edge = new float[block];
                if (init != null) System.arraycopy(init, c0, edge, 0, w.cols - c0);
                dst = edge;
                at = 0;
            }
            float[] src = full ? init : (init == null ? null : edge);
            FloatVector a0, a1, a2, a3;
            if (src == null) {
                a0 = a1 = a2 = a3 = FloatVector.zero(S);
            } else {
                a0 = FloatVector.fromArray(S, src, at);
                a1 = FloatVector.fromArray(S, src, at + step);
                a2 = FloatVector.fromArray(S, src, at + 2 * step);
                a3 = FloatVector.fromArray(S, src, at + 3 * step);
            }
            int o = b * rows * block;
            for (int i = 0; i < rows; i++, o += block) {
                FloatVector xi = FloatVector.broadcast(S, x[i]);
                a0 = FloatVector.fromArray(S, d, o).fma(xi, a0);
                a1 = FloatVector.fromArray(S, d, o + step).fma(xi, a1);
                a2 = FloatVector.fromArray(S, d, o + 2 * step).fma(xi, a2);
                a3 = FloatVector.fromArray(S, d, o + 3 * step).fma(xi, a3);
            }
            a0.intoArray(dst, at);
            a1.intoArray(dst, at + step);
            a2.intoArray(dst, at + 2 * step);
            a3.intoArray(dst, at + 3 * step);
            if (!full) System.arraycopy(edge, 0, out, c0, w.cols - c0);
        }
    }
}
