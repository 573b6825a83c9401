package org.rnnzoo.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The blocked softmax cross-entropy against a plain double-precision computation: the summed NLL,
 * dW, db and dx, on shapes with every kind of tail (rows not a multiple of a vector, nIn not a
 * multiple of four vectors, lanes ending inside a block, several blocks per lane), masked rows,
 * and logits large enough that a softmax without a shift overflows.
 */
class BlockedSoftmaxLossTest {

    @Test
    void lossAndGradientsMatchAPlainComputation() {
        for (int lanes = 1; lanes <= 2; lanes++) {
            check(45, 70, 300, lanes, 1.0, true);       // 150 columns a lane = 128 + 22; 45 rows → 48
            check(3, 16, 9, lanes, 1.0, false);
            check(64, 200, 1000, lanes, 1.0, true);
            check(20, 33, 517, lanes, 40.0, true);      // logits of ±hundreds: exp without a shift is ∞
            check(100, 90, 300, lanes, 1.0, true);      // rows in panels of 4 + 3 vectors, inputs 3 + 3
            check(400, 40, 150, lanes, 1.0, true);      // rows 25 vectors: 5 × 4 + 5
        }
    }

    @Test
    void aScoringOnlyInstanceGivesTheSameTargetNlls() {
        for (int lanes = 1; lanes <= 2; lanes++) {
            int n = 45, nIn = 70, v = 300;
            Case full = run(new BlockedSoftmaxLoss(n, nIn, v, lanes), n, nIn, v, 1.0, true, new Random(7));
            BlockedSoftmaxLoss scoring = BlockedSoftmaxLoss.forScoring(n, nIn, v, lanes);
            Case again = problem(n, nIn, v, 1.0, true, new Random(7));   // the same problem
            double nll = scoring.forward(again.x, again.xOff, again.w, again.wOff, again.bias, again.targets);
            // exp may round differently across JIT tiers (see the chunking test), so not bit for bit
            assertEquals(full.nll, nll, 1e-6 * Math.abs(full.nll));
            assertThrows(IllegalStateException.class, () -> scoring.backward(again.dw, again.dwOff, again.db, again.dx, again.dxOff));
        }
    }

    @Test
    void panelsCoverEveryColumnOnceInWholeTiles() {
        int vector = FloatVector.SPECIES_PREFERRED.length();
        for (boolean fives : new boolean[]{true, false})
            for (int nv = 1; nv <= 30; nv++) {
                BlockedSoftmaxLoss.Panels p = new BlockedSoftmaxLoss.Panels(nv * vector, fives);
                String what = nv + " vectors, fives " + fives;
                int depth = 5, covered = 0, ones = 0;
                boolean[] seen = new boolean[depth * nv * vector];
                for (int i = 0; i < p.count; i++) {
                    assertEquals(covered, p.start[i], "panel " + i + " of " + what + " starts where the last ended");
                    int v = p.vectors[i];
                    if (v == 1) ones++;
                    // fives: 4s and 5s from 12 vectors on; fours: 4s, then one 3 or up to two 1s
                    assertTrue(fives ? v == 4 || v == 5 || (nv < 12 && (v == 3 || nv < 3)) : v == 4 || v == 3 || v == 1, what + ": a panel of " + v);
                    covered += p.width[i];
                }
                assertTrue(ones <= 2, what + ": " + ones + " one-vector panels");
                assertEquals(nv * vector, covered, what);
                for (int q = 0; q < depth; q++)
                    for (int col = 0; col < nv * vector; col++) {
                        int at = p.at(depth, q, col);
                        assertTrue(!seen[at], "(" + q + ", " + col + ") of " + what + " lands on a taken entry");
                        seen[at] = true;
                    }
            }
    }

