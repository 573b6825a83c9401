package org.rnnzoo.models;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.kernels.DoubleLstmKernel;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The residual add (with its projection where embedding ≠ hidden), the highway gate and the dense
 * concatenations have correct gradients: each zoo entry, built from its card at a tiny size, agrees
 * with central finite differences in double precision, for both cells, with right-padded masks.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class DeepStackGradientCheckTest {
    private static final int VOCAB = 7, B = 5, T = 4;   // B ≥ 4: FastLstm splits the examples over two lanes
    @ParameterizedTest(name = "{0} cell={1} depth={2} masked={3}")
    @CsvSource({
            "residual-lm, lstm, 2, false", "residual-lm, rnn, 3, true",
            "highway-lm, lstm, 2, true", "highway-lm, rnn, 3, false",
            "dense-lm, lstm, 3, false", "dense-lm, rnn, 2, true",
            "residual-lm, lstm, 2, true", "dense-lm, lstm, 2, true"})   // every FastLstm behind an add / a concat skips its padding
    void analyticGradientsMatchFiniteDifferences(String model, String cell, int depth, boolean masked) {
        // embedding 3 ≠ hidden 4: the first residual / highway layer goes through its learned projection
        ComputationGraph net = ModelRegistry.build(ModelRegistry.card(model).withAll(List.of("cell=" + cell, "depth=" + depth,
                "embedding=3", "hidden=4", "init_scale=0.5", "dropout=0", "optimizer=sgd", "lr=1.0")), VOCAB);
        ComputationGraph dbl = net.convertDataType(DataType.DOUBLE);
        dbl.getConfiguration().setDataType(DataType.DOUBLE);
        dbl.getConfiguration().setBackpropType(BackpropType.Standard);   // one T-step sequence, no truncation

        Random r = new Random(5);
        INDArray ids = Nd4j.zeros(DataType.DOUBLE, B, T), labels = Nd4j.zeros(DataType.DOUBLE, B, 1, T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                ids.putScalar(b, t, r.nextInt(VOCAB));
                labels.putScalar(new int[]{b, 0, t}, r.nextInt(VOCAB));
            }
        INDArray mask = null;
        if (masked) {   // right padding: lengths T, 2, 1
            mask = Nd4j.ones(DataType.DOUBLE, B, T);
            mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(2, T)).assign(0);
            mask.get(NDArrayIndex.point(2), NDArrayIndex.interval(1, T)).assign(0);
        }
        INDArray[] masks = mask == null ? null : new INDArray[]{mask};
        // with a mask every FastLstm of the stack runs each example only up to its length, as in training
        boolean ok = DoubleLstmKernel.expectSkippedPadding(masked && cell.equals("lstm") ? depth : 0,
                () -> GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(dbl)
                        .inputs(new INDArray[]{ids}).labels(new INDArray[]{labels})
                        .inputMask(masks).labelMask(masks)
                        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)));
        assertTrue(ok, model + " cell=" + cell + " depth=" + depth + " masked=" + masked);
    }
}
