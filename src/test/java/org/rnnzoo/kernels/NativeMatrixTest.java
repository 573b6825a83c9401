package org.rnnzoo.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * FastLstm's row packing (the real rows of a padded batch first) in both precisions it runs in:
 * float for training, double for the gradient checks.
 */
class NativeMatrixTest {
    /** Rows t·B + b with t below example b's length, B = 3, lengths 3, 1, 2, four steps. */
    private static final int[] REAL_ROWS = {0, 1, 2, 3, 5, 6};

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void packingMovesTheRealRowsFirstAndUnpackingPutsThemBackOverZeros(DataType type) {
        // a view that starts two rows into its storage: the copies index from the view's offset
        INDArray storage = Nd4j.rand(type, 14, 3);
        INDArray m = storage.get(NDArrayIndex.interval(2, 14), NDArrayIndex.all());
        INDArray before = m.dup(), outside = storage.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all()).dup();
        NativeMatrix.packRows(m, REAL_ROWS);
        for (int i = 0; i < REAL_ROWS.length; i++)
            assertEquals(before.getRow(REAL_ROWS[i]), m.getRow(i), "packed row " + i);
        NativeMatrix.unpackRows(m, REAL_ROWS);
        for (int r = 0, i = 0; r < m.rows(); r++) {
            boolean real = i < REAL_ROWS.length && REAL_ROWS[i] == r;
            assertEquals(real ? before.getRow(r) : before.getRow(r).mul(0), m.getRow(r), "row " + r);
            if (real) i++;
        }
        assertEquals(outside, storage.get(NDArrayIndex.interval(0, 2), NDArrayIndex.all()), "rows before the view");
    }
}
