package org.rnnzoo.layers;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The blocked dW = dzᵀ·x and dx = dz·Wᵀ against a plain double-precision loop, on shapes with every kind of tail. */
class BlockedOutputBackwardTest {

    @Test
    void productsMatchAPlainLoopOnRaggedShapes() {
        // n not a multiple of the 4-row tile, nIn = 70 → 5 vectors of 16 (one 4-vector tile + one single),
        // v = 300 → per lane 150 = 128 + 22 columns (22 not a multiple of 4), arrays at non-zero offsets.
        for (int lanes = 1; lanes <= 2; lanes++) {
            check(45, 70, 300, lanes);
            check(3, 16, 9, lanes);
            check(64, 200, 1000, lanes);
        }
    }

    private static void check(int n, int nIn, int v, int lanes) {
        Random r = new Random(n * 31L + v + lanes);
        int xOff = 3, dzOff = 5, wOff = 7, dwOff = 11;
        FloatBuffer x = buffer(xOff + n * nIn), dz = buffer(dzOff + n * v), w = buffer(wOff + v * nIn), dw = buffer(dwOff + v * nIn + 4);
        fill(x, r); fill(dz, r); fill(w, r);
        for (int i = 0; i < dw.capacity(); i++) dw.put(i, Float.NaN);     // every entry dW owns must be written
        int dxOff = 2;
        FloatBuffer dxOut = buffer(dxOff + n * nIn);
        new BlockedOutputBackward(n, nIn).run(x, xOff, dz, dzOff, v, w, wOff, dw, dwOff, dxOut, dxOff, lanes);
        float[] dx = new float[n * nIn];
        dxOut.get(dxOff, dx, 0, dx.length);
        for (int c = 0; c < v; c++)
            for (int k = 0; k < nIn; k++) {
                int cc = c, kk = k;
                double[] s = dot(n, i -> dz.get(dzOff + i * v + cc), i -> x.get(xOff + i * nIn + kk));
                assertEquals(s[0], dw.get(dwOff + c * nIn + k), tolerance(s[1]), "dW[" + c + ", " + k + "] n=" + n + " lanes=" + lanes);
            }
        for (int i = 0; i < n; i++)
            for (int k = 0; k < nIn; k++) {
                int ii = i, kk = k;
                double[] s = dot(v, c -> dz.get(dzOff + ii * v + c), c -> w.get(wOff + c * nIn + kk));
                assertEquals(s[0], dx[i * nIn + k], tolerance(s[1]), "dx[" + i + ", " + k + "] n=" + n + " lanes=" + lanes);
            }
        assertEquals(Float.NaN, dw.get(dwOff + v * nIn), "nothing written past dW");
        assertEquals(Float.NaN, dw.get(dwOff - 1), "nothing written before dW");
    }

    /** Σ a(q)·b(q) over q < depth, and Σ |a(q)·b(q)|, in double. */
    private static double[] dot(int depth, java.util.function.IntToDoubleFunction a, java.util.function.IntToDoubleFunction b) {
        double s = 0, abs = 0;
        for (int q = 0; q < depth; q++) {
            double t = a.applyAsDouble(q) * b.applyAsDouble(q);
            s += t;
            abs += Math.abs(t);
        }
        return new double[]{s, abs};
    }

    /** Float sums in another order: ~1e-6 of the summed magnitudes; one missing or doubled term (~1) is far outside. */
    private static double tolerance(double sumOfMagnitudes) {
        return 1e-6 + 1e-5 * sumOfMagnitudes;
    }

    private static FloatBuffer buffer(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static void fill(FloatBuffer b, Random r) {
        for (int i = 0; i < b.capacity(); i++) b.put(i, (float) r.nextGaussian());
    }
}
