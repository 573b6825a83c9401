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
}
