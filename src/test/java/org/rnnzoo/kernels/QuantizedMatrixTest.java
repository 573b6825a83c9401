package org.rnnzoo.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The byte copy's bounds stand above every exact logit / T, and not by more than twice the error
 * they allow for (a bound that is merely large would pass the first check and make sampling slow).
 * 37 rows (not a multiple of a vector) and 150 columns (a partial last block); one h is aligned with
 * a column's rounding errors, where Cauchy–Schwarz is tight.
 */
class QuantizedMatrixTest {
    private static final int ROWS = 37, COLS = 150;

    @ParameterizedTest
    @ValueSource(ints = {127, 3})
    void boundsStandAboveTheExactLogitsAndNotFar(int levels) {
        SplittableRandom r = new SplittableRandom(levels);
        float[] w = new float[ROWS * COLS], b = new float[COLS];
        for (int i = 0; i < w.length; i++) w[i] = (float) (r.nextGaussian() * (i % 7 == 0 ? 2.0 : 0.3));
        for (int j = 0; j < COLS; j++) b[j] = (float) r.nextGaussian();
        QuantizedMatrix m = QuantizedMatrix.of(w, b, ROWS, COLS, levels);
        float[][] hs = new float[4][ROWS];
        for (int i = 0; i < ROWS; i++) {
            hs[0][i] = (float) Math.tanh(r.nextGaussian());                   // an LSTM's h
            hs[1][i] = (float) (r.nextGaussian() * 30);                       // far larger than h ever is
            hs[2][i] = i % 2 == 0 ? 1f : -1f;
            // along column 5's rounding error: Σ h·e = ‖h‖·‖e‖
            hs[3][i] = (float) (w[5 * ROWS + i] - (double) m.scale[5] * m.data[(5 / QuantizedMatrix.BLOCK) * ROWS * QuantizedMatrix.BLOCK + 5 % QuantizedMatrix.BLOCK + i * QuantizedMatrix.BLOCK]) * 100;
        }
        float[] out = new float[m.blocks * QuantizedMatrix.BLOCK];
        for (float[] h : hs) {
            float[] n = m.norms(h);
            for (double t : new double[]{1.0, 0.05, 3.0}) {
                for (int path = 0; path < 2; path++) {
                    java.util.Arrays.fill(out, Float.NaN);
                    if (path == 0) m.upperBounds(h, n[0], n[1], (float) (1 / t), out, 0, m.blocks, false);
                    else m.upperBoundsPlainly(h, n[0], n[1], (float) (1 / t), out, 0, m.blocks, true);
                    for (int j = 0; j < COLS; j++) {
                        double exact = m.exactLogit(h, j) / t, bound = out[j];
                        double allowed = (n[0] * (double) m.errorNorm[j] + n[1] * (double) m.roundoff[j]) / t;
                        String at = "levels " + levels + ", T " + t + ", path " + path + ", column " + j;
                        assertTrue(bound >= exact, at + ": bound " + bound + " under the logit " + exact);
                        assertTrue(bound - exact <= 2 * allowed + Math.abs(exact) * 0x1p-15 + 2e-3, at + ": bound " + bound
                                + " is " + (bound - exact) + " above the logit, allowed " + allowed);
                    }
                }
            }
        }
    }
}
