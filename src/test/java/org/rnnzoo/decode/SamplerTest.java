package org.rnnzoo.decode;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    // ids 0 (<pad>) and 3 (<s>) are reserved and never drawn
    private static final double[] P = {0.0, 0.1, 0.2, 0.0, 0.4, 0.3};

    @Test
    void topKOneIsGreedy() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 50; i++) assertEquals(4, Sampler.draw(P, new Sampler.Settings(1.0, 1, 1.0, 0), r));
    }

    @Test
    void nucleusKeepsTheSmallestSetReachingP() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 200; i++) {
            int t = Sampler.draw(P, new Sampler.Settings(1.0, 0, 0.7, 0), r);
            assertTrue(t == 4 || t == 5, "0.4 + 0.3 reaches 0.7: only ids 4 and 5, got " + t);
        }
    }

    @Test
    void unfilteredSamplingFollowsTheDistribution() {
        SplittableRandom r = new SplittableRandom(3);
        int[] counts = new int[P.length];
        int n = 20000;
        for (int i = 0; i < n; i++) counts[Sampler.draw(P, new Sampler.Settings(1.0, 0, 1.0, 0), r)]++;
        for (int i = 0; i < P.length; i++) assertEquals(P[i], counts[i] / (double) n, 0.015, "id " + i);
    }

    /** At T = 0.01 every p^(1/T) here is under float's smallest value; the draw must still be the argmax. */
    @Test
    void aVeryLowTemperatureDrawsTheLikeliestToken() {
        float[] p = {0.05f, 0.3f, 0.25f, 0.05f, 0.2f, 0.15f};
        SplittableRandom r = new SplittableRandom(9);
        for (Sampler.Settings s : new Sampler.Settings[]{new Sampler.Settings(0.01, 0, 1.0, 0), new Sampler.Settings(0.01, 0, 0.9, 0),
                new Sampler.Settings(0.01, 2, 1.0, 0)})
            for (int i = 0; i < 200; i++) assertEquals(1, Sampler.draw(p, s, r), s.toString());
    }

    @Test
    void lowTemperatureSharpens() {
        SplittableRandom r = new SplittableRandom(4);
        int top = 0, n = 2000;
        for (int i = 0; i < n; i++) if (Sampler.draw(P, new Sampler.Settings(0.2, 0, 1.0, 0), r) == 4) top++;
        // (0.4^5) / (0.1^5 + 0.2^5 + 0.4^5 + 0.3^5) = 0.787
        assertEquals(0.787, top / (double) n, 0.03);
        assertNotEquals(0.4, top / (double) n, 0.1);
    }

    /** The draw with the cutoff found by sorting every value: what the threshold search must equal. */
    private static int drawByFullSort(float[] p, Sampler.Settings s, SplittableRandom rng) {
        int n = p.length;
        float[] q = new float[n];
        if (s.temperature() == 1.0) System.arraycopy(p, 0, q, 0, n);
        else org.rnnzoo.kernels.VectorMath.pow(p, (float) (1.0 / s.temperature()), q);
        double total = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0 || i == 3 || !(q[i] > 0)) q[i] = 0;
            total += q[i];
        }
        float cutoff = Float.MIN_VALUE;
        int keep = s.topK() > 0 ? Math.min(s.topK(), n) : n;
        if (keep < n || s.topP() < 1) {
            float[] sorted = q.clone();
            java.util.Arrays.sort(sorted);
            double mass = 0;
            int r = 0;
            for (; r < keep; r++) {
                mass += sorted[n - 1 - r];
                if (mass >= s.topP() * total) break;
            }
            cutoff = Math.max(cutoff, sorted[n - 1 - Math.min(r, keep - 1)]);
        }
        double kept = 0;
        for (float v : q) if (v >= cutoff) kept += v;
        double u = rng.nextDouble() * kept;
        for (int i = 0; i < n; i++) {
            if (q[i] < cutoff) continue;
            u -= q[i];
            if (u <= 0) return i;
        }
        throw new AssertionError("unreachable in this test");
    }

    @Test
    void filteringFromTheLargestValuesEqualsAFullSort() {
        java.util.Random g = new java.util.Random(5);
        int n = 10002;
        for (double skew : new double[]{0.0, 0.3, 1.0, 2.5}) {        // 0: uniform — the nucleus is almost everything
            float[] p = new float[n];
            double sum = 0;
            for (int i = 0; i < n; i++) sum += p[i] = (float) (Math.pow(1 + g.nextInt(n), -skew) * (0.5 + g.nextDouble()));
            for (int i = 0; i < n; i++) p[i] /= (float) sum;
            for (double t : new double[]{1.0, 0.8, 1.5})
                for (int k : new int[]{0, 1, 5, 50})
                    for (double topP : new double[]{1.0, 0.99, 0.9, 0.5}) {
                        Sampler.Settings s = new Sampler.Settings(t, k, topP, 0);
                        SplittableRandom a = new SplittableRandom(11), b = new SplittableRandom(11);
                        for (int i = 0; i < 20; i++)
                            assertEquals(drawByFullSort(p, s, a), Sampler.draw(p, s, b), "skew " + skew + ", " + s + ", draw " + i);
                    }
        }
    }
}
