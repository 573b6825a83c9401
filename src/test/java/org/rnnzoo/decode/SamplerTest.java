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

    @Test
    void lowTemperatureSharpens() {
        SplittableRandom r = new SplittableRandom(4);
        int top = 0, n = 2000;
        for (int i = 0; i < n; i++) if (Sampler.draw(P, new Sampler.Settings(0.2, 0, 1.0, 0), r) == 4) top++;
        // (0.4^5) / (0.1^5 + 0.2^5 + 0.4^5 + 0.3^5) = 0.787
        assertEquals(0.787, top / (double) n, 0.03);
        assertNotEquals(0.4, top / (double) n, 0.1);
    }
}
