package org.rnnzoo.layers;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rank-3 arrays of any strides copied in Java. libnd4j copies, joins and multiplies arrays whose
 * layouts differ — a recurrent layer's output or gradient is a permuted view of its time-major
 * storage — element by element through index arithmetic; reading the buffer in Java is many times
 * faster at these sizes (docs/performance.md, "Seq2seq and classifier training").
 */
final class StridedArrays {
    private StridedArrays() {}

    /** A c-ordered copy of rank-3 x. */
    static INDArray compact(INDArray x) {
        int n = (int) x.length();
        int[] to = new int[n];
        for (int k = 0; k < n; k++) to[k] = k;
        Object values = array(x.dataType(), n);
        copy(x, values, to);
        return create(values, x.shape(), x.dataType());
    }

    /** A Java array for n values of this type: float[] for floats, double[] for the rest (the gradient checks' doubles). */
    static Object array(DataType type, int n) { return type == DataType.FLOAT ? new float[n] : new double[n]; }

    /** A c-ordered array of {@link #array}'s values. */
    static INDArray create(Object values, long[] shape, DataType type) {
        return values instanceof float[] f ? Nd4j.create(f, shape, 'c') : Nd4j.create((double[]) values, shape, 'c').castTo(type);
    }

    /**
     * out[to[k]] = the k-th element of rank-3 x in c order, read in Java from the buffer x is a
     * view of (x's offset counts from that buffer's start, as an epsilon slice's does).
     */
    static void copy(INDArray x, Object out, int[] to) {
        DataBuffer whole = x.data().originalDataBuffer() != null ? x.data().originalDataBuffer() : x.data();
        long[] shape = x.shape(), stride = x.stride();
        long last = x.offset();
        for (int d = 0; d < 3; d++) last += (shape[d] - 1) * Math.max(0, stride[d]);
        if (x.offset() < 0 || last >= whole.length() || Math.min(stride[0], Math.min(stride[1], stride[2])) < 0) {
            copy(x.dup('c'), out, to);   // a layout this reading does not expect: ND4J's own copy, then ours
            return;
        }
        int[] from = new int[to.length];
        int k = 0;
        for (long i = 0; i < shape[0]; i++)
            for (long j = 0; j < shape[1]; j++)
                for (long l = 0; l < shape[2]; l++) from[k++] = (int) (x.offset() + i * stride[0] + j * stride[1] + l * stride[2]);
        if (out instanceof float[] o) {
            float[] in = whole.asFloat();
            for (k = 0; k < to.length; k++) o[to[k]] = in[from[k]];
        } else {
            double[] o = (double[]) out, in = whole.asDouble();
            for (k = 0; k < to.length; k++) o[to[k]] = in[from[k]];
        }
    }
}
