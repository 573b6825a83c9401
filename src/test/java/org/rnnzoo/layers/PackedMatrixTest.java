package org.rnnzoo.layers;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One-row products from the packed layout equal the textbook sum, at sizes that leave partial blocks. */
class PackedMatrixTest {
    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @Test
    void multiplyMatchesTheDefinition() {
        Random r = new Random(3);
        int[][] shapes = {{1, 1}, {7, 5}, {200, 800}, {13, PackedMatrix.BLOCK}, {33, 2 * PackedMatrix.BLOCK + 17}, {200, 10002}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            float[] colMajor = random(r, rows * cols), x = random(r, rows), init = random(r, cols);
            PackedMatrix p = PackedMatrix.fromColumnMajor(colMajor, rows, cols);
            float[] plain = new float[cols], withInit = new float[cols], accumulated = init.clone();
            p.multiply(x, null, plain);
            p.multiply(x, init, withInit);
            p.multiply(x, accumulated, accumulated);          // init aliasing out: the LSTM's z += h·RW
            for (int j = 0; j < cols; j++) {
                double want = 0;
                for (int i = 0; i < rows; i++) want += (double) x[i] * colMajor[j * rows + i];
                double tol = 1e-5 * Math.sqrt(rows) * 4;
                String at = rows + "x" + cols + " column " + j;
                assertEquals(want, plain[j], tol, at);
                assertEquals(want + init[j], withInit[j], tol, at + " (with init)");
                assertEquals(want + init[j], accumulated[j], tol, at + " (accumulated in place)");
            }
        }
    }

    @Test
    void rejectsShortVectors() {
        PackedMatrix p = PackedMatrix.fromColumnMajor(new float[6], 2, 3);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> p.multiply(new float[1], null, new float[3]));
    }
}
