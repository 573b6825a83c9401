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

    /** {@link PackedMatrix#multiplyRows}: four rows × four vectors of running sums per block (16 registers). */
    static void multiplyPackedRows(PackedMatrix w, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        int step = S.length(), rows = w.rows, block = PackedMatrix.BLOCK;
        float[] d = w.data, edge = new float[4 * block];
        for (int b = 0; b < w.blocks; b++) {
            int c0 = b * block, valid = Math.min(block, w.cols - c0);
            int r = 0;
            for (; r + 4 <= n; r += 4) {
                FloatVector a00 = FloatVector.zero(S), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00,
                        a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
                int x0 = xOff + r * xStride, x1 = x0 + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
                int o = b * rows * block;
                for (int i = 0; i < rows; i++, o += block) {
                    FloatVector w0 = FloatVector.fromArray(S, d, o), w1 = FloatVector.fromArray(S, d, o + step),
                            w2 = FloatVector.fromArray(S, d, o + 2 * step), w3 = FloatVector.fromArray(S, d, o + 3 * step);
                    FloatVector v = FloatVector.broadcast(S, x[x0 + i]);
                    a00 = w0.fma(v, a00); a01 = w1.fma(v, a01); a02 = w2.fma(v, a02); a03 = w3.fma(v, a03);
                    v = FloatVector.broadcast(S, x[x1 + i]);
                    a10 = w0.fma(v, a10); a11 = w1.fma(v, a11); a12 = w2.fma(v, a12); a13 = w3.fma(v, a13);
                    v = FloatVector.broadcast(S, x[x2 + i]);
                    a20 = w0.fma(v, a20); a21 = w1.fma(v, a21); a22 = w2.fma(v, a22); a23 = w3.fma(v, a23);
                    v = FloatVector.broadcast(S, x[x3 + i]);
                    a30 = w0.fma(v, a30); a31 = w1.fma(v, a31); a32 = w2.fma(v, a32); a33 = w3.fma(v, a33);
                }
                int at = outOff + r * outStride + c0;
                store(a00, a01, a02, a03, out, at, valid, edge);
                store(a10, a11, a12, a13, out, at + outStride, valid, edge);
                store(a20, a21, a22, a23, out, at + 2 * outStride, valid, edge);
                store(a30, a31, a32, a33, out, at + 3 * outStride, valid, edge);
            }
            for (; r < n; r++) {                      // the last rows, one at a time
                FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
                int xr = xOff + r * xStride, o = b * rows * block;
                for (int i = 0; i < rows; i++, o += block) {
                    FloatVector v = FloatVector.broadcast(S, x[xr + i]);
                    a0 = FloatVector.fromArray(S, d, o).fma(v, a0);
                    a1 = FloatVector.fromArray(S, d, o + step).fma(v, a1);
                    a2 = FloatVector.fromArray(S, d, o + 2 * step).fma(v, a2);
                    a3 = FloatVector.fromArray(S, d, o + 3 * step).fma(v, a3);
                }
                store(a0, a1, a2, a3, out, outOff + r * outStride + c0, valid, edge);
            }
        }
    }

    /** One block's four vectors of results to out[at…], or only the first {@code valid} values (last block). */
    private static void store(FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] out, int at, int valid, float[] edge) {
        int step = S.length();
        boolean full = valid == 4 * step;
        float[] dst = full ? out : edge;
        int o = full ? at : 0;
        a0.intoArray(dst, o);
        a1.intoArray(dst, o + step);
        a2.intoArray(dst, o + 2 * step);
        a3.intoArray(dst, o + 3 * step);
        if (!full) System.arraycopy(edge, 0, out, at, valid);
    }
}
