package org.rnnzoo.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Sequences {@code [batch, features, time]} of any strides copied in Java, straight between native
 * buffers. libnd4j copies, joins and multiplies arrays whose layouts differ — a recurrent layer's
 * output or gradient is a permuted view of its time-major storage — element by element through
 * index arithmetic, which is many times slower at these sizes (docs/performance.md, "Seq2seq and
 * classifier training").
 */
final class StridedArrays {
    private StridedArrays() {}

    /** Which time step of the source an output step reads: a step of x, or −1 for a zero. */
    @FunctionalInterface
    interface Steps {
        int at(int example, int step);
    }

    /** Whether {@link #gather} copies this type: float and double (the gradient checks' doubles). */
    static boolean supports(DataType type) { return type == DataType.FLOAT || type == DataType.DOUBLE; }

    /** A c-ordered copy of rank-3 x, in the workspace's {@code type} array. */
    static INDArray compact(INDArray x, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
        INDArray out = workspaceMgr.createUninitialized(type, x.dataType(), x.shape(), 'c');
        gather(x, (example, step) -> step, out, 0);
        return out;
    }

    /**
     * {@code out[i, offset + c, k] = x[i, c, steps.at(i, k)]} (0 where that is −1), for {@code out}
     * a contiguous c-ordered {@code [b, C, T]} array of x's type and time length.
     */
    static void gather(INDArray x, Steps steps, INDArray out, long offset) {
        if (!supports(x.dataType()) || out.dataType() != x.dataType() || out.ordering() != 'c' || out.isView())
            throw new IllegalArgumentException("gather: " + x.dataType() + " into " + out.dataType() + " (" + out.ordering() + ")");
        if (!readable(x)) {
            gather(x.dup('c'), steps, out, offset);   // a layout this reading does not expect: ND4J's own copy, then ours
            return;
        }
        // the span of x's elements and each example's block of out's rows, through bulk copies: element by
        // element through a ByteBuffer, the bounds checks were a tenth of a seq2seq step's Java samples
        long[] shape = x.shape(), stride = x.stride();
        int lo = (int) x.offset(), span = (int) (last(x) - lo + 1);
        ByteBuffer in = whole(x).asNio().order(ByteOrder.nativeOrder()), o = out.data().asNio().order(ByteOrder.nativeOrder());
        boolean floats = x.dataType() == DataType.FLOAT;
        int b = (int) shape[0], f = (int) shape[1], t = (int) shape[2], width = (int) out.size(1);
        float[] fs = floats ? new float[span] : null, fb = floats ? new float[f * t] : null;
        double[] ds = floats ? null : new double[span], db = floats ? null : new double[f * t];
        if (floats) in.asFloatBuffer().get(lo, fs, 0, span);
        else in.asDoubleBuffer().get(lo, ds, 0, span);
        int[] from = new int[t];
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < t; k++) from[k] = steps.at(i, k);
            for (int c = 0; c < f; c++) {
                long src = i * stride[0] + c * stride[1];
                for (int k = 0; k < t; k++) {
                    boolean zero = from[k] < 0;
                    int at = (int) (src + from[k] * stride[2]);
                    if (floats) fb[c * t + k] = zero ? 0f : fs[at];
                    else db[c * t + k] = zero ? 0 : ds[at];
                }
            }
            int dst = (int) (out.offset() + ((long) i * width + offset) * t);
            if (floats) o.asFloatBuffer().put(dst, fb, 0, f * t);
            else o.asDoubleBuffer().put(dst, db, 0, f * t);
        }
    }

    /**
     * {@code out[k, i, c] = Σ_x x[i, c, k]}: the sum of rank-3 {@code [b, C, T]} arrays of any strides,
     * written time-major into {@code out}, a c-ordered {@code [T, b, C]} array of their type.
     */
    static void sumTimeMajor(INDArray[] xs, INDArray out) {
        long[] shape = xs[0].shape();
        int b = (int) shape[0], f = (int) shape[1], t = (int) shape[2], n = b * f * t;
        if (out.ordering() != 'c' || out.length() != n || out.dataType() != xs[0].dataType() || !supports(out.dataType()))
            throw new IllegalArgumentException("sumTimeMajor: " + xs[0].dataType() + " into " + out.dataType() + " (" + out.ordering() + ")");
        boolean floats = out.dataType() == DataType.FLOAT;
        float[] fa = floats ? new float[n] : null;
        double[] da = floats ? null : new double[n];
        for (INDArray x : xs) {
            if (!readable(x)) x = x.dup('c');   // a layout this reading does not expect: ND4J's own copy first
            DataBuffer whole = whole(x);
            long[] stride = x.stride();
            int lo = (int) x.offset(), span = (int) (last(x) - lo + 1);
            ByteBuffer in = whole.asNio().order(ByteOrder.nativeOrder());
            float[] fs = floats ? new float[span] : null;
            double[] ds = floats ? null : new double[span];
            if (floats) in.asFloatBuffer().get(lo, fs, 0, span);
            else in.asDoubleBuffer().get(lo, ds, 0, span);
            for (int k = 0, o = 0; k < t; k++)
                for (int i = 0; i < b; i++) {
                    long src = k * stride[2] + i * stride[0];
                    for (int c = 0; c < f; c++, o++) {
                        int at = (int) (src + c * stride[1]);
                        if (floats) fa[o] += fs[at];
                        else da[o] += ds[at];
                    }
                }
        }
        ByteBuffer o = whole(out).asNio().order(ByteOrder.nativeOrder());
        if (floats) o.asFloatBuffer().put((int) out.offset(), fa, 0, n);
        else o.asDoubleBuffer().put((int) out.offset(), da, 0, n);
    }

    /**
     * {@code out += x} for two float arrays laid out alike (the same shape and strides) whose elements
     * each fill one contiguous span, {@code out}'s from its offset: the spans are added as flat vectors,
     * a chunk at a time (no array of the whole length: this runs at every fork of a training step).
     *
     * @return false, having done nothing, where the two are not laid out so, or not float (the gradient
     * checks' doubles take {@link #sumTimeMajor})
     */
    static boolean addSpan(INDArray out, INDArray x) {
        long n = out.length();
        if (out.dataType() != DataType.FLOAT || x.dataType() != DataType.FLOAT || !java.util.Arrays.equals(x.shape(), out.shape())
                || !java.util.Arrays.equals(x.stride(), out.stride()) || !readable(x) || !readable(out)
                || last(x) - x.offset() + 1 != n || last(out) - out.offset() + 1 != n)
            return false;
        int chunk = 4096, at = (int) out.offset(), from = (int) x.offset();
        java.nio.FloatBuffer o = whole(out).asNio().order(ByteOrder.nativeOrder()).asFloatBuffer(),
                in = whole(x).asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        float[] a = new float[chunk], b = new float[chunk];
        for (int i = 0; i < n; i += chunk) {
            int len = (int) Math.min(chunk, n - i);
            o.get(at + i, a, 0, len);
            in.get(from + i, b, 0, len);
            for (int j = 0; j < len; j++) a[j] += b[j];
            o.put(at + i, a, 0, len);
        }
        return true;
    }

    /** The buffer that {@code x.offset()} counts from. */
    private static DataBuffer whole(INDArray x) {
        return x.data().originalDataBuffer() != null ? x.data().originalDataBuffer() : x.data();
    }

    /** The index of x's last element in {@link #whole}. */
    private static long last(INDArray x) {
        long last = x.offset();
        for (int d = 0; d < x.rank(); d++) last += (x.size(d) - 1) * Math.max(0, x.stride(d));
        return last;
    }

    /** Whether x's elements can be read from one span of {@link #whole} with its strides. */
    private static boolean readable(INDArray x) {
        long[] stride = x.stride();
        return x.offset() >= 0 && last(x) < whole(x).length() && Math.min(stride[0], Math.min(stride[1], stride[2])) >= 0;
    }
}
