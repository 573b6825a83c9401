package org.rnnzoo.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.models.Seq2Seq;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * FastLstm runs each example of a masked batch only up to its length: on an attention seq2seq graph
 * with a bidirectional encoder and padded sources and targets, the loss, every gradient and the
 * probabilities of the real target steps are those of the pass that runs every padded step; what
 * changes is each direction's and the decoder's output past each length, now zero. In float (training's
 * kernel) and in double (the gradient checks' kernel, whose skip path is checked here against its own
 * every-step path).
 */
class FastLstmPaddingTest {
    private static final int B = 5, S = 7, T = 6, SOURCE_VOCAB = 10, TARGET_VOCAB = 12;
    private static final int[] SOURCE_LENGTHS = {7, 3, 5, 1, 4}, TARGET_LENGTHS = {6, 2, 4, 3, 1};

    private static ComputationGraph net(String combine, DataType type, String bridge) {
        ComputationGraph net = ModelRegistry.build(ModelRegistry.card("seq2seq-attention").withAll(List.of("encoder=bi", "combine=" + combine,
                "hidden=8", "embedding=6", "score=general", "seed=5", "bridge=" + bridge)), Map.of("source", SOURCE_VOCAB, "target", TARGET_VOCAB));
        if (type == DataType.FLOAT) return net;
        ComputationGraph converted = net.convertDataType(type);
        converted.getConfiguration().setDataType(type);
        return converted;
    }

    private static INDArray mask(int[] lengths, int t, DataType type) {
        INDArray m = Nd4j.zeros(type, lengths.length, t);
        for (int b = 0; b < lengths.length; b++) for (int k = 0; k < lengths[b]; k++) m.putScalar(b, k, 1);
        return m;
    }

    /** source ids, target input ids, target ids; padding holds ids too (garbage a mask must hide). */
    private static INDArray[] batch(DataType type) {
        INDArray src = Nd4j.create(type, B, S), in = Nd4j.create(type, B, 1, T), out = Nd4j.create(type, B, 1, T);
        for (int b = 0; b < B; b++) {
            for (int s = 0; s < S; s++) src.putScalar(b, s, (3 * b + 5 * s + 1) % SOURCE_VOCAB);
            for (int t = 0; t < T; t++) {
                in.putScalar(new int[]{b, 0, t}, (2 * b + 3 * t + 1) % TARGET_VOCAB);
                out.putScalar(new int[]{b, 0, t}, (5 * b + t + 2) % TARGET_VOCAB);
            }
        }
        return new INDArray[]{src, in, out};
    }

    /** score, gradient, output probabilities, the two encoder directions' and the decoder's outputs. */
    private static INDArray[] pass(ComputationGraph net, boolean skip, DataType type) {
        boolean before = FastLstmLayer.skipPadding;
        FastLstmLayer.skipPadding = skip;
        try {
            INDArray[] d = batch(type);
            INDArray[] masks = {mask(SOURCE_LENGTHS, S, type), mask(TARGET_LENGTHS, T, type)};
            net.clear();
            net.setInputs(d[0], d[1]);
            net.setLabels(d[2]);
            net.setLayerMaskArrays(masks, new INDArray[]{masks[1]});
            net.computeGradientAndScore();
            INDArray score = Nd4j.scalar(net.score()), gradient = net.gradient().gradient().dup();
            net.clear();
            net.setLayerMaskArrays(masks, new INDArray[]{masks[1]});
            Map<String, INDArray> acts = net.feedForward(new INDArray[]{d[0], d[1]}, false, false);
            INDArray[] out = {score, gradient, acts.get(Seq2Seq.OUTPUT).dup(), acts.get("fwd0").dup(), acts.get("bwd0").dup(), acts.get("dec0").dup()};
            net.clear();
            return out;
        } finally {
            FastLstmLayer.skipPadding = before;
        }
    }

    /** bridge=state: the decoder skips its padding from a state made from the encoder's summary. */
    @ParameterizedTest(name = "combine={0} {1} bridge={2}")
    @CsvSource({"sum, FLOAT, input", "concat, FLOAT, input", "concat, DOUBLE, input", "sum, FLOAT, state", "concat, DOUBLE, state"})
    void skippingThePaddingChangesNoLossGradientOrRealPrediction(String combine, DataType type, String bridge) {
        ComputationGraph net = net(combine, type, bridge);
        double tol = type == DataType.FLOAT ? 1e-6 : 1e-12;
        INDArray[] every = pass(net, false, type), skipped = pass(net, true, type);
        assertEquals(type, skipped[1].dataType());
        assertEquals(every[0].getDouble(0), skipped[0].getDouble(0), tol * Math.abs(every[0].getDouble(0)), "loss");
        assertTrue(every[1].amaxNumber().doubleValue() > 0);
        assertTrue(every[1].equalsWithEps(skipped[1], tol), "gradients differ, max |Δ| " + every[1].sub(skipped[1]).amaxNumber());
        for (int b = 0; b < B; b++)
            for (int t = 0; t < TARGET_LENGTHS[b]; t++)
                for (int v = 0; v < TARGET_VOCAB; v++)
                    assertEquals(every[2].getDouble(b, v, t), skipped[2].getDouble(b, v, t), tol, "p at example " + b + ", step " + t);
        // the skipped steps: zero now, the LSTM run over the padding before
        for (int layer = 3; layer <= 5; layer++) {
            int[] lengths = layer < 5 ? SOURCE_LENGTHS : TARGET_LENGTHS;
            boolean paddingWasNonZero = false;
            for (int b = 0; b < B; b++)
                for (int t = lengths[b]; t < (layer < 5 ? S : T); t++)
                    for (int j = 0; j < 8; j++) {
                        assertEquals(0.0, skipped[layer].getDouble(b, j, t), 0.0);
                        paddingWasNonZero |= every[layer].getDouble(b, j, t) != 0;
                    }
            assertTrue(paddingWasNonZero, "the padding was run without skipping");
            assertFalse(skipped[layer].equals(every[layer]));
        }
    }

    /**
     * A layer's clear() (DL4J's AbstractLayer) nulls the mask field without setMaskArray(null), so
     * FastLstm must drop the lengths it took from the last mask there too: after clear(), an unmasked
     * pass runs every step (before the fix, it zeroed the outputs past the previous batch's lengths).
     */
    @org.junit.jupiter.api.Test
    void clearForgetsThePreviousBatchsLengths() {
        ComputationGraph net = net("sum", DataType.FLOAT, "input");
        FastLstmLayer layer = (FastLstmLayer) net.getLayer("fwd0");
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, B, layer.layerConf().getNIn(), S).subi(0.5);
        layer.setInput(x, mgr);
        INDArray unmasked = layer.activate(false, mgr).dup();

        layer.feedForwardMaskArray(mask(SOURCE_LENGTHS, S, DataType.FLOAT), org.deeplearning4j.nn.api.MaskState.Active, B);
        layer.setInput(x, mgr);
        INDArray masked = layer.activate(false, mgr).dup();
        assertEquals(0.0, masked.getDouble(3, 0, S - 1), 0.0, "the mask was used: padding skipped");   // example 3 has length 1
        layer.clear();
        layer.setInput(x, mgr);
        assertEquals(unmasked, layer.activate(false, mgr), "after clear() every step runs again");
    }
}
