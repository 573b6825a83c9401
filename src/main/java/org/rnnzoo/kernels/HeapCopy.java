package org.rnnzoo.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Java-heap copy of one float weight matrix, packed for one-row products ({@link PackedMatrix}),
 * for the few-row paths that sampling takes once per token: the Vector API reads a heap array faster
 * than a direct buffer, and the output matrix is read for every token
 * (docs/performance.md#heap-copies-for-batch-1-products).
 *
 * <p>When is the copy stale? Training changes the array in place after the layer's backward pass,
 * so the layer calls {@link #invalidate()} there. Parameters can also be overwritten from outside
 * without the layer hearing of it ({@code ComputationGraph.setParams} assigns into the views), so
 * each use also compares 64 fixed positions of the live buffer with the values seen when packing:
 * replaced parameters differ there.
 */
public final class HeapCopy {
    private static final int PROBES = 64;
    private PackedMatrix packed;
    private final long[] probeAt = new long[PROBES];
    private final float[] probeValue = new float[PROBES];

    /** {@code a} (float [rows, cols], contiguous, see {@link #usable}) packed for x·a. */
    public PackedMatrix of(INDArray a) {
        ByteBuffer live = a.data().asNio().order(ByteOrder.nativeOrder());
        int rows = (int) a.size(0), cols = (int) a.size(1);
        if (packed == null || packed.rows != rows || packed.cols != cols || !matches(live)) {
            packed = PackedMatrix.of(a);
            long n = a.length();
            for (int k = 0; k < PROBES; k++) {
                // spread over the whole array, a different stride from any matrix dimension
                probeAt[k] = a.offset() + (k * 0x9E3779B97F4A7C15L >>> 1) % n;
                probeValue[k] = live.getFloat((int) (4 * probeAt[k]));
            }
        }
        return packed;
    }

    public void invalidate() { packed = null; }

    private boolean matches(ByteBuffer live) {
        for (int k = 0; k < PROBES; k++)
            if (Float.floatToRawIntBits(live.getFloat((int) (4 * probeAt[k]))) != Float.floatToRawIntBits(probeValue[k])) return false;
        return true;
    }

    public static boolean usable(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.rank() == 2 && a.elementWiseStride() == 1;
    }
}
