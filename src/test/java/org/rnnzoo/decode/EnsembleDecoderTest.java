package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rnnzoo.data.Vocabulary;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnzoo.decode.BeamSearchDecoderTest.A;
import static org.rnnzoo.decode.BeamSearchDecoderTest.B;
import static org.rnnzoo.decode.BeamSearchDecoderTest.C;
import static org.rnnzoo.decode.BeamSearchDecoderTest.D;
import static org.rnnzoo.decode.BeamSearchDecoderTest.V;

/**
 * Two hand-made bigram "translation models" (BeamSearchDecoderTest's construction) decoded as one:
 * <pre>
 *   P: after &lt;s&gt;: A 0.5, B 0.4, &lt;eos&gt; 0.1   after A: C 0.36, D 0.34, &lt;eos&gt; 0.30   after B: &lt;eos&gt; 0.9, C 0.1
 *   Q: after &lt;s&gt;: A 0.2, B 0.7, &lt;eos&gt; 0.1   after A: C 0.1, D 0.6, &lt;eos&gt; 0.3     after B: &lt;eos&gt; 0.4, C 0.6
 *   both: after C, D: &lt;eos&gt; 1
 * </pre>
 * Greedy, P alone says "A C" and Q alone "B C". The ensemble's step scores are the mean log-probabilities:
 * after &lt;s&gt; A √(0.5·0.2) = 0.316, B √(0.4·0.7) = 0.529 (B wins); after B &lt;eos&gt; √(0.9·0.4) = 0.6, C √(0.1·0.6) = 0.245:
 * the ensemble says "B", which neither member says, with log-probability ½(log 0.36 + log 0.28).
 */
class EnsembleDecoderTest {
    private static ComputationGraph p, q;
    private static final List<int[]> SOURCES = List.of(new int[]{A}, new int[]{B, D}, new int[]{D, D, A});

    @BeforeAll
    static void twoModels() {
        p = BeamSearchDecoderTest.bigram(table(0.5, 0.4, 0.36, 0.34, 0.30, 0.9, 0.1), 0);
        q = BeamSearchDecoderTest.bigram(table(0.2, 0.7, 0.1, 0.6, 0.3, 0.4, 0.6), 0);
    }

    /** The bigram table: after <s> A, B (the rest <eos>); after A C, D, <eos>; after B <eos>, C; after C and D <eos>. */
    private static double[][] table(double sA, double sB, double aC, double aD, double aEos, double bEos, double bC) {
        double[][] t = new double[V][V];
        for (double[] row : t) java.util.Arrays.fill(row, 1e-9);
        t[Vocabulary.BOS_ID][A] = sA;
        t[Vocabulary.BOS_ID][B] = sB;
        t[Vocabulary.BOS_ID][Vocabulary.EOS_ID] = 1 - sA - sB;
        t[A][C] = aC;
        t[A][D] = aD;
        t[A][Vocabulary.EOS_ID] = aEos;
        t[B][Vocabulary.EOS_ID] = bEos;
        t[B][C] = bC;
        t[C][Vocabulary.EOS_ID] = 1;
        t[D][Vocabulary.EOS_ID] = 1;
        return t;
    }

    @Test
    void eachMemberAloneDecodesItsOwnWay() {
        for (int[] out : GreedyDecoder.decode(p, SOURCES, 4, 10)) assertArrayEquals(new int[]{A, C}, out);
        for (int[] out : GreedyDecoder.decode(q, SOURCES, 4, 10)) assertArrayEquals(new int[]{B, C}, out);
    }

    @Test
    void theEnsembleStepsOnTheMeanLogProbability() {
        for (int width : new int[]{1, 2, 3})
            for (BeamSearchDecoder.Hypothesis h : BeamSearchDecoder.search(List.of(p, q), SOURCES, width, 0.0, 10, 4)) {
                assertArrayEquals(new int[]{B}, h.tokens(), "width " + width);
                assertTrue(h.finished());
                assertEquals(0.5 * (Math.log(0.36) + Math.log(0.28)), h.logProbability(), 1e-5);
            }
    }

    @Test
    void aHypothesisScoresTheMeanOfItsMembersLogProbabilities() {
        // the beam's winner is the best of every finished output of up to two tokens by that mean (hand-enumerable here)
        int[] source = SOURCES.get(1);
        BeamSearchDecoder.Hypothesis best = BeamSearchDecoder.search(List.of(p, q), List.of(source), 3, 0.0, 10, 4).get(0);
        double mean = 0.5 * (BeamSearchDecoder.logProbability(p, source, best.tokens()) + BeamSearchDecoder.logProbability(q, source, best.tokens()));
        assertEquals(mean, best.logProbability(), 1e-5);
        for (int[] other : List.of(new int[0], new int[]{A}, new int[]{A, C}, new int[]{A, D}, new int[]{B, C}, new int[]{C}, new int[]{D})) {
            double o = 0.5 * (BeamSearchDecoder.logProbability(p, source, other) + BeamSearchDecoder.logProbability(q, source, other));
            assertTrue(o < best.logProbability(), java.util.Arrays.toString(other) + " scores " + o);
        }
    }

    @Test
    void anEnsembleOfOneModelTwiceIsThatModel() {
        List<BeamSearchDecoder.Hypothesis> alone = BeamSearchDecoder.search(p, SOURCES, 2, 0.0, 10, 4);
        List<BeamSearchDecoder.Hypothesis> twice = BeamSearchDecoder.search(List.of(p, p), SOURCES, 2, 0.0, 10, 4);
        for (int i = 0; i < SOURCES.size(); i++) {
            assertArrayEquals(alone.get(i).tokens(), twice.get(i).tokens());
            assertEquals(alone.get(i).logProbability(), twice.get(i).logProbability(), 1e-6);
        }
    }
}
