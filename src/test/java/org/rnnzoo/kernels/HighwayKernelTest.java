package org.rnnzoo.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float highway pass (vectorised where the Vector API is loaded, as in training) gives the double
 * pass's values over a range of rows, for widths on and off the vector length, touches no row outside
 * the range, and sums the bias gradient over the range's rows only (each lane sums its own rows).
 */
class HighwayKernelTest {
    @ParameterizedTest(name = "width={0} rows [{1}, {2})")
    @CsvSource({"200, 0, 7", "37, 3, 7", "16, 2, 5", "5, 0, 7"})
    void floatPassMatchesTheDoublePassOnItsRows(int n, int from, int to) {
        int rows = 7, len = rows * n;
        Random r = new Random(n);
        double[][] d = new double[7][len];   // pre-activation, H, C, y, dy, and scratch
        for (double[] a : d) for (int i = 0; i < len; i++) a[i] = r.nextGaussian();
        double[] bias = new double[n];
        for (int j = 0; j < n; j++) bias[j] = r.nextGaussian() - 1;
        float[][] f = new float[7][len];
        for (int k = 0; k < 7; k++) for (int i = 0; i < len; i++) f[k][i] = (float) d[k][i];
        float[] fBias = new float[n];
        for (int j = 0; j < n; j++) fBias[j] = (float) bias[j];
        float[] untouched = f[0].clone();

        HighwayKernel.forward(d[0], bias, d[1], d[2], d[3], from, to, n);
        HighwayKernel.forward(f[0], fBias, f[1], f[2], f[3], from, to, n);
        double[] dPre = new double[len], dH = new double[len], dC = new double[len], dB = new double[n];
        float[] fPre = new float[len], fH = new float[len], fC = new float[len], fB = new float[n];
        HighwayKernel.backward(d[0], d[1], d[4], dPre, dH, dC, dB, from, to, n);
        HighwayKernel.backward(f[0], f[1], f[4], fPre, fH, fC, fB, from, to, n);

        for (int i = 0; i < len; i++) {
            boolean in = i >= from * n && i < to * n;
            if (!in) {
                assertEquals(untouched[i], f[0][i], "row " + i / n + " lies outside the range");
                assertEquals(0f, fPre[i]);
                continue;
            }
            assertEquals(d[0][i], f[0][i], 1e-6, "T");
            assertEquals(d[3][i], f[3][i], 1e-5, "y");
            assertEquals(dPre[i], fPre[i], 1e-5, "dPre");
            assertEquals(dH[i], fH[i], 1e-5, "dH");
            assertEquals(dC[i], fC[i], 1e-5, "dC");
        }
        for (int j = 0; j < n; j++) {
            double want = 0;
            for (int row = from; row < to; row++) want += dPre[row * n + j];
            assertEquals(want, dB[j], 1e-12, "the double bias gradient sums the range's rows");
            assertEquals(dB[j], fB[j], 1e-5, "bias gradient, column " + j);
        }
        assertTrue(to > from);
    }
}
