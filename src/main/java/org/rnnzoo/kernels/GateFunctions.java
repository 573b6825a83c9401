package org.rnnzoo.kernels;

/**
 * The LSTM's element-wise non-linearities over float arrays: the JDK 17 Vector API
 * ({@link VectorGateFunctions}, vectorised exp/tanh) when the {@code jdk.incubator.vector} module is in
 * the boot layer, plain loops otherwise (docs/performance.md#vector-api-exp).
 */
public final class GateFunctions {
    /** True when the Vector API module was added with {@code --add-modules jdk.incubator.vector}. */
    public static final boolean VECTORISED = VectorMath.vectorApi();

    private GateFunctions() {
    }

    /** a[off, off+len) = sigmoid(a[...]) in place. */
    static void sigmoid(float[] a, int off, int len) {
        if (VECTORISED) {
            VectorGateFunctions.sigmoid(a, off, len);
            return;
        }
        for (int i = off, end = off + len; i < end; i++) a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
    }

    /** out[outOff, outOff+len) = tanh(a[off, off+len)); a and out may be the same range. */
    public static void tanh(float[] a, int off, float[] out, int outOff, int len) {
        if (VECTORISED) {
            VectorGateFunctions.tanh(a, off, out, outOff, len);
            return;
        }
        for (int i = 0; i < len; i++) out[outOff + i] = (float) Math.tanh(a[off + i]);
    }
}
