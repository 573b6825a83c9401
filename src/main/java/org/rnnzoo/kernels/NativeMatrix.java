package org.rnnzoo.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * A row-major ND4J matrix outside every workspace, reused across calls, with bulk copies of row
 * blocks to and from {@code double[]}. The recurrent layers keep their per-step gate maths in
 * Java arrays and only the matrix products in ND4J; these copies are the bridge (a memcpy and a
 * widening loop, far cheaper than one small native op).
 *
 * <p>Row-block views are made once per shape: building a view costs about as much as a small op.
 */
public final class NativeMatrix {
    public final INDArray array;
    public final int rows, cols;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private float[] scratch = new float[0];
    private INDArray[] blockViews;
    private int blockRows;

    public NativeMatrix(DataType type, int rows, int cols) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE)
            throw new IllegalArgumentException("data type " + type + " not supported (expected FLOAT or DOUBLE)");
        this.rows = rows;
        this.cols = cols;
        this.array = Nd4j.createUninitializedDetached(type, rows, cols);
        var nio = array.data().asNio().order(ByteOrder.nativeOrder());
        this.floats = type == DataType.FLOAT ? nio.asFloatBuffer() : null;
        this.doubles = type == DataType.DOUBLE ? nio.asDoubleBuffer() : null;
    }

    /** {@code dst[off .. off+len)} = elements {@code [from, from+len)} in row-major order. */
    public void read(int from, double[] dst, int off, int len) {
        if (doubles != null) {
            doubles.get(from, dst, off, len);
            return;
        }
        if (scratch.length < len) scratch = new float[len];
        floats.get(from, scratch, 0, len);
        for (int i = 0; i < len; i++) dst[off + i] = scratch[i];
    }

    /** Elements {@code [to, to+len)} = {@code src[off .. off+len)}. */
    public void write(int to, double[] src, int off, int len) {
        if (doubles != null) {
            doubles.put(to, src, off, len);
            return;
        }
        if (scratch.length < len) scratch = new float[len];
        for (int i = 0; i < len; i++) scratch[i] = (float) src[off + i];
        floats.put(to, scratch, 0, len);
    }

    /** Rows {@code [i·n, (i+1)·n)} as a view (contiguous, usable as a gemm result); views cached per n. */
    public INDArray block(int i, int n) {
        if (blockViews == null || blockRows != n) {
            blockViews = new INDArray[rows / n];
            blockRows = n;
        }
        INDArray v = blockViews[i];
        if (v == null) {
            v = array.get(org.nd4j.linalg.indexing.NDArrayIndex.interval((long) i * n, (long) (i + 1) * n),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            blockViews[i] = v;
        }
        return v;
    }

    /** Rows {@code [from, to)} as a view. */
    public INDArray rows(int from, int to) {
        return array.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all());
    }

    /** Any array (view, order, type) as a row-major {@code double[]}. */
    public static double[] toDoubles(INDArray a) {
        INDArray c = a.dup('c');
        double[] d = c.data().asDouble();
        if (d.length != a.length()) throw new IllegalStateException("unexpected buffer length " + d.length + " for " + a.shapeInfoToString());
        return d;
    }

    /** The values of any array as floats, in row-major order (a cast and a copy: for small arrays). */
    public static float[] toFloats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /**
     * Whether {@code a} is a float array whose elements are one contiguous run of a native buffer,
     * from {@code a.offset()}: what the Java passes over ND4J memory (clipping, the SGD update and
     * step, the output layer's products) read and write in place through {@link #floatBuffer}.
     */
    public static boolean isContiguousFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && a.data().asNio() != null;
    }

    /** The native memory of a float array's whole buffer, native order; index it from {@code a.offset()}. */
    public static FloatBuffer floatBuffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Moves row {@code rows[i]} of the contiguous c-ordered matrix m (float, or double in the gradient
     * checks) to row i, in place ({@code rows} ascending): the real rows of a padded batch packed first,
     * for products that skip the padding. Rows move as bytes, so one copy serves every precision.
     */
    public static void packRows(INDArray m, int[] rows) {
        int bytes = m.dataType().width(), w = (int) m.size(1) * bytes, off = (int) m.offset() * bytes;
        ByteBuffer bb = m.data().asNio();
        byte[] row = new byte[w];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == i) continue;
            bb.get(off + rows[i] * w, row, 0, w);
            bb.put(off + i * w, row, 0, w);
        }
    }

    /** The inverse of {@link #packRows}, in place: packed row i back to row {@code rows[i]}, every other row zero. */
    public static void unpackRows(INDArray m, int[] rows) {
        int bytes = m.dataType().width(), w = (int) m.size(1) * bytes, off = (int) m.offset() * bytes;
        ByteBuffer bb = m.data().asNio();
        byte[] row = new byte[w], zeros = new byte[w];
        int next = (int) m.size(0) - 1;               // the highest row not yet written
        for (int i = rows.length - 1; i >= -1; i--) {
            int to = i < 0 ? -1 : rows[i];
            for (; next > to; next--) bb.put(off + next * w, zeros, 0, w);
            if (i < 0) break;
            if (to != i) {                            // rows[i] >= i: a packed row is only ever moved up, over rows already done
                bb.get(off + i * w, row, 0, w);
                bb.put(off + to * w, row, 0, w);
            }
            next = to - 1;
        }
    }

    /** A new array outside every workspace holding {@code values} in row-major order. */
    public static INDArray detached(double[] values, DataType type, long... shape) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray a = Nd4j.createUninitializedDetached(type, shape);
            var nio = a.data().asNio().order(ByteOrder.nativeOrder());
            if (type == DataType.DOUBLE) nio.asDoubleBuffer().put(0, values, 0, values.length);
            else {
                float[] f = new float[values.length];
                for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
                nio.asFloatBuffer().put(0, f, 0, f.length);
            }
            return a;
        }
    }
}
