package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused additive score (kernels.AdditiveScores) against the ND4J path it replaces for float, on one
 * masked float batch of uneven lengths with T ≠ S, Hq ≠ Hk and A not a multiple of the vector width:
 * weights, context and every gradient (dq, dk, dW1, dW2, dv) agree to 1e-5 of their size.
 */
class FusedAdditiveScoreTest {
    private static final int B = 5, HQ = 5, HK = 7, T = 4, S = 6;
    private static final int[] SOURCE_LENGTHS = {6, 2, 1, 5, 3}, TARGET_LENGTHS = {4, 1, 3, 2, 4};

    private static GlobalAttention vertex(int width) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT).updater(new NoOp())
                .graphBuilder().addInputs("q", "k").setInputTypes(InputType.recurrent(HQ), InputType.recurrent(HK))
                .addVertex("att", new GlobalAttentionVertex("additive", HQ, HK, width), "q", "k")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HK).nOut(3).dataFormat(RNNFormat.NCW).build(), "att")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.initGradientsView();   // the vertex's gradient table, which a fit would make
        return (GlobalAttention) net.getVertex("att");
    }

    private static INDArray mask(int[] lengths, int t) {
        INDArray m = Nd4j.zeros(DataType.FLOAT, lengths.length, t);
        for (int b = 0; b < lengths.length; b++) m.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, lengths[b])).assign(1);
        return m;
    }

    /** Context, weights and gradients of one training forward and backward, by the chosen path. */
    private static Map<String, INDArray> run(GlobalAttention vertex, boolean fused, INDArray q, INDArray k, INDArray dc, INDArray[] masks,
                                             INDArray otherQ) {
        vertex.fastAdditive = fused;
        vertex.setInputs(new INDArray[]{q, k});
        vertex.feedForwardMaskArrays(masks, MaskState.Active, B);
        Map<String, INDArray> out = new LinkedHashMap<>();
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        out.put("context", vertex.doForward(true, ws).dup());
        // another forward between the training forward and its backward (what the attention plots do): the backward must not read it
        if (otherQ != null) vertex.weights(otherQ, k, masks[1]);
        vertex.setEpsilon(dc);
        Pair<Gradient, INDArray[]> back = vertex.doBackward(false, ws);
        out.put("dq", back.getSecond()[0].dup());
        out.put("dk", back.getSecond()[1].dup());
        for (Map.Entry<String, INDArray> g : back.getFirst().gradientForVariable().entrySet()) out.put(g.getKey(), g.getValue().dup());
        out.put("weights", vertex.weights(q, k, masks[1]));
        return out;
    }

    @ParameterizedTest(name = "A={0}")
    @ValueSource(ints = {13, 37})
    void theFusedScoreGivesTheNd4jPathsWeightsContextAndGradients(int width) {
        check(width, false);
    }

    @ParameterizedTest(name = "A={0}")
    @ValueSource(ints = {13})
    void aForwardBetweenTheTrainingForwardAndItsBackwardIsNotReadByTheBackward(int width) {
        check(width, true);
    }

    private static void check(int width, boolean interleaved) {
        GlobalAttention vertex = vertex(width);
        Nd4j.getRandom().setSeed(11);
        INDArray q = Nd4j.rand(DataType.FLOAT, B, HQ, T).subi(0.5).muli(2), k = Nd4j.rand(DataType.FLOAT, B, HK, S).subi(0.5).muli(2);
        INDArray dc = Nd4j.rand(DataType.FLOAT, B, HK, T).subi(0.5), otherQ = interleaved ? q.mul(-3) : null;
        INDArray[] masks = {mask(TARGET_LENGTHS, T), mask(SOURCE_LENGTHS, S)};
        Map<String, INDArray> nd4j = run(vertex, false, q, k, dc, masks, otherQ), fused = run(vertex, true, q, k, dc, masks, otherQ);
        assertEquals(java.util.List.of("context", "dq", "dk", "W1", "W2", "v", "weights"), java.util.List.copyOf(fused.keySet()));
        for (String key : nd4j.keySet()) {
            INDArray expected = nd4j.get(key), actual = fused.get(key);
            assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), key);
            double size = expected.amaxNumber().doubleValue(), diff = actual.sub(expected).amaxNumber().doubleValue();
            assertTrue(size > 1e-3, key + " is not trivially zero");
            assertTrue(diff <= 1e-5 * size, key + ": max difference " + diff + " against max " + size);
        }
        // the masks were read: a padded target step has zero context, a padded source position zero weight
        assertEquals(0.0, fused.get("context").get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.point(3)).amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, fused.get("weights").get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.interval(1, S)).amaxNumber().doubleValue(), 0.0);
    }
}
