package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnnzoo.models.ModelRegistry;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The decoder half run one step at a time scores a target as the teacher-forced whole graph does,
 * for every wiring of the summary: each row is fed its own target, token by token, and the rows of
 * one source swap slots after every step ({@link IncrementalDecoder#reorder}, as a beam moves its
 * hypotheses). Untrained networks with large weights, so a wrong state shows; long targets, so the
 * stored state carries most of the steps (a beam's finished hypotheses on a barely trained model are
 * often empty, scored at the first step alone).
 */
class IncrementalDecoderTest {
    private static final int V = 12;
    private static final List<int[]> SOURCES = List.of(new int[]{4, 5, 6}, new int[]{7, 8, 9, 10, 11}, new int[]{5});
    private static final int[][] TARGETS = {{5, 6, 7, 8}, {9, 4, 4, 10}, {11, 10, 9, 8}, {6, 6, 6, 6}, {4, 8, 5, 9}, {7, 11, 4, 5}};

    /** {@code copies} 1: 3 rows (FastLstm's batch-1 Java step); 2: 6 rows (the general step), slots swapped after each step. */
    @ParameterizedTest(name = "{0} encoder={1} thought={2} bridge={3} copies={4}")
    @CsvSource({"seq2seq,uni,ends,input,2", "seq2seq,uni,ends,state,1", "seq2seq,uni,ends,state,2", "seq2seq,bi,ends,state,2",
            "seq2seq-attention,bi,last,state,1", "seq2seq-attention,bi,ends,state,2", "seq2seq-attention,bi,none,input,2"})
    void stepByStepScoresWhatTheWholeGraphScores(String model, String encoder, String thought, String bridge, int copies) {
        ComputationGraph net = ModelRegistry.build(ModelRegistry.card(model).withAll(List.of("encoder=" + encoder, "combine=sum",
                "thought=" + thought, "bridge=" + bridge, "hidden=8", "embedding=5", "layers=2", "init_scale=0.5")), Map.of("source", V, "target", V));
        IncrementalDecoder decoder = new IncrementalDecoder(net);
        int rows = decoder.start(SOURCES, copies), steps = TARGETS[0].length + 1;
        int[] target = new int[rows];          // which target each row is being fed
        for (int r = 0; r < rows; r++) target[r] = r;
        double[] logP = new double[rows];
        int[] previous = new int[rows], parents = new int[rows];
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < rows; r++) previous[r] = t == 0 ? org.rnnzoo.data.Vocabulary.BOS_ID : TARGETS[target[r]][t - 1];
            float[][] lp = decoder.step(previous);
            for (int r = 0; r < rows; r++)
                logP[target[r]] += lp[r][t < steps - 1 ? TARGETS[target[r]][t] : org.rnnzoo.data.Vocabulary.EOS_ID];
            // the slots of each source swap: slot j continues from slot copies - 1 - j, and reads its target
            int[] moved = new int[rows];
            for (int r = 0; r < rows; r++) {
                int source = r / copies, slot = r % copies;
                parents[r] = source * copies + (copies - 1 - slot);
                moved[r] = target[parents[r]];
            }
            decoder.reorder(parents);
            target = moved;
        }
        decoder.finish();
        for (int r = 0; r < rows; r++)
            assertEquals(BeamSearchDecoder.logProbability(net, SOURCES.get(r / copies), TARGETS[r]), logP[r], 1e-4, "row " + r);
    }
}
