package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #21: a sentence alone and the same sentence inside a padded batch of longer ones get the
 * same probabilities, for both directions (fresh random models). DL4J's Bidirectional wrapper
 * would fail this: its backward direction reads the padding first.
 */
class BidirectionalPaddingTest {
    private static final int VOCAB = 30, CLASSES = 3;
    private static final int[] SHORT = {5, 9, 12, 7};
    private static final int[][] LONGER = {{4, 8, 15, 16, 23, 29, 6, 11, 3}, {20, 21, 22, 24, 25, 26, 27}};

    private static ComputationGraph build(String model, String... overrides) {
        ModelCard card = ModelRegistry.card(model).withAll(List.of(overrides)).withAll(List.of("hidden=7", "embedding=5", "init_scale=0.5"));
        return randomised(ModelRegistry.build(card, Map.of("tokens", VOCAB, "labels", CLASSES)));
    }

    /**
     * Every parameter uniform in ±0.5, biases and the {@code <pad>} row included: a fresh network's
     * zero biases keep an RNN/LSTM's state at zero while it reads zero-ish padding, which would hide
     * a backward direction that reads the padding first.
     */
    private static ComputationGraph randomised(ComputationGraph net) {
        Nd4j.getRandom().setSeed(7);
        net.setParams(Nd4j.rand(net.params().dataType(), net.params().shape()).subi(0.5));
        return net;
    }

    /** Row 0: the short sentence, right-padded with {@code <pad>} (id 0) to the longest; mask 1 on real steps. */
    private static INDArray[] batch(int[]... rows) {
        int t = 0;
        for (int[] r : rows) t = Math.max(t, r.length);
        INDArray ids = Nd4j.zeros(DataType.FLOAT, rows.length, t), mask = Nd4j.zeros(DataType.FLOAT, rows.length, t);
        for (int i = 0; i < rows.length; i++)
            for (int s = 0; s < rows[i].length; s++) {
                ids.putScalar(i, s, rows[i][s]);
                mask.putScalar(i, s, 1);
            }
        return new INDArray[]{ids, mask};
    }

    private static INDArray output(ComputationGraph net, INDArray[] b) {
        INDArray out = net.output(false, new INDArray[]{b[0]}, new INDArray[]{b[1]})[0].dup();
        net.clear();
        return out;
    }

    @ParameterizedTest(name = "birnn-sentiment cell={0} combine={1} pooling={2} layers={3}")
    @CsvSource({"lstm,concat,max,1", "lstm,concat,last,2", "lstm,sum,mean,1", "rnn,sum,last,1", "rnn,concat,max,2"})
    void aSentenceAloneAndInAPaddedBatchGetTheSameClassProbabilities(String cell, String combine, String pooling, int layers) {
        ComputationGraph net = build("birnn-sentiment", "cell=" + cell, "combine=" + combine, "pooling=" + pooling, "layers=" + layers);
        INDArray alone = output(net, batch(SHORT));
        INDArray padded = output(net, batch(LONGER[0], SHORT, LONGER[1]));
        assertEquals(CLASSES, alone.size(1));
        INDArray inBatch = padded.getRow(1, true);
        assertTrue(alone.equalsWithEps(inBatch, 1e-5), "alone " + alone + " vs in a padded batch " + inBatch);
        // the padding is not the reason they agree: another sentence of the batch scores differently
        assertTrue(!padded.getRow(0, true).equalsWithEps(inBatch, 1e-3));
    }

    @ParameterizedTest(name = "birnn-tagger cell={0} combine={1} layers={2}")
    @CsvSource({"lstm,concat,1", "lstm,sum,2", "rnn,concat,1"})
    void aSentenceAloneAndInAPaddedBatchGetTheSameTagProbabilitiesAtEveryWord(String cell, String combine, int layers) {
        ComputationGraph net = build("birnn-tagger", "cell=" + cell, "combine=" + combine, "layers=" + layers);
        INDArray alone = output(net, batch(SHORT));                                     // [1, tags, 4]
        INDArray padded = output(net, batch(LONGER[0], SHORT, LONGER[1]));              // [3, tags, 9]
        INDArray inBatch = padded.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all(), NDArrayIndex.interval(0, SHORT.length));
        assertTrue(alone.equalsWithEps(inBatch, 1e-5), "alone " + alone + "\nvs in a padded batch " + inBatch);
    }

    /** The backward direction is really there: the first word's tags change when only the last word does. */
    @ParameterizedTest(name = "combine={0}")
    @CsvSource({"concat", "sum"})
    void theFirstWordsTagsDependOnTheLastWord(String combine) {
        ComputationGraph net = build("birnn-tagger", "combine=" + combine);
        int[] changed = SHORT.clone();
        changed[changed.length - 1] = 28;
        INDArray a = output(net, batch(SHORT)), b = output(net, batch(changed));
        INDArray firstA = a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        INDArray firstB = b.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        assertTrue(!firstA.equalsWithEps(firstB, 1e-6), "the first word's tag probabilities ignore the last word");
        // and the one-direction tagger's do not depend on it
        ModelCard uni = ModelRegistry.card("rnn-tagger").withAll(List.of("hidden=7", "embedding=5", "init_scale=0.5"));
        ComputationGraph u = randomised(ModelRegistry.build(uni, Map.of("tokens", VOCAB, "labels", CLASSES)));
        INDArray ua = output(u, batch(SHORT)), ub = output(u, batch(changed));
        assertTrue(ua.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0))
                .equalsWithEps(ub.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0)), 1e-7));
    }
}
