package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastLstm's analytic gradients agree with finite differences (double precision). */
class FastLstmGradientCheckTest {
    private static final int VOCAB = 9, EMB = 5, H = 6, B = 5, T = 5;   // B ≥ 4: two lanes (TwoLanes), examples split 2 / 3
    private static DataType previousDefault;

    @org.junit.jupiter.api.BeforeAll
    static void doublePrecision() { // GradientCheckUtil insists on the global default being double
        previousDefault = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @org.junit.jupiter.api.AfterAll
    static void restorePrecision() {
        Nd4j.setDefaultDataTypes(previousDefault, previousDefault);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void embeddingFastLstmSoftmaxPassesGradientCheck(boolean masked) {
        Nd4j.getRandom().setSeed(42);
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.DOUBLE).updater(new NoOp()).dist(new NormalDistribution(0, 0.5))
                .graphBuilder()
                .addInputs("in")
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(VOCAB).nOut(EMB)
                        .outputDataFormat(RNNFormat.NCW).build(), "in")
                .addLayer("lstm", new FastLstm.Builder().nIn(EMB).nOut(H).build(), "emb")
                .addLayer("out", new RnnOutputLayer.Builder(new LossMCXENT()).activation(Activation.SOFTMAX)
                        .nIn(H).nOut(VOCAB).dataFormat(RNNFormat.NCW).build(), "lstm")
                .setOutputs("out")
                .build());
        net.init();

        Random r = new Random(1);
        INDArray ids = Nd4j.zeros(DataType.DOUBLE, B, T);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, B, VOCAB, T);
        for (int b = 0; b < B; b++) {
            for (int t = 0; t < T; t++) {
                ids.putScalar(b, t, r.nextInt(VOCAB));
                labels.putScalar(b, r.nextInt(VOCAB), t, 1.0);
            }
        }
        INDArray mask = null;
        if (masked) { // right padding: lengths T, 3, 1
            mask = Nd4j.ones(DataType.DOUBLE, B, T);
            mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(3, T)).assign(0);
            mask.get(NDArrayIndex.point(2), NDArrayIndex.interval(1, T)).assign(0);
        }
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{ids}).labels(new INDArray[]{labels})
                .inputMask(mask == null ? null : new INDArray[]{mask})
                .labelMask(mask == null ? null : new INDArray[]{mask})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed (masked=" + masked + ")");
    }
}
