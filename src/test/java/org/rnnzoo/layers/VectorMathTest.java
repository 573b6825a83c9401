package org.rnnzoo.layers;

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
}