    @Test
    void walkingTheDepthInChunksGivesTheUnchunkedPass() {
        // the whole pass with its products' depth cut into chunks, from one-row chunks to ragged ones,
        // against one chunk per product; not bit for bit, only because the Vector API's exp may round
        // differently once C2 has compiled it (the kernels themselves are: next test), and dx sums
        // terms of ~1e-2 into values of ~1e-3, so those last bits show at ~1e-7. A chunk that starts
        // at the wrong offset, skips its tail or restarts a sum is off by whole terms.
        int vector = FloatVector.SPECIES_PREFERRED.length();
        for (int lanes = 1; lanes <= 2; lanes++)
            for (int[] shape : new int[][]{{64, 200, 1000}, {45, 70, 300}, {400, 40, 150}}) {
                int n = shape[0], nIn = shape[1], v = shape[2];
                Case whole = run(new BlockedSoftmaxLoss(n, nIn, v, lanes, Integer.MAX_VALUE), n, nIn, v, 1.0, true, new Random(5));
                for (int budget : new int[]{4 * vector * 5, 5000, 24 * 1024}) {
                    BlockedSoftmaxLoss chunked = new BlockedSoftmaxLoss(n, nIn, v, lanes, budget);
                    assertTrue(budget >= 24 * 1024 || chunked.depthChunk(Math.max(n, nIn), 4 * vector) < Math.max(n, nIn), "budget " + budget + " cuts the depth");
                    Case c = run(chunked, n, nIn, v, 1.0, true, new Random(5));
                    String what = "n=" + n + " nIn=" + nIn + " v=" + v + " lanes=" + lanes + " budget=" + budget;
                    assertEquals(whole.nll, c.nll, 1e-6 * Math.abs(whole.nll), "nll " + what);
                    for (int j = 0; j < v; j++) assertEquals(whole.db[j], c.db[j], 1e-5 * Math.abs(whole.db[j]) + 1e-6, "db[" + j + "] " + what);
                    for (int i = 0; i < v * nIn; i++) {
                        float e = whole.dw.get(whole.dwOff + i);
                        assertEquals(e, c.dw.get(c.dwOff + i), 1e-5 * Math.abs(e) + 1e-6, "dW entry " + i + " " + what);
                    }
                    for (int i = 0; i < n * nIn; i++) {
                        float e = whole.dx.get(whole.dxOff + i);
                        assertEquals(e, c.dx.get(c.dxOff + i), 1e-5 * Math.abs(e) + 1e-6, "dx entry " + i + " " + what);
                    }
                }
            }
    }

    @Test
    void aTileGoesOnFromItsStoredSumsBitForBit() {
        // what makes chunking exact: a product over depth 0..d in one call equals the same product cut
        // at any q into two calls, the second continuing from the sums the first stored
        int vector = FloatVector.SPECIES_PREFERRED.length(), depth = 37;
        Random r = new Random(3);
        for (int vectors : new int[]{1, 3, 4, 5}) {
            int width = vectors * vector, ld = depth + 3;
            float[] a = new float[4 * ld + depth * 4 + 8], b = new float[depth * width], init = {0.5f, -1.5f, 2f, 0.25f};
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
            float[] rowsWhole = new float[4 * width], colsWhole = new float[4 * width];
            java.util.Arrays.fill(colsWhole, 0.75f);
            BlockedSoftmaxLoss.rowsTile(vectors, a, ld, 1, depth, b, width, 0, rowsWhole, width, 0, false, init, 0, null, 0);
            BlockedSoftmaxLoss.columnsTile(vectors, a, 4, 2, depth, b, width, 0, colsWhole, width, 0);
            for (int cut : new int[]{1, 16, depth - 1}) {
                float[] rows = new float[4 * width], cols = new float[4 * width];
                java.util.Arrays.fill(cols, 0.75f);
                BlockedSoftmaxLoss.rowsTile(vectors, a, ld, 1, cut, b, width, 0, rows, width, 0, false, init, 0, null, 0);
                BlockedSoftmaxLoss.rowsTile(vectors, a, ld, 1 + cut, depth - cut, b, width, cut * width, rows, width, 0, true, null, 0, null, 0);
                BlockedSoftmaxLoss.columnsTile(vectors, a, 4, 2, cut, b, width, 0, cols, width, 0);
                BlockedSoftmaxLoss.columnsTile(vectors, a, 4, 2 + 4 * cut, depth - cut, b, width, cut * width, cols, width, 0);
                for (int i = 0; i < rows.length; i++) {
                    assertEquals(Float.floatToRawIntBits(rowsWhole[i]), Float.floatToRawIntBits(rows[i]), vectors + "-vector rows tile cut at " + cut + ", entry " + i);
                    assertEquals(Float.floatToRawIntBits(colsWhole[i]), Float.floatToRawIntBits(cols[i]), vectors + "-vector columns tile cut at " + cut + ", entry " + i);
                }
            }
        }
    }

    @Test
    void aSecondPassWithOtherDataGivesItsOwnNumbers() {
        // scratch is reused between steps: nothing of the first pass may leak into the second
        BlockedSoftmaxLoss loss = new BlockedSoftmaxLoss(30, 40, 400, 2);
        run(loss, 30, 40, 400, 1.0, false, new Random(1));
        Case second = run(loss, 30, 40, 400, 1.0, true, new Random(2));
        second.verify("second pass");
    }

    private static void check(int n, int nIn, int v, int lanes, double scale, boolean masked) {
        Case c = run(new BlockedSoftmaxLoss(n, nIn, v, lanes), n, nIn, v, scale, masked, new Random(n * 31L + v + lanes));
        c.verify("n=" + n + " nIn=" + nIn + " v=" + v + " lanes=" + lanes + " scale=" + scale);
    }

