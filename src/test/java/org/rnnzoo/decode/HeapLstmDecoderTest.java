package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.Zoo;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The heap decoder predicts what rnnTimeStep predicts, token after token, for a trained net, on one
 * thread and split over two (the vocabulary spans three packed blocks and the 15 units of a layer
 * split 7 / 8, so both shares are uneven).
 */
class HeapLstmDecoderTest {
    private static final int VOCAB = 150;

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void matchesRnnTimeStepStepByStep(int threads) {
        ComputationGraph net = Zoo.build("lstm-lm", VOCAB, "embedding=12", "hidden=15", "layers=2", "bptt=4",
                "optimizer=sgd", "lr=0.5", "init_scale=1.0", "dropout=0.3");
        // train a little so the parameters are not the initial ones (and dropout was active)
        INDArray x = Nd4j.create(new float[]{4, 8, 15, 16, 23, 42, 4, 8}, new long[]{1, 1, 8}, DataType.FLOAT);
        INDArray y = Nd4j.create(new float[]{8, 15, 16, 23, 42, 4, 8, 15}, new long[]{1, 1, 8}, DataType.FLOAT);
        for (int i = 0; i < 3; i++) net.fit(new MultiDataSet(new INDArray[]{x}, new INDArray[]{y}));

        check(net, HeapLstmDecoder.of(net, threads).orElseThrow());
    }

    private static void check(ComputationGraph net, HeapLstmDecoder d) {
        assertEquals(VOCAB, d.vocabulary());
        int[] ids = {3, 7, 11, 5, 9, 2, 149, 0, 31, 31, 100, 64};
        for (int pass = 0; pass < 2; pass++) {        // the second pass checks reset()
            net.rnnClearPreviousState();
            d.reset();
            for (int t = 0; t < ids.length; t++) {
                float[] p = d.step(ids[t]);
                INDArray q = net.rnnTimeStep(Nd4j.create(new float[]{ids[t]}, new long[]{1, 1}, DataType.FLOAT))[0].reshape(VOCAB);
                double sum = 0;
                for (int v = 0; v < VOCAB; v++) {
                    sum += p[v];
                    assertEquals(Math.log(q.getDouble(v)), Math.log(p[v]), 1e-4, "step " + t + ", word " + v);
                }
                assertEquals(1.0, sum, 1e-5);
            }
        }
    }

