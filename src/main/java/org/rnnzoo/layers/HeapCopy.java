package org.rnnzoo.layers;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Java-heap copy of one float parameter array in 'f' order, for the few-row paths that sampling
 * takes once per token. In JDK 17 the Vector API reads a heap array ~2.5× faster than a direct
 * buffer (200×10k output matrix: 195 vs 486 µs a pass), and that matrix is read for every token.
 *
 * <p>When is the copy stale? Training changes the array in place after the layer's backward pass,
 * so the layer calls {@link #invalidate()} there. Parameters can also be overwritten from outside
 * without the layer hearing of it ({@code ComputationGraph.setParams} assigns into the views), so
 * each use also compares 64 fixed positions with the live array: replaced parameters differ there.
 */
final class HeapCopy {
    private static final int PROBES = 64;
    private float[] data;
    private int[] probes;

    /** The values of {@code a} (float, 'f'-contiguous), column-major: element (i, j) at j·rows + i. */
    float[] of(INDArray a) {
        ByteBuffer live = a.data().asNio().order(ByteOrder.nativeOrder());
        long base = a.offset();
        if (data == null || data.length != a.length() || !matches(live, base)) {
            data = a.dup('f').data().asFloat();
            probes = new int[PROBES];
            // spread over the whole array, a different stride from any matrix dimension
            for (int k = 0; k < PROBES; k++) probes[k] = (int) ((k * 0x9E3779B97F4A7C15L >>> 1) % data.length);
        }
        return data;
    }

    void invalidate() { data = null; }

    private boolean matches(ByteBuffer live, long base) {
        for (int p : probes) if (Float.floatToRawIntBits(live.getFloat((int) (4 * (base + p))))
                != Float.floatToRawIntBits(data[p])) return false;
        return true;
    }

    static boolean usable(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'f' && a.elementWiseStride() == 1;
    }
}