    private static Case run(BlockedSoftmaxLoss loss, int n, int nIn, int v, double scale, boolean masked, Random r) {
        Case c = problem(n, nIn, v, scale, masked, r);
        c.nll = loss.forward(c.x, c.xOff, c.w, c.wOff, c.bias, c.targets);
        loss.backward(c.dw, c.dwOff, c.db, c.dx, c.dxOff);
        return c;
    }

    /** Random x, W, bias and targets (every 7th masked when {@code masked}); dW filled with NaN. */
    private static Case problem(int n, int nIn, int v, double scale, boolean masked, Random r) {
        Case c = new Case(n, nIn, v);
        for (int i = 0; i < n * nIn; i++) c.x.put(c.xOff + i, (float) r.nextGaussian());
        for (int i = 0; i < v * nIn; i++) c.w.put(c.wOff + i, (float) (r.nextGaussian() * scale));   // scale 40: logits ~±200
        for (int j = 0; j < v; j++) c.bias[j] = (float) r.nextGaussian();
        for (int i = 0; i < n; i++) c.targets[i] = masked && i % 7 == 3 ? -1 : r.nextInt(v);
        for (int i = 0; i < c.dw.capacity(); i++) c.dw.put(i, Float.NaN);      // every entry dW owns must be written
        return c;
    }

    /** One problem, its outputs, and the reference in double precision. */
    private static final class Case {
        final int n, nIn, v, xOff = 3, wOff = 7, dwOff = 11, dxOff = 2;
        final FloatBuffer x, w, dw, dx;
        final float[] bias, db;
        final int[] targets;
        double nll;

        Case(int n, int nIn, int v) {
            this.n = n;
            this.nIn = nIn;
            this.v = v;
            x = buffer(xOff + n * nIn);
            w = buffer(wOff + v * nIn);
            dw = buffer(dwOff + v * nIn + 4);
            dx = buffer(dxOff + n * nIn);
            bias = new float[v];
            db = new float[v];
            targets = new int[n];
        }

        void verify(String what) {
            double[][] p = new double[n][v];
            double nllRef = 0;
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < v; j++) {
                    double z = bias[j];
                    for (int k = 0; k < nIn; k++) z += (double) x.get(xOff + i * nIn + k) * w.get(wOff + j * nIn + k);
                    p[i][j] = z;
                    max = Math.max(max, z);
                }
                double sum = 0;
                for (int j = 0; j < v; j++) sum += Math.exp(p[i][j] - max);
                double lse = max + Math.log(sum);
                if (targets[i] >= 0) nllRef += lse - p[i][targets[i]];
                for (int j = 0; j < v; j++) p[i][j] = targets[i] < 0 ? 0 : Math.exp(p[i][j] - lse) - (j == targets[i] ? 1 : 0);
            }
            assertEquals(nllRef, nll, 1e-5 * Math.abs(nllRef) + 1e-4, "nll " + what);
            for (int j = 0; j < v; j++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += p[i][j];
                assertEquals(s, db[j], 1e-5 * n, "db[" + j + "] " + what);
                for (int k = 0; k < nIn; k++) {
                    int jj = j, kk = k;
                    double[] g = dot(n, i -> p[i][jj], i -> x.get(xOff + i * nIn + kk));
                    assertEquals(g[0], dw.get(dwOff + j * nIn + k), tolerance(g[1]), "dW[" + j + ", " + k + "] " + what);
                }
            }
            for (int i = 0; i < n; i++)
                for (int k = 0; k < nIn; k++) {
                    int ii = i, kk = k;
                    double[] g = dot(v, j -> p[ii][j], j -> w.get(wOff + j * nIn + kk));
                    assertEquals(g[0], dx.get(dxOff + i * nIn + k), tolerance(g[1]), "dx[" + i + ", " + k + "] " + what);
                }
            assertTrue(Float.isNaN(dw.get(dwOff + v * nIn)), "nothing written past dW " + what);
            assertTrue(Float.isNaN(dw.get(dwOff - 1)), "nothing written before dW " + what);
        }
    }

    /** Σ a(q)·b(q) over q &lt; depth, and Σ |a(q)·b(q)|, in double. */
    private static double[] dot(int depth, IntToDoubleFunction a, IntToDoubleFunction b) {
        double s = 0, abs = 0;
        for (int q = 0; q < depth; q++) {
            double t = a.applyAsDouble(q) * b.applyAsDouble(q);
            s += t;
            abs += Math.abs(t);
        }
        return new double[]{s, abs};
    }

    /**
     * The float logits carry ~1e-7 of Σ|x·w| of error (~1e-5 at these sizes), which the
     * probabilities inherit relatively; a missing or doubled term is O(1) of the sum.
     */
    private static double tolerance(double sumOfMagnitudes) {
        return 1e-6 + 3e-4 * sumOfMagnitudes;
    }

    private static FloatBuffer buffer(int floats) {
        return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
