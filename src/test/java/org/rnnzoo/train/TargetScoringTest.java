package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.layers.FusedSoftmaxOutputLayer;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Scoring from the targets' log-probabilities alone gives the perplexity that the full softmax
 * probabilities give: same stream layout, same carried state, every token once, dropout off.
 */
class TargetScoringTest {
    private static final int VOCAB = 300;   // more than two 128-column blocks a lane

    private static ComputationGraph randomModel(int layers, String output) {
        ModelCard card = ModelRegistry.card("lstm-lm").withAll(List.of("embedding=12", "hidden=16", "layers=" + layers,
                "dropout=0.3", "output=" + output, "seed=3"));
        ComputationGraph net = ModelRegistry.build(card, VOCAB);
        // weights far from the near-uniform initialisation, so the targets' probabilities differ widely
        net.setParams(Nd4j.randn(new Random(layers).nextLong(), net.params().shape()).castTo(net.params().dataType()).muli(0.6));
        return net;
    }

    private static int[] stream(int length, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = r.nextInt(VOCAB);
        return ids;
    }

    @ParameterizedTest(name = "{0} layer(s), {1} output")
    @CsvSource({"1, fused", "2, fused", "1, dl4j", "2, dl4j"})
    void targetLogProbabilitiesGiveTheFullSoftmaxsPerplexity(int layers, String output) {
        ComputationGraph net = randomModel(layers, output);
        assertEquals("fused".equals(output), PerplexityEvaluator.fusedOutput(net) != null);
        // 2,407 targets over 10 rows of 241: the last row is padded (3 masked targets). The probability
        // path reads segments of bptt 7; the target path reads 80 steps (ROWS_PER_PASS / 10) at a time,
        // carrying the state across 3 boundaries, and its last segment is a single step.
        int[] ids = stream(2408, 11);
        PerplexityEvaluator fast = PerplexityEvaluator.evaluate(net, ids, 10, 7);
        PerplexityEvaluator full = PerplexityEvaluator.evaluateFromProbabilities(net, ids, 10, 7);
        assertEquals(2407, fast.tokens());
        assertEquals(full.tokens(), fast.tokens());
        assertEquals(full.perplexity(), fast.perplexity(), 1e-5 * full.perplexity());
        assertEquals(full.metrics().keySet(), fast.metrics().keySet());
        // dropout is configured at 0.3: at inference it is off, so a second pass gives the same figure
        assertEquals(fast.perplexity(), PerplexityEvaluator.evaluate(net, ids, 10, 7).perplexity(), 1e-7 * fast.perplexity());
        // another batch size (the scratch is resized): 3 rows of 803, 2 masked, read 266 steps at a time
        PerplexityEvaluator odd = PerplexityEvaluator.evaluate(net, ids, 3, 20);
        assertEquals(PerplexityEvaluator.evaluateFromProbabilities(net, ids, 3, 20).perplexity(), odd.perplexity(), 1e-5 * odd.perplexity());
        assertEquals(2407, odd.tokens());
    }

    @Test
    void theArmedLayerReturnsTheTargetsNllForOnePassOnly() {
        ComputationGraph net = randomModel(1, "fused");
        FusedSoftmaxOutputLayer out = PerplexityEvaluator.fusedOutput(net);
        assertNotNull(out);
        INDArray x = Nd4j.create(new float[]{5, 17, 299, 0, 42, 8}, new long[]{2, 1, 3}, DataType.FLOAT);
        int[] targets = {1, 2, -1, 4, 5, 6};
        net.rnnClearPreviousState();
        INDArray probs = net.output(x)[0];     // [2, V, 3]
        out.scoreTargetsOnNextForward(targets);
        INDArray nll = net.output(x)[0];       // [2, 1, 3]
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++) {
                int target = targets[b * 3 + t];
                double expected = target < 0 ? 0 : -Math.log(probs.getDouble(b, target, t));
                assertEquals(expected, nll.getDouble(b, 0, t), 1e-5 * Math.max(1, expected));
            }
        assertEquals(VOCAB, net.output(x)[0].size(1), "disarmed after one pass");
    }
}
