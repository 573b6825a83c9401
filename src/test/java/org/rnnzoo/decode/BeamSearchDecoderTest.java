package org.rnnzoo.decode;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Beam search on a hand-made "translation model" whose next-token distribution depends only on the
 * previous token (a bigram table, written into an embedding; the source reaches the decoder through
 * a zero-weighted summary, as the zoo's seq2seq wires it):
 * <pre>
 *   after &lt;s&gt;: A 0.5, B 0.4, &lt;eos&gt; 0.1      after A: C 0.36, D 0.34, &lt;eos&gt; 0.30
 *   after B: &lt;eos&gt; 0.9, C 0.1               after C, D: &lt;eos&gt; 1
 * </pre>
 * Greedy takes A, then C: P(A C) = 0.5 · 0.36 · 1 = 0.18. A beam of 2 also keeps B and finds
 * P(B) = 0.4 · 0.9 = 0.36, twice as likely. A source ending in C is the one exception: it adds 30 to the logits of
 * C and D at every step, so a beam of 2 keeps two of their strings, each far likelier than any ending, up to the maximum
 * length (the other sources end in A or D, whose summary weighs 0).
 */
class BeamSearchDecoderTest {
    static final int A = 4, B = 5, C = 6, D = 7, V = 8;
    private static ComputationGraph net;

    @BeforeAll
    static void handMade() {
        double[][] p = new double[V][V];
        for (double[] row : p) java.util.Arrays.fill(row, 1e-9);
        p[Vocabulary.BOS_ID][A] = 0.5;
        p[Vocabulary.BOS_ID][B] = 0.4;
        p[Vocabulary.BOS_ID][Vocabulary.EOS_ID] = 0.1;
        p[A][C] = 0.36;
        p[A][D] = 0.34;
        p[A][Vocabulary.EOS_ID] = 0.30;
        p[B][Vocabulary.EOS_ID] = 0.9;
        p[B][C] = 0.1;
        p[C][Vocabulary.EOS_ID] = 1;
        p[D][Vocabulary.EOS_ID] = 1;
        net = bigram(p, 30);
    }

    /**
     * A graph whose next-token distribution is row {@code previous} of {@code p} ({@code [V][V]}), with
     * {@code boost} added to the logits of C and D at every step of a source that ends in C.
     */
    static ComputationGraph bigram(double[][] p, double boost) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("source", "target_in")
                .addLayer("src_embed", new EmbeddingSequenceLayer.Builder().nIn(V).nOut(1).outputDataFormat(RNNFormat.NCW).build(), "source")
                .addVertex("thought", new LastTimeStepVertex("source"), "src_embed")
                .addVertex("thought_t", new DuplicateToTimeSeriesVertex("target_in"), "thought")
                .addLayer("tgt_embed", new EmbeddingSequenceLayer.Builder().nIn(V).nOut(V).outputDataFormat(RNNFormat.NCW).build(), "target_in")
                .addVertex("dec_in", new MergeVertex(), "tgt_embed", "thought_t")
                .addLayer("target", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(V + 1).nOut(V).dataFormat(RNNFormat.NCW).build(), "dec_in")
                .setOutputs("target").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray logits = Nd4j.zeros(DataType.FLOAT, V, V);
        for (int i = 0; i < V; i++) for (int j = 0; j < V; j++) logits.putScalar(i, j, Math.log(p[i][j]));
        g.getLayer("tgt_embed").setParam("W", logits);                    // row = previous token
        INDArray w = Nd4j.zeros(DataType.FLOAT, V + 1, V);                  // identity; the source summary weighs `boost`
        for (int i = 0; i < V; i++) w.putScalar(i, i, 1);
        w.putScalar(V, C, boost);
        w.putScalar(V, D, boost);
        g.getLayer("target").setParam("W", w);
        INDArray summary = Nd4j.zeros(DataType.FLOAT, V, 1);
        summary.putScalar(C, 0, 1);
        g.getLayer("src_embed").setParam("W", summary);
        g.getLayer("target").setParam("b", Nd4j.zeros(DataType.FLOAT, 1, V));
        return g;
    }

    private static final List<int[]> SOURCES = List.of(new int[]{A}, new int[]{B, C, D}, new int[]{D, D});

    @Test
    void greedyTakesTheLikelierFirstTokenAndLosesToABeamOfTwo() {
        for (int[] out : GreedyDecoder.decode(net, SOURCES, 2, 10)) assertArrayEquals(new int[]{A, C}, out);
        for (BeamSearchDecoder.Hypothesis h : BeamSearchDecoder.search(net, SOURCES, 2, 0.0, 10, 4)) {
            assertArrayEquals(new int[]{B}, h.tokens());
            assertTrue(h.finished());
            assertEquals(Math.log(0.36), h.logProbability(), 1e-5);
            assertEquals(h.logProbability(), BeamSearchDecoder.logProbability(net, SOURCES.get(0), h.tokens()), 1e-5);
        }
        assertEquals(Math.log(0.18), BeamSearchDecoder.logProbability(net, SOURCES.get(0), new int[]{A, C}), 1e-5);
    }

    @Test
    void aLengthPenaltyCanPreferTheLongerOutput() {
        // α = 0: "B" (log 0.36) beats "A C" (log 0.18). Among the finished of a beam of 3, <eos> at once (log 0.1, length 1)
        // is worst; with a strong α the per-token view favours longer outputs: score = log P / ((5 + |y|) / 6)^α
        BeamSearchDecoder.Hypothesis h = BeamSearchDecoder.best(net, SOURCES.get(0), 3, 0.0, 10);
        assertArrayEquals(new int[]{B}, h.tokens());
        double b = Math.log(0.36) / BeamSearchDecoder.lengthPenalty(2, 6), ac = Math.log(0.18) / BeamSearchDecoder.lengthPenalty(3, 6);
        assertTrue(ac > b, "at α = 6 'A C' scores " + ac + " > 'B' " + b);
        assertArrayEquals(new int[]{A, C}, BeamSearchDecoder.best(net, SOURCES.get(0), 3, 6.0, 10).tokens());
    }

    @Test
    void aBeamThatHasFinishedWaitsWhileAnotherRunsOn() {
        // {A}'s beam of 2 has two finished hypotheses at step 3 (B, A C), {C}'s runs to the maximum length: the finished beam
        // must not read its stale hypotheses at the later steps (it did, past their end: ArrayIndexOutOfBoundsException)
        List<BeamSearchDecoder.Hypothesis> out = BeamSearchDecoder.search(net, List.of(new int[]{A}, new int[]{C}), 2, 0.0, 10, 4);
        assertArrayEquals(new int[]{B}, out.get(0).tokens());
        assertTrue(out.get(0).finished());
        assertEquals(10, out.get(1).tokens().length);
        assertTrue(java.util.Arrays.stream(out.get(1).tokens()).allMatch(t -> t == C || t == D), java.util.Arrays.toString(out.get(1).tokens()));
        assertFalse(out.get(1).finished(), "cut at the maximum length");
    }

    @Test
    void aMaxLengthAlwaysApplies() {
        BeamSearchDecoder.Hypothesis h = BeamSearchDecoder.best(net, SOURCES.get(0), 1, 0.0, 1);
        assertArrayEquals(new int[]{A}, h.tokens());
        assertFalse(h.finished(), "cut at 1 token before its <eos>");
        assertThrows(ZooException.class, () -> BeamSearchDecoder.best(net, SOURCES.get(0), 2, 0.0, 0));
        assertThrows(ZooException.class, () -> BeamSearchDecoder.best(net, new int[0], 2, 0.0, 5));
    }
}
