package org.rnnzoo.layers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The gradient sum at a fork, as DL4J calls it ({@code first.addi(second)}), gives ND4J's sum whatever
 * the second array's layout (time-major as the fast layers return it, c-ordered as DL4J's layers do),
 * in float and double, and lands in the time-major array the vertex keeps; inside a workspace too.
 */
class TimeMajorGradientTest {
    private static final int B = 3, F = 5, T = 7;

    private static INDArray timeMajor(DataType type, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, T, B, F).subi(0.5);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void addsASecondTimeMajorGradient(DataType type) {
        INDArray base = timeMajor(type, 1), second = timeMajor(type, 2).permute(1, 2, 0);
        INDArray want = base.permute(1, 2, 0).dup('c').addi(second.dup('c'));
        INDArray first = TimeMajorGradient.of(base);
        assertInstanceOf(TimeMajorGradient.class, first);
        assertSame(first, first.addi(second), "in place, as DL4J expects");
        assertEquals(0.0, want.sub(first).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, want.sub(base.permute(1, 2, 0)).amaxNumber().doubleValue(), 0.0, "the sum is in the kept time-major array");
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void addsATimeMajorGradientThatStartsInsideItsBuffer(DataType type) {
        INDArray base = timeMajor(type, 8);
        INDArray second = Nd4j.rand(type, 2 * T, B, F).get(NDArrayIndex.interval(T, 2 * T), NDArrayIndex.all(), NDArrayIndex.all()).permute(1, 2, 0);
        INDArray want = base.permute(1, 2, 0).add(second);
        INDArray first = TimeMajorGradient.of(base);
        first.addi(second);
        assertEquals(0.0, want.sub(first).amaxNumber().doubleValue(), 0.0);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void addsACOrderedOrStridedGradient(DataType type) {
        INDArray base = timeMajor(type, 3);
        INDArray cOrdered = timeMajor(type, 4).permute(1, 2, 0).dup('c');
        INDArray strided = Nd4j.rand(type, B, F, 2 * T).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 2 * T));
        INDArray want = base.permute(1, 2, 0).add(cOrdered).addi(strided);
        INDArray first = TimeMajorGradient.of(base);
        first.addi(cOrdered).addi(strided);
        assertEquals(0.0, want.sub(first).amaxNumber().doubleValue(), 1e-6);
    }

    @Test
    void otherShapesAndTypesTakeNd4jsPath() {
        INDArray first = TimeMajorGradient.of(timeMajor(DataType.FLOAT, 5));
        INDArray before = first.dup('c');
        INDArray row = Nd4j.rand(DataType.FLOAT, 1, F, 1);   // a broadcast add: ND4J's
        first.addi(row);
        assertEquals(0.0, before.add(row).sub(first).amaxNumber().doubleValue(), 1e-6);
        INDArray view = Nd4j.rand(DataType.FLOAT, 2 * T, B, F).get(NDArrayIndex.interval(0, T), NDArrayIndex.all(), NDArrayIndex.all());
        assertFalse(TimeMajorGradient.of(view) instanceof TimeMajorGradient, "a view of a larger array: ND4J's permuted view");
        assertEquals(0.0, TimeMajorGradient.of(view).sub(view.permute(1, 2, 0)).amaxNumber().doubleValue(), 0.0);
    }

    @Test
    void worksOnWorkspaceArrays() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "TimeMajorGradientTest")) {
            INDArray base = Nd4j.createUninitialized(DataType.FLOAT, new long[]{T, B, F}, 'c').assign(timeMajor(DataType.FLOAT, 6));
            INDArray second = timeMajor(DataType.FLOAT, 7).permute(1, 2, 0);
            INDArray want = base.permute(1, 2, 0).add(second);
            INDArray first = TimeMajorGradient.of(base);
            assertInstanceOf(TimeMajorGradient.class, first);
            first.addi(second);
            assertEquals(0.0, want.sub(first).amaxNumber().doubleValue(), 0.0);
        }
    }
}
