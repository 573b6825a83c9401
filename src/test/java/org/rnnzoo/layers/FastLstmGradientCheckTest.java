package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.rnnzoo.kernels.DoubleLstmKernel;

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

    /**
     * {@code lengths}: one per example ("" for no mask); with a mask and {@code skipPadding} the double
     * kernel runs each example only up to its length, as the float one does, and the check fails unless
     * it did. Lane 0 holds examples 0-1, lane 1 examples 2-4: "5 4 1 1 2" leaves lane 1 with no example
     * running from step 2 on.
     */
    @ParameterizedTest(name = "lengths=[{0}] skipPadding={1}")
    @CsvSource({"'', true", "'5 3 1 5 5', true", "'5 3 1 5 5', false", "'5 4 1 1 2', true"})
    void embeddingFastLstmSoftmaxPassesGradientCheck(String lengths, boolean skip) {
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
        assertPassesGradientCheck(net, ids, labels, lengths, skip);
    }

    /**
     * With an initial-state width K: W_b, b_b and every other parameter, and the input gradient,
     * summary columns included, at every step. A tanh dense layer at each step feeds the LSTM, the
     * summary columns too, different at every step: its parameters' gradients sum the LSTM's input
     * gradient over the steps, so they match finite differences only if the summary's gradient is
     * dL/ds at step 0 and zero after it (its outputs at t &gt; 0 change nothing).
     */
    @ParameterizedTest(name = "lengths=[{0}] skipPadding={1}")
    @CsvSource({"'', true", "'5 3 1 5 5', true", "'5 3 1 5 5', false", "'5 4 1 1 2', true"})
    void initialStateFromASummaryPassesGradientCheck(String lengths, boolean skip) {
        int features = 4, real = 3, k = 2;
        Nd4j.getRandom().setSeed(42);
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder()
                .seed(42).dataType(DataType.DOUBLE).updater(new NoOp()).dist(new NormalDistribution(0, 0.5))
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense", SequenceDense.create(features, real + k, Activation.TANH), "in")
                .addLayer("lstm", new FastLstm.Builder().nIn(real + k).initialStateWidth(k).nOut(H).build(), "dense")
                .addLayer("out", new RnnOutputLayer.Builder(new LossMCXENT()).activation(Activation.SOFTMAX)
                        .nIn(H).nOut(VOCAB).dataFormat(RNNFormat.NCW).build(), "lstm")
                .setOutputs("out")
                .build());
        net.init();
        net.getLayer("lstm").getParam(FastLstmParams.STATE_BIAS_KEY).assign(Nd4j.randn(DataType.DOUBLE, H).muli(0.5)); // non-zero b_b

        Random r = new Random(1);
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, features, T);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, B, VOCAB, T);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) labels.putScalar(b, r.nextInt(VOCAB), t, 1.0);
        assertPassesGradientCheck(net, x, labels, lengths, skip);
    }

    /** The check on input {@code x}, with the right-padding mask of {@code lengths} on input and labels; the one FastLstm must skip the padding when it may. */
    private static void assertPassesGradientCheck(ComputationGraph net, INDArray x, INDArray labels, String lengths, boolean skip) {
        INDArray mask = rightPadded(lengths);
        boolean before = FastLstmLayer.skipPadding;
        FastLstmLayer.skipPadding = skip;
        try {
            boolean ok = DoubleLstmKernel.expectSkippedPadding(mask != null && skip ? 1 : 0, () -> GradientCheckUtil.checkGradients(
                    new GradientCheckUtil.GraphConfig().net(net)
                            .inputs(new INDArray[]{x}).labels(new INDArray[]{labels})
                            .inputMask(mask == null ? null : new INDArray[]{mask})
                            .labelMask(mask == null ? null : new INDArray[]{mask})
                            .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)));
            assertTrue(ok, "gradient check failed (lengths=[" + lengths + "], skipPadding=" + skip + ")");
        } finally {
            FastLstmLayer.skipPadding = before;
        }
    }

    /** A [B, T] right-padding mask of these lengths ("" = none: null). */
    private static INDArray rightPadded(String lengths) {
        if (lengths.isEmpty()) return null;
        INDArray mask = Nd4j.zeros(DataType.DOUBLE, B, T);
        String[] l = lengths.split(" ");
        for (int b = 0; b < B; b++) mask.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, Integer.parseInt(l[b]))).assign(1);
        return mask;
    }
}
