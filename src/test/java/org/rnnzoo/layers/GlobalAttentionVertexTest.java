package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.rnnzoo.common.ZooException;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Luong's three attention scores: analytic gradients = finite differences on a batch with padded
 * sources and targets; padded source positions get weight 0 (changing them changes nothing); the
 * weights the vertex reports, computed for each example alone, rebuild its output in the batch; and a dot-product case worked by hand.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class GlobalAttentionVertexTest {
    private static final int B = 4, HQ = 3, HK = 3, T = 4, S = 5, CLASSES = 3;
    private static final int[] SOURCE_LENGTHS = {5, 2, 1, 4}, TARGET_LENGTHS = {4, 1, 3, 2};
    /** queries, keys → attention → softmax over CLASSES at every decoder step. */
    private static ComputationGraph net(String score) { return net(score, HK); }

    /** @param hk the keys' width */
    private static ComputationGraph net(String score, int hk) { return net(score, hk, false); }

    private static ComputationGraph net(String score, int hk, boolean scaled) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE).updater(new NoOp())
                .graphBuilder().addInputs("q", "k").setInputTypes(InputType.recurrent(HQ), InputType.recurrent(hk))
                .addVertex("att", new GlobalAttentionVertex(score, HQ, hk, 4).scaled(scaled), "q", "k")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(hk).nOut(CLASSES).dataFormat(RNNFormat.NCW).build(), "att")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static INDArray mask(int[] lengths, int t) {
        INDArray m = Nd4j.zeros(DataType.DOUBLE, lengths.length, t);
        for (int b = 0; b < lengths.length; b++) m.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, lengths[b])).assign(1);
        return m;
    }

    private static INDArray[] batch() { return batch(HK); }

    private static INDArray[] batch(int hk) {
        Nd4j.getRandom().setSeed(7);
        INDArray q = Nd4j.rand(DataType.DOUBLE, B, HQ, T).subi(0.5).muli(2), k = Nd4j.rand(DataType.DOUBLE, B, hk, S).subi(0.5).muli(2);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, B, CLASSES, T);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) labels.putScalar(b, (b + t) % CLASSES, t, 1);
        return new INDArray[]{q, k, labels};
    }

    @ParameterizedTest(name = "score={0}")
    @ValueSource(strings = {"dot", "general", "additive"})
    void gradientsMatchFiniteDifferencesOnAPaddedBatch(String score) {
        gradientCheck(score, HK);
    }

    /** A concat bi-encoder's keys are wider than the decoder's queries: W_a is not square. */
    @ParameterizedTest(name = "score={0}")
    @ValueSource(strings = {"general", "additive"})
    void gradientsMatchFiniteDifferencesWithKeysWiderThanQueries(String score) {
        gradientCheck(score, HQ + 2);
    }

    /** 20 examples × 4 steps: the products with W_a split over two lanes (64 rows or more), W_a's gradient row-major. */
    @org.junit.jupiter.api.Test
    void gradientsMatchFiniteDifferencesOnABatchSplitOverTwoLanes() {
        int b = 20;
        ComputationGraph net = net("general");
        Nd4j.getRandom().setSeed(9);
        INDArray q = Nd4j.rand(DataType.DOUBLE, b, HQ, T).subi(0.5).muli(2), k = Nd4j.rand(DataType.DOUBLE, b, HK, S).subi(0.5).muli(2);
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, b, CLASSES, T);
        int[] targetLengths = new int[b], sourceLengths = new int[b];
        for (int i = 0; i < b; i++) {
            targetLengths[i] = 1 + i % T;
            sourceLengths[i] = 1 + (3 * i) % S;
            for (int t = 0; t < T; t++) labels.putScalar(i, (i + t) % CLASSES, t, 1);
        }
        INDArray targetMask = mask(targetLengths, T);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{q, k}).labels(new INDArray[]{labels})
                .inputMask(new INDArray[]{targetMask, mask(sourceLengths, S)}).labelMask(new INDArray[]{targetMask})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok, "gradient check failed");
    }

    /** Scores divided by √keys: the scale enters the backward pass too. */
    @ParameterizedTest(name = "score={0}")
    @ValueSource(strings = {"dot", "general", "additive"})
    void scaledScoresGradientsMatchFiniteDifferences(String score) {
        gradientCheck(score, HK, true);
    }

    private static void gradientCheck(String score, int hk) { gradientCheck(score, hk, false); }

    private static void gradientCheck(String score, int hk, boolean scaled) {
        ComputationGraph net = net(score, hk, scaled);
        INDArray[] x = batch(hk);
        INDArray targetMask = mask(TARGET_LENGTHS, T);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{x[0], x[1]}).labels(new INDArray[]{x[2]})
                .inputMask(new INDArray[]{targetMask, mask(SOURCE_LENGTHS, S)}).labelMask(new INDArray[]{targetMask})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok, score + ": gradient check failed");
        if (!score.equals("dot")) assertTrue(net.getVertex("att").numParams() > 0, "the score has parameters and they were checked");
    }

    @ParameterizedTest(name = "score={0}")
    @ValueSource(strings = {"dot", "general", "additive"})
    void paddedSourcePositionsGetNoWeightAndTheWeightsRebuildTheOutput(String score) {
        ComputationGraph net = net(score);
        INDArray[] x = batch();
        INDArray[] masks = {mask(TARGET_LENGTHS, T), mask(SOURCE_LENGTHS, S)};
        INDArray out = context(net, x[0], x[1], masks);
        // garbage in the padding changes nothing
        INDArray k2 = x[1].dup();
        for (int b = 0; b < B; b++) k2.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.interval(SOURCE_LENGTHS[b], S)).assign(7.5);
        assertEquals(0.0, context(net, x[0], k2, masks).sub(out).amaxNumber().doubleValue(), 1e-12);
        // each example alone, unpadded: weights() gives rows summing to 1, and k · wᵀ is the vertex's context at the real steps
        GlobalAttention vertex = (GlobalAttention) net.getVertex("att");
        for (int b = 0; b < B; b++) {
            INDArray q = x[0].get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.interval(0, TARGET_LENGTHS[b]));
            INDArray k = x[1].get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.interval(0, SOURCE_LENGTHS[b]));
            double[][] w = vertex.weights(q.reshape(1, HQ, TARGET_LENGTHS[b]), k.reshape(1, HK, SOURCE_LENGTHS[b]), null)
                    .reshape(TARGET_LENGTHS[b], SOURCE_LENGTHS[b]).toDoubleMatrix();
            for (double[] row : w) assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-12);
            INDArray rebuilt = k.mmul(Nd4j.create(w).transpose());
            INDArray actual = out.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.interval(0, TARGET_LENGTHS[b]));
            assertEquals(0.0, rebuilt.sub(actual).amaxNumber().doubleValue(), 1e-10, score + " example " + b);
            // padded decoder steps get zero context
            if (TARGET_LENGTHS[b] < T)
                assertEquals(0.0, out.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.interval(TARGET_LENGTHS[b], T))
                        .amaxNumber().doubleValue(), 0.0);
        }
    }

    @Test
    void dotScoresWorkedByHand() {
        // q = (1, 0, 0); keys (1, 0, 0) and (0, 2, 0): scores 1 and 0, weights e/(1+e) and 1/(1+e)
        ComputationGraph net = net("dot");
        INDArray q = Nd4j.zeros(DataType.DOUBLE, 2, HQ, 1), k = Nd4j.zeros(DataType.DOUBLE, 2, HK, 2);
        q.putScalar(0, 0, 0, 1);
        k.putScalar(0, 0, 0, 1);
        k.putScalar(0, 1, 1, 2);
        INDArray c = context(net, q, k, new INDArray[]{Nd4j.ones(DataType.DOUBLE, 2, 1), Nd4j.ones(DataType.DOUBLE, 2, 2)});
        double a = Math.E / (1 + Math.E);
        assertEquals(a, c.getDouble(0, 0, 0), 1e-12);
        assertEquals(2 * (1 - a), c.getDouble(0, 1, 0), 1e-12);
        assertEquals(0.0, c.getDouble(0, 2, 0), 1e-12);
        // row 1 is all zeros: equal scores, the mean of two zero keys
        assertEquals(0.0, c.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all()).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void scaledDotScoresWorkedByHand() {
        // the case above with the scores divided by √3: scores 1/√3 and 0
        ComputationGraph net = net("dot", HK, true);
        INDArray q = Nd4j.zeros(DataType.DOUBLE, 2, HQ, 1), k = Nd4j.zeros(DataType.DOUBLE, 2, HK, 2);
        q.putScalar(0, 0, 0, 1);
        k.putScalar(0, 0, 0, 1);
        k.putScalar(0, 1, 1, 2);
        INDArray c = context(net, q, k, new INDArray[]{Nd4j.ones(DataType.DOUBLE, 2, 1), Nd4j.ones(DataType.DOUBLE, 2, 2)});
        double e = Math.exp(1 / Math.sqrt(3)), a = e / (1 + e);
        assertEquals(a, c.getDouble(0, 0, 0), 1e-12);
        assertEquals(2 * (1 - a), c.getDouble(0, 1, 0), 1e-12);
    }

    @Test
    void theScaleSurvivesJsonAndAnOlderConfigurationWithoutItIsUnscaled() {
        ComputationGraphConfiguration conf = net("general", HK, true).getConfiguration();
        String json = conf.toJson();
        assertTrue(((GlobalAttentionVertex) ComputationGraphConfiguration.fromJson(json).getVertices().get("att")).isScaled());
        String old = json.replace("\"scaled\" : true,", "").replace(",\n    \"scaled\" : true", "").replace("\"scaled\":true,", "");
        assertTrue(!old.contains("\"scaled\""), "the test removed the field");
        assertEquals(1.0, ((GlobalAttentionVertex) ComputationGraphConfiguration.fromJson(old).getVertices().get("att")).scoreScale());
    }

    @Test
    void theConfigurationSurvivesJson() {   // how a checkpoint stores it
        ComputationGraphConfiguration conf = net("additive").getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf.getVertices().get("att"), back.getVertices().get("att"));
        assertEquals("additive", ((GlobalAttentionVertex) back.getVertices().get("att")).score());
    }

    @Test
    void unknownScoresAndMismatchedDotWidthsAreRefused() {
        ZooException e = assertThrows(ZooException.class, () -> new GlobalAttentionVertex("cosine", 3, 3, 3));
        assertTrue(e.getMessage().contains("dot, general, additive"), e.getMessage());
        assertThrows(ZooException.class, () -> new GlobalAttentionVertex("dot", 3, 6, 3));
    }

    private static INDArray context(ComputationGraph net, INDArray q, INDArray k, INDArray[] masks) {
        net.clear();
        net.setLayerMaskArrays(masks, null);
        INDArray c = net.feedForward(new INDArray[]{q, k}, false, false).get("att").dup();
        net.clear();
        return c;
    }
}
