package org.rnnzoo.kernels;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VectorMathTest {
    @Test
    void sumOfSquaresMatchesTheDefinitionOverAnyRange() {
        Random r = new Random(5);
        int n = 3 * 4096 + 37;                       // several runs of the float partial sums, and a ragged end
        ByteBuffer b = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) b.putFloat(4 * i, (float) (r.nextGaussian() * 3));
        int[][] ranges = {{0, n}, {0, 0}, {5, 6}, {1, 4097}, {13, n - 3}, {4096, 8192}};
        for (int[] range : ranges) {
            double want = 0;
            for (int i = range[0]; i < range[1]; i++) want += (double) b.getFloat(4 * i) * b.getFloat(4 * i);
            assertEquals(want, VectorMath.sumOfSquares(b, range[0], range[1]), 1e-5 * Math.max(1, want),
                    "[" + range[0] + ", " + range[1] + ")");
        }
    }

    /**
     * locate() returns the index whose stretch of the running sum holds u (up to float rounding at the
     * stretch's ends), never a zero, over ranges that start and end off the vector width; u at or past
     * the total gives the last positive value.
     */
    @Test
    void locateFindsTheStretchOfTheRunningSumThatHoldsU() {
        Random r = new Random(7);
        float[] q = new float[1000];
        for (int i = 0; i < q.length; i++) q[i] = r.nextInt(5) == 0 ? 0f : r.nextFloat() * (i % 97 == 0 ? 50 : 1);
        int from = 13, to = 987;
        double total = 0;
        for (int i = from; i < to; i++) total += q[i];
        for (int k = 0; k < 2000; k++) {
            double u = r.nextDouble() * total;
            int j = VectorMath.locate(q, from, to, u);
            double before = 0;
            for (int i = from; i < j; i++) before += q[i];
            org.junit.jupiter.api.Assertions.assertTrue(j >= from && j < to && q[j] > 0, "u " + u + " gave " + j);
            double slack = 1e-5 * total;
            org.junit.jupiter.api.Assertions.assertTrue(before - slack <= u && u <= before + q[j] + slack,
                    "u " + u + " gave " + j + ", whose stretch is [" + before + ", " + (before + q[j]) + "]");
        }
        int last = to - 1;
        while (q[last] == 0) last--;
        assertEquals(last, VectorMath.locate(q, from, to, total * 1.01));
        assertEquals(-1, VectorMath.locate(new float[40], 3, 37, 0.5));
    }

    /**
     * Adam's bias correction makes its first step from zero moments lr·g/(|g| + ε/√(1 − β₂)) ≈ lr
     * against the gradient's sign, whatever the gradient's size (Kingma and Ba 2015, section 2.1); at
     * t = 1, α = lr·√(1 − β₂)/(1 − β₁) ≈ 0.001·√0.001/0.1. A zero gradient stays a zero update.
     */
    @Test
    void adamsFirstStepIsTheLearningRateAgainstTheGradientsSign() {
        AdamFactors f = AdamFactors.of(0.001, 0.9, 0.999, 1e-8, 0);
        // with β₁, β₂ rounded to float first, as libnd4j takes them (1 − (float) 0.999 is 1.3e-5 relative off 0.001)
        assertEquals(0.001 * Math.sqrt(1 - (double) 0.999f) / (1 - (double) 0.9f), f.alpha(), 1e-6 * f.alpha());
        int n = 2 * 16 + 5;                                    // whole vectors and a scalar tail
        ByteBuffer g = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
        ByteBuffer state = ByteBuffer.allocateDirect(8 * n).order(ByteOrder.nativeOrder());
        ByteBuffer p = ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder());
        float[] grad = new float[n];
        for (int i = 0; i < n; i++) {
            grad[i] = i == 3 ? 0f : (float) ((i % 2 == 0 ? 1 : -1) * Math.pow(10, -4 + i % 7));   // 1e-4 .. 1e2, both signs
            g.putFloat(4 * i, grad[i] * 50);                   // summed over a batch of 50: divided back below
        }
        VectorMath.adam(g, 0, state, 0, n, n, 1f, 50f, f, p, 0);
        for (int i = 0; i < n; i++) {
            double want = grad[i] == 0 ? 0 : 0.001 * Math.signum(grad[i]);
            assertEquals(want, g.getFloat(4 * i), 2e-6 * 0.001 + (grad[i] == 0 ? 0 : 0.001 * 1e-8 / Math.sqrt(0.001) / Math.abs(grad[i])),
                    "update " + i);
            assertEquals(-g.getFloat(4 * i), p.getFloat(4 * i), 0f, "step " + i);
            assertEquals(0.1 * grad[i], state.getFloat(4 * i), 1e-6 * Math.abs(grad[i]), "m " + i);
            assertEquals(0.001 * grad[i] * grad[i], state.getFloat(4 * (n + i)), 1e-6 * grad[i] * grad[i], "v " + i);
        }
        // a learning rate of 0 makes α zero, which libnd4j replaces by ε
        assertEquals(1e-8f, AdamFactors.of(0, 0.9, 0.999, 1e-8, 5).alpha());
    }
}