    /**
     * sample() draws from softmax(z / T) without the excluded ids, the distribution probabilities()
     * gives: a χ² test over 150 tokens, 60,000 draws each. With integers in [−1, 1] instead of bytes
     * the proposal is far from that distribution (checked, so the test could see a missing
     * correction), and the rejections must bring it back; no exact logit may stand above its bound.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void samplesTheDistributionItPredicts(int threads) {
        ComputationGraph net = Zoo.build("lstm-lm", VOCAB, "embedding=12", "hidden=15", "layers=2", "init_scale=1.0");
        INDArray x = Nd4j.create(new float[]{4, 8, 15, 16, 23, 42, 4, 8}, new long[]{1, 1, 8}, DataType.FLOAT);
        INDArray y = Nd4j.create(new float[]{8, 15, 16, 23, 42, 4, 8, 15}, new long[]{1, 1, 8}, DataType.FLOAT);
        for (int i = 0; i < 3; i++) net.fit(new MultiDataSet(new INDArray[]{x}, new INDArray[]{y}));
        HeapLstmDecoder d = HeapLstmDecoder.of(net, threads).orElseThrow();
        int[] excluded = {0, 3};
        for (int id : new int[]{5, 9, 31}) d.advance(id);
        float[] p = d.probabilities().clone();
        for (int levels : new int[]{127, 1}) {
            d.quantizeWith(levels);
            for (double t : new double[]{1.0, 0.6}) {
                double[] target = new double[VOCAB];
                double total = 0;
                for (int v = 0; v < VOCAB; v++) total += target[v] = v == 0 || v == 3 ? 0 : Math.pow(p[v], 1 / t);
                for (int v = 0; v < VOCAB; v++) target[v] /= total;
                int n = 60_000;
                int[] counts = new int[VOCAB];
                SplittableRandom rng = new SplittableRandom(levels * 10 + threads);
                long proposals = d.proposals();
                for (int i = 0; i < n; i++) counts[d.sample(t, excluded, rng)]++;
                String at = "levels " + levels + ", T " + t;
                assertFitsChiSquare(counts, target, at);
                if (levels == 1) {
                    // what χ² would average were the proposal's draws all kept: far above the threshold
                    double[] q = d.proposal(t, excluded);
                    double uncorrected = 147;
                    for (int v = 0; v < VOCAB; v++) if (target[v] > 0) uncorrected += n * Math.pow(q[v] - target[v], 2) / target[v];
                    assertTrue(uncorrected > 2 * (147 + 5 * 17.1), at + ": the proposal alone would average chi2 " + uncorrected + ", too close to test anything");
                    assertTrue(d.proposals() - proposals > n * 1.05, at + ": too few rejections for so coarse a proposal");
                }
            }
        }
        assertEquals(0, d.boundViolations());
        assertArrayEquals(p, d.probabilities(), 1e-6f, "sampling moved the state");   // (exp rounds differently once JIT-compiled)
    }

    /**
     * At a low temperature with a coarse proposal nearly every proposal is rejected: after
     * MAX_PROPOSALS the decoder draws from the float logits, and what it returns must still be
     * softmax(z / T).
     */
    @Test
    void fallsBackToTheFloatLogitsAndStaysExact() {
        ComputationGraph net = Zoo.build("lstm-lm", VOCAB, "embedding=12", "hidden=15", "layers=2", "init_scale=1.0");
        HeapLstmDecoder d = HeapLstmDecoder.of(net, 2).orElseThrow();
        for (int id : new int[]{5, 9, 31}) d.advance(id);
        float[] p = d.probabilities().clone();
        d.quantizeWith(1);
        double t = 0.15;
        double[] target = new double[VOCAB];
        double top = 0, total = 0;
        for (float v : p) top = Math.max(top, v);
        for (int v = 0; v < VOCAB; v++) total += target[v] = v == 0 || v == 3 ? 0 : Math.pow(p[v] / top, 1 / t);
        for (int v = 0; v < VOCAB; v++) target[v] /= total;
        int n = 20_000;
        int[] counts = new int[VOCAB];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < n; i++) counts[d.sample(t, new int[]{0, 3}, rng)]++;
        assertTrue(d.fallbacks() > n / 10, "only " + d.fallbacks() + " fallbacks in " + n + " draws: the test does not reach them");
        assertTrue(d.fallbacks() < n * 9 / 10, d.fallbacks() + " of " + n + " draws fell back: the proposals are barely tested");
        assertFitsChiSquare(counts, target, "T " + t);
        assertEquals(0, d.boundViolations());
    }

    /**
     * Pearson's χ² of the counts against the target distribution, bins expected under 5 pooled; fails
     * beyond mean + 5 sd (df + 5·√(2·df)): a wrong distribution lands in the hundreds or thousands.
     */
    private static void assertFitsChiSquare(int[] counts, double[] target, String at) {
        long n = java.util.Arrays.stream(counts).sum();
        double chi2 = 0, pooledExpected = 0;
        long pooledCount = 0;
        int bins = 0;
        for (int v = 0; v < counts.length; v++) {
            double e = n * target[v];
            if (e == 0) {
                assertEquals(0, counts[v], at + ": drew " + v + ", which has probability 0");
            } else if (e < 5) {
                pooledExpected += e;
                pooledCount += counts[v];
            } else {
                chi2 += Math.pow(counts[v] - e, 2) / e;
                bins++;
            }
        }
        if (pooledExpected > 0) {
            chi2 += Math.pow(pooledCount - pooledExpected, 2) / pooledExpected;
            bins++;
        }
        int df = Math.max(1, bins - 1);
        assertTrue(chi2 < df + 5 * Math.sqrt(2.0 * df), at + ": chi2 " + chi2 + " over " + df + " degrees of freedom");
    }

    @Test
    void onlyForTheShapeItImplements() {
        assertTrue(HeapLstmDecoder.of(Zoo.build("rnn-lm", VOCAB, "embedding=8", "hidden=8")).isEmpty(), "rnn-lm has no LSTM");
        assertTrue(HeapLstmDecoder.of(Zoo.build("lstm-lm", VOCAB, "embedding=8", "hidden=8", "cell=dl4j")).isEmpty(), "DL4J's LSTM cell");
        assertTrue(HeapLstmDecoder.of(Zoo.build("lstm-lm", VOCAB, "embedding=8", "hidden=8", "output=dl4j")).isEmpty(), "DL4J's output layer");
        assertTrue(HeapLstmDecoder.of(Zoo.build("lstm-lm", VOCAB, "embedding=8", "hidden=8"), 2).isPresent());
    }
}
