package org.rnnzoo.kernels;

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

    /**
     * {@link VectorMath#locate}'s skip: subtracts from u the sums of whole vectors of q from
     * {@code from} while u stays above them, and leaves in at[0] where the serial scan takes over.
     */
    static double skipWhole(float[] q, int from, int to, double u, int[] at) {
        int i = from, bound = from + S.loopBound(to - from), step = S.length();
        for (; i < bound; i += step) {
            double sum = FloatVector.fromArray(S, q, i).reduceLanes(VectorOperators.ADD);
            if (u <= sum) break;
            u -= sum;
        }
        at[0] = i;
        return u;
    }

    static void scale(float[] z, int from, int to, float factor) {
        int i = from, bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) FloatVector.fromArray(S, z, i).mul(factor).intoArray(z, i);
        for (; i < to; i++) z[i] *= factor;
    }

    /** The same on native memory (an ND4J buffer), so the logits are never copied to the heap and back. */
    static void softmaxRows(ByteBuffer z, int rows, int cols, float[] bias, float[] columnSums) {
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
            if (columnSums == null) {
                for (; c < bound; c += step) FloatVector.fromByteBuffer(S, z, o + 4 * c, order).mul(inv).intoByteBuffer(z, o + 4 * c, order);
            } else {
                for (; c < bound; c += step) {
                    FloatVector p = FloatVector.fromByteBuffer(S, z, o + 4 * c, order).mul(inv);
                    p.intoByteBuffer(z, o + 4 * c, order);
                    p.add(FloatVector.fromArray(S, columnSums, c)).intoArray(columnSums, c);
                }
            }
            for (; c < cols; c++) {
                z.putFloat(o + 4 * c, z.getFloat(o + 4 * c) * inv);
                if (columnSums != null) columnSums[c] += z.getFloat(o + 4 * c);
            }
        }
    }

    /** Σ x² over floats [from, to) of a native-order buffer, float accumulators (a short run: see the caller). */
    static float sumOfSquares(ByteBuffer b, int from, int to) {
        ByteOrder order = ByteOrder.nativeOrder();
        int step = S.length(), i = from;
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        for (; i + 2 * step <= to; i += 2 * step) {
            FloatVector x = FloatVector.fromByteBuffer(S, b, 4 * i, order), y = FloatVector.fromByteBuffer(S, b, 4 * (i + step), order);
            a0 = x.fma(x, a0);
            a1 = y.fma(y, a1);
        }
        float s = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < to; i++) s += b.getFloat(4 * i) * b.getFloat(4 * i);
        return s;
    }

    /** The vector part of {@link VectorMath#scaledUpdate}; returns where the scalar tail starts. */
    static int scaledUpdate(ByteBuffer b, int from, int to, float scale, float divisor, float factor) {
        ByteOrder order = ByteOrder.nativeOrder();
        int i = from;
        for (; i + S.length() <= to; i += S.length())
            FloatVector.fromByteBuffer(S, b, 4 * i, order).mul(scale).div(divisor).mul(factor).intoByteBuffer(b, 4 * i, order);
        return i;
    }

    /** The vector part of {@link VectorMath#scaledStep}; returns how many it did. */
    static int scaledStep(ByteBuffer p, int pFrom, ByteBuffer g, int gFrom, int n, float scale, float divisor, float factor) {
        ByteOrder order = ByteOrder.nativeOrder();
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector u = FloatVector.fromByteBuffer(S, g, 4 * (gFrom + i), order).mul(scale).div(divisor).mul(factor);
            u.intoByteBuffer(g, 4 * (gFrom + i), order);
            FloatVector.fromByteBuffer(S, p, 4 * (pFrom + i), order).sub(u).intoByteBuffer(p, 4 * (pFrom + i), order);
        }
        return i;
    }

    /** The vector part of {@link VectorMath#adam}; returns how many it did. Lanewise mul, add, div and sqrt round as the scalar ones. */
    static int adam(ByteBuffer g, int gFrom, ByteBuffer s, int mFrom, int vFrom, int n, float scale, float divisor,
                    AdamFactors f, ByteBuffer p, int pFrom) {
        ByteOrder order = ByteOrder.nativeOrder();
        float b1 = f.beta1(), b2 = f.beta2(), c1 = 1f - b1, c2 = 1f - b2, eps = f.epsilon(), alpha = f.alpha();
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector x = FloatVector.fromByteBuffer(S, g, 4 * (gFrom + i), order).mul(scale).div(divisor);
            FloatVector m = FloatVector.fromByteBuffer(S, s, 4 * (mFrom + i), order).mul(b1).add(x.mul(c1));
            FloatVector v = FloatVector.fromByteBuffer(S, s, 4 * (vFrom + i), order).mul(b2).add(x.mul(x).mul(c2));
            FloatVector u = m.mul(alpha).div(v.lanewise(VectorOperators.SQRT).add(eps));
            m.intoByteBuffer(s, 4 * (mFrom + i), order);
            v.intoByteBuffer(s, 4 * (vFrom + i), order);
            u.intoByteBuffer(g, 4 * (gFrom + i), order);
            if (p != null) FloatVector.fromByteBuffer(S, p, 4 * (pFrom + i), order).sub(u).intoByteBuffer(p, 4 * (pFrom + i), order);
        }
        return i;
    }

    /** The vector part of {@link VectorMath#subtract}; returns how many it did. */
    static int subtract(ByteBuffer p, int pFrom, ByteBuffer g, int gFrom, int n) {
        ByteOrder order = ByteOrder.nativeOrder();
        int i = 0;
        for (; i + S.length() <= n; i += S.length()) {
            FloatVector x = FloatVector.fromByteBuffer(S, p, 4 * (pFrom + i), order);
            x.sub(FloatVector.fromByteBuffer(S, g, 4 * (gFrom + i), order)).intoByteBuffer(p, 4 * (pFrom + i), order);
        }
        return i;
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
    static void multiplyPacked(PackedMatrix w, float[] x, float[] init, float[] out, int fromBlock, int toBlock, boolean descending) {
        float[] edge = new float[PackedMatrix.BLOCK];
        if (descending) for (int b = toBlock - 1; b >= fromBlock; b--) oneRow(w, b, x, 0, init, out, 0, edge);
        else for (int b = fromBlock; b < toBlock; b++) oneRow(w, b, x, 0, init, out, 0, edge);
    }

    /**
     * {@link PackedMatrix#multiplyRows}. Eight running sums at a time: four rows × half a block (two
     * vectors), then a pair of rows × a whole block, then a last single row. Sixteen sums (four rows ×
     * a whole block) spilled registers in C2 (docs/performance.md#lstm-per-step-recurrent-products).
     */
    static void multiplyPackedRows(PackedMatrix w, float[] x, int xOff, int xStride, int n, float[] out, int outOff, int outStride) {
        // One small method per kernel: in one large method C2 gave up on the vector intrinsics after a
        // deoptimisation (boxed vectors); apart, each compiles on its own (same link as above).
        float[] edge = new float[PackedMatrix.BLOCK];
        for (int b = 0; b < w.blocks; b++) {
            int r = 0;
            for (; r + 4 <= n; r += 4)
                for (int half = 0; half < 2 && half * 2 * S.length() < w.cols - b * PackedMatrix.BLOCK; half++)
                    fourRows(w, b, half, x, xOff + r * xStride, xStride, out, outOff + r * outStride, outStride, edge);
            for (; r + 2 <= n; r += 2) twoRows(w, b, x, xOff + r * xStride, xStride, out, outOff + r * outStride, outStride, edge);
            for (; r < n; r++) oneRow(w, b, x, xOff + r * xStride, null, out, outOff + r * outStride, edge);
        }
    }

    /** Rows x0…x0+3 (stride xs) × half {@code half} of block b: eight running sums. */
    private static void fourRows(PackedMatrix w, int b, int half, float[] x, int x0, int xs, float[] out, int at, int os, float[] edge) {
        int step = S.length(), block = PackedMatrix.BLOCK, rows = w.rows;
        float[] d = w.data;
        FloatVector p0 = FloatVector.zero(S), p1 = p0, q0 = p0, q1 = p0, u0 = p0, u1 = p0, v0 = p0, v1 = p0;
        int x1 = x0 + xs, x2 = x1 + xs, x3 = x2 + xs;
        for (int i = 0, o = b * rows * block + half * 2 * step; i < rows; i++, o += block) {
            FloatVector w0 = FloatVector.fromArray(S, d, o), w1 = FloatVector.fromArray(S, d, o + step);
            FloatVector e = FloatVector.broadcast(S, x[x0 + i]);
            p0 = w0.fma(e, p0); p1 = w1.fma(e, p1);
            e = FloatVector.broadcast(S, x[x1 + i]);
            q0 = w0.fma(e, q0); q1 = w1.fma(e, q1);
            e = FloatVector.broadcast(S, x[x2 + i]);
            u0 = w0.fma(e, u0); u1 = w1.fma(e, u1);
            e = FloatVector.broadcast(S, x[x3 + i]);
            v0 = w0.fma(e, v0); v1 = w1.fma(e, v1);
        }
        int c = b * block + half * 2 * step, count = Math.min(2 * step, w.cols - c);
        store(p0, p1, out, at + c, count, edge);
        store(q0, q1, out, at + os + c, count, edge);
        store(u0, u1, out, at + 2 * os + c, count, edge);
        store(v0, v1, out, at + 3 * os + c, count, edge);
    }

    /** Rows x0 and x0+xs × all of block b: eight running sums. */
    private static void twoRows(PackedMatrix w, int b, float[] x, int x0, int xs, float[] out, int at, int os, float[] edge) {
        int step = S.length(), block = PackedMatrix.BLOCK, rows = w.rows;
        float[] d = w.data;
        FloatVector p0 = FloatVector.zero(S), p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        int x1 = x0 + xs;
        for (int i = 0, o = b * rows * block; i < rows; i++, o += block) {
            FloatVector w0 = FloatVector.fromArray(S, d, o), w1 = FloatVector.fromArray(S, d, o + step),
                    w2 = FloatVector.fromArray(S, d, o + 2 * step), w3 = FloatVector.fromArray(S, d, o + 3 * step);
            FloatVector e = FloatVector.broadcast(S, x[x0 + i]);
            p0 = w0.fma(e, p0); p1 = w1.fma(e, p1); p2 = w2.fma(e, p2); p3 = w3.fma(e, p3);
            e = FloatVector.broadcast(S, x[x1 + i]);
            q0 = w0.fma(e, q0); q1 = w1.fma(e, q1); q2 = w2.fma(e, q2); q3 = w3.fma(e, q3);
        }
        int c = b * block, valid = Math.min(block, w.cols - c);
        store(p0, p1, out, at + c, Math.min(2 * step, valid), edge);
        store(p2, p3, out, at + c + 2 * step, valid - 2 * step, edge);
        store(q0, q1, out, at + os + c, Math.min(2 * step, valid), edge);
        store(q2, q3, out, at + os + c + 2 * step, valid - 2 * step, edge);
    }

    /**
     * Row x0 × all of block b, added to init[c…] of the block's columns c (null: 0; may be out itself).
     * The zero-padded last block loads init through {@code edge}.
     */
    private static void oneRow(PackedMatrix w, int b, float[] x, int x0, float[] init, float[] out, int at, float[] edge) {
        int step = S.length(), block = PackedMatrix.BLOCK, rows = w.rows;
        int c = b * block, valid = Math.min(block, w.cols - c);
        float[] d = w.data, src = init;
        int from = c;
        if (init != null && valid < block) {
            java.util.Arrays.fill(edge, 0f);
            System.arraycopy(init, c, edge, 0, valid);
            src = edge;
            from = 0;
        }
        FloatVector p0, p1, p2, p3;
        if (src == null) {
            p0 = p1 = p2 = p3 = FloatVector.zero(S);
        } else {
            p0 = FloatVector.fromArray(S, src, from);
            p1 = FloatVector.fromArray(S, src, from + step);
            p2 = FloatVector.fromArray(S, src, from + 2 * step);
            p3 = FloatVector.fromArray(S, src, from + 3 * step);
        }
        for (int i = 0, o = b * rows * block; i < rows; i++, o += block) {
            FloatVector e = FloatVector.broadcast(S, x[x0 + i]);
            p0 = FloatVector.fromArray(S, d, o).fma(e, p0);
            p1 = FloatVector.fromArray(S, d, o + step).fma(e, p1);
            p2 = FloatVector.fromArray(S, d, o + 2 * step).fma(e, p2);
            p3 = FloatVector.fromArray(S, d, o + 3 * step).fma(e, p3);
        }
        store(p0, p1, out, at + c, Math.min(2 * step, valid), edge);
        store(p2, p3, out, at + c + 2 * step, valid - 2 * step, edge);
    }

    /** Two vectors of results to out[at…], or only the first {@code count} values (a block's ragged end; none if ≤ 0). */
    private static void store(FloatVector a0, FloatVector a1, float[] out, int at, int count, float[] edge) {
        int step = S.length();
        if (count >= 2 * step) {
            a0.intoArray(out, at);
            a1.intoArray(out, at + step);
        } else if (count > 0) {
            a0.intoArray(edge, 0);
            a1.intoArray(edge, step);
            System.arraycopy(edge, 0, out, at, count);
        }
    }
}
