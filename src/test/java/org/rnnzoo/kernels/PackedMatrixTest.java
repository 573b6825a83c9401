package org.rnnzoo.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aShareWalkedLastBlockFirstGivesTheSameBitsAndWritesOnlyItsColumns() {
        // the decoder alternates the direction per token (what the cache still holds); the numbers may not move
        Random r = new Random(4);
        int rows = 33, cols = 5 * PackedMatrix.BLOCK + 17;
        float[] colMajor = random(r, rows * cols), x = random(r, rows), init = random(r, cols);
        PackedMatrix p = PackedMatrix.fromColumnMajor(colMajor, rows, cols);
        for (int[] share : new int[][]{{0, p.blocks}, {1, 4}, {3, p.blocks}, {2, 3}}) {
            float[] up = new float[cols], down = new float[cols];
            java.util.Arrays.fill(up, 7f);
            java.util.Arrays.fill(down, 7f);
            p.multiply(x, init, up, share[0], share[1], false);
            p.multiply(x, init, down, share[0], share[1], true);
            for (int j = 0; j < cols; j++) {
                boolean mine = j >= share[0] * PackedMatrix.BLOCK && j < share[1] * PackedMatrix.BLOCK;
                assertEquals(Float.floatToRawIntBits(up[j]), Float.floatToRawIntBits(down[j]), "blocks " + share[0] + "-" + share[1] + ", column " + j);
                if (!mine) assertEquals(7f, down[j], "column " + j + " is outside blocks " + share[0] + "-" + share[1]);
                else assertTrue(down[j] != 7f, "column " + j + " of blocks " + share[0] + "-" + share[1] + " written");
            }
        }
    }

    @Test
    void multiRowProductsMatchTheDefinition() {
        Random r = new Random(4);
        for (int[] s : new int[][]{{7, 5}, {200, 800}, {33, 2 * PackedMatrix.BLOCK + 17}}) {
            int rows = s[0], cols = s[1];
            float[] colMajor = random(r, rows * cols);
            PackedMatrix p = PackedMatrix.fromColumnMajor(colMajor, rows, cols);
            for (int n : new int[]{1, 3, 4, 5, 9, 10}) {      // groups of four and the rows after them
                int xStride = rows + 3, outStride = cols + 2, xOff = 5, outOff = 7;   // padded rows: strides and offsets are honoured
                float[] x = random(r, xOff + n * xStride), out = new float[outOff + n * outStride];
                java.util.Arrays.fill(out, 42f);
                p.multiplyRows(x, xOff, xStride, n, out, outOff, outStride);
                for (int row = 0; row < n; row++)
                    for (int j = 0; j < cols; j++) {
                        double want = 0;
                        for (int i = 0; i < rows; i++) want += (double) x[xOff + row * xStride + i] * colMajor[j * rows + i];
                        assertEquals(want, out[outOff + row * outStride + j], 1e-5 * Math.sqrt(rows) * 4, rows + "x" + cols + ", n " + n + ", row " + row + ", column " + j);
                    }
                for (int row = 0; row < n; row++)
                    for (int j = cols; j < outStride && outOff + row * outStride + j < out.length; j++)
                        assertEquals(42f, out[outOff + row * outStride + j], "padding after row " + row + " untouched");
            }
        }
    }

    @Test
    void rejectsShortVectors() {
        PackedMatrix p = PackedMatrix.fromColumnMajor(new float[6], 2, 3);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> p.multiply(new float[1], null, new float[3]));
    }
}
