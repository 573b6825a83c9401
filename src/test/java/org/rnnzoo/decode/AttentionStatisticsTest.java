package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Seq2SeqPairIterator;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.models.Seq2SeqAttention;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attention statistics against hand-computed maps, and on an untrained network's real maps: a
 * padded batch gives each pair the map it has alone, every row a distribution over its own source.
 */
class AttentionStatisticsTest {
    private static final double EPS = 1e-12;

    @Test
    void aDiagonalMapIsSharpAndOnTheDiagonal() {
        AttentionStatistics s = AttentionStatistics.of(List.<double[][]>of(new double[][]{{1, 0}, {0, 1}}));
        assertEquals(1, s.examples());
        assertEquals(2, s.rows());
        assertEquals(0.5, s.lastWeight(), EPS);    // (0 + 1) / 2
        assertEquals(0.5, s.lastArgmax(), EPS);
        assertEquals(1.0, s.maxWeight(), EPS);
        assertEquals(0.0, s.entropy(), EPS);       // 0 log 0 = 0
        assertEquals(0.0, s.diagonal(), EPS);
    }

    @Test
    void aMapCollapsedOnTheLastTokenIsSeenAsSuch() {
        double[] row = {0.1, 0.1, 0.8};
        AttentionStatistics s = AttentionStatistics.of(List.<double[][]>of(new double[][]{row, row, row}));
        assertEquals(3, s.rows());
        assertEquals(0.8, s.lastWeight(), EPS);
        assertEquals(1.0, s.lastArgmax(), EPS);
        assertEquals(0.8, s.maxWeight(), EPS);
        assertEquals(-(2 * 0.1 * Math.log(0.1) + 0.8 * Math.log(0.8)), s.entropy(), EPS);   // 0.639 nats
        // argmax at position 1 for steps at 0, 0.5, 1: (1 + 0.5 + 0) / 3
        assertEquals(0.5, s.diagonal(), EPS);
    }

    @Test
    void mapsArePooledByStepNotByExample() {
        double[] row = {0.1, 0.1, 0.8};
        AttentionStatistics s = AttentionStatistics.of(List.of(new double[][]{{1, 0}, {0, 1}}, new double[][]{row, row, row}));
        assertEquals(2, s.examples());
        assertEquals(5, s.rows());
        assertEquals((0 + 1 + 3 * 0.8) / 5, s.lastWeight(), EPS);
        assertEquals(4.0 / 5, s.lastArgmax(), EPS);
        assertEquals((2 + 3 * 0.8) / 5, s.maxWeight(), EPS);
        assertEquals(1.5 / 5, s.diagonal(), EPS);
    }

    @Test
    void aTieGoesToTheFirstPositionAndOneTokenMapsHaveNoScale() {
        // one step: its position is 0; a uniform row's argmax is position 0, not the last
        AttentionStatistics tie = AttentionStatistics.of(List.<double[][]>of(new double[][]{{0.5, 0.5}}));
        assertEquals(0.0, tie.lastArgmax(), EPS);
        assertEquals(Math.log(2), tie.entropy(), EPS);
        assertEquals(0.0, tie.diagonal(), EPS);
        // a one-token source: all weight on it, the last; its position is 0 while the steps go 0, 1
        AttentionStatistics one = AttentionStatistics.of(List.<double[][]>of(new double[][]{{1}, {1}}));
        assertEquals(1.0, one.lastWeight(), EPS);
        assertEquals(1.0, one.lastArgmax(), EPS);
        assertEquals(0.5, one.diagonal(), EPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"uni", "bi"})
    void aPaddedBatchGivesEachPairItsOwnMap(String encoder) {
        ComputationGraph net = ModelRegistry.build(Zoo.card("seq2seq-attention").withAll(List.of("encoder=" + encoder, "score=general",
                "hidden=8", "embedding=4", "init_scale=1.0")), Map.of("source", 12, "target", 12));
        // untrained: W_a scaled up so that the maps are far from uniform and a mixed-up pair would show
        net.getVertex(Seq2SeqAttention.ATTENTION).params().muli(10);
        SplittableRandom r = new SplittableRandom(3);
        List<Seq2SeqPairIterator.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < 7; i++) pairs.add(new Seq2SeqPairIterator.Pair(ids(r, 1 + r.nextInt(6)), ids(r, r.nextInt(6))));
        List<double[][]> batched = AttentionWeights.teacherForced(net, Seq2SeqAttention.ATTENTION, pairs, 4);   // batches of 4 and 3
        assertEquals(pairs.size(), batched.size());
        long rows = 0;
        double spread = 0;
        for (int i = 0; i < pairs.size(); i++) {
            double[][] alone = AttentionWeights.of(net, Seq2SeqAttention.ATTENTION, pairs.get(i).source(), pairs.get(i).target());
            double[][] w = batched.get(i);
            assertEquals(pairs.get(i).target().length + 1, w.length, "pair " + i);
            for (int t = 0; t < w.length; t++) {
                assertEquals(pairs.get(i).source().length, w[t].length, "pair " + i + " step " + t);
                assertEquals(1.0, Arrays.stream(w[t]).sum(), 1e-5, "pair " + i + " step " + t);
                for (int s = 0; s < w[t].length; s++) {
                    assertEquals(alone[t][s], w[t][s], 1e-5, "pair " + i + " step " + t + " source " + s);
                    spread = Math.max(spread, Math.abs(w[t][s] - 1.0 / w[t].length));
                }
            }
            rows += w.length;
        }
        assertTrue(spread > 0.05, "maps far enough from uniform to tell pairs apart: " + spread);
        AttentionStatistics s = AttentionStatistics.of(net, Seq2SeqAttention.ATTENTION, pairs, 4);
        assertEquals(rows, s.rows());
        assertEquals(AttentionStatistics.of(batched).lastWeight(), s.lastWeight(), 1e-9);
        for (double x : new double[]{s.lastWeight(), s.lastArgmax(), s.maxWeight(), s.diagonal()})
            assertTrue(x >= 0 && x <= 1, s.toString());
        assertTrue(s.maxWeight() >= s.lastWeight() && s.entropy() >= 0 && s.entropy() <= Math.log(6), s.toString());
    }

    /** n token ids of a vocabulary of 12, none of the four reserved ones. */
    private static int[] ids(SplittableRandom r, int n) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) x[i] = 4 + r.nextInt(8);
        return x;
    }
}
