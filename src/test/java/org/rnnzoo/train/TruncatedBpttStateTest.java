package org.rnnzoo.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.models.ModelRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class TruncatedBpttStateTest {
    private static int[] ids(int n) {
        Random r = new Random(5);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 4 + r.nextInt(30);
        return ids;
    }

    /** Per-segment scores of one fit() over a two-segment stream, with learning switched off. */
    private static List<Double> segmentScores(ComputationGraph net, MultiDataSet stream) {
        List<Double> scores = new ArrayList<>();
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) { scores.add(model.score()); }
        });
        net.fit(stream);
        return scores;
    }

    /** DL4J's per-example score of a segment given the state the net holds: summed NLL / batch. */
    private static double scoreFromState(ComputationGraph net, MultiDataSet segment) {
        INDArray p = net.rnnTimeStep(segment.getFeatures(0))[0];
        PerplexityEvaluator e = new PerplexityEvaluator();
        e.add(p, segment.getLabels(0), segment.getLabelsMaskArray(0));
        return e.nll() / segment.getFeatures(0).size(0);
    }

    @Test
    void theSecondSegmentOfAnEpochStartsFromTheFirstSegmentsFinalState() {
        for (String model : List.of("lstm-lm", "rnn-lm")) {
            ComputationGraph net = ModelRegistry.build(model, 34, "hidden=12", "embedding=6", "bptt=8", "optimizer=sgd", "lr=0");
            int[] ids = ids(3 * 16 + 1);                       // 3 rows x 2 segments of 8
            MultiDataSet whole = new BatchifiedTokenStream(ids, 3, Integer.MAX_VALUE).next();
            List<Double> trained = segmentScores(net, whole);
            assertEquals(2, trained.size(), "DL4J cut the stream into two TBPTT segments");

            BatchifiedTokenStream seg = new BatchifiedTokenStream(ids, 3, 8);
            MultiDataSet first = seg.next(), second = seg.next();
            net.rnnClearPreviousState();
            double s1 = scoreFromState(net, first);
            double carried = scoreFromState(net, second);       // state from segment 1 still in the net
            net.rnnClearPreviousState();
            double fresh = scoreFromState(net, second);

            assertEquals(s1, trained.get(0), 1e-4, model);
            assertEquals(carried, trained.get(1), 1e-4, model + ": segment 2 was trained from segment 1's state");
            assertNotEquals(fresh, trained.get(1), 1e-4, model + ": and not from a zero state");
        }
    }

    @Test
    void evaluationInSegmentsEqualsOneUnbrokenPass() {
        ComputationGraph net = ModelRegistry.build("lstm-lm", 34, "hidden=12", "embedding=6");
        int[] ids = ids(301);
        double segmented = PerplexityEvaluator.evaluate(net, ids, 1, 7).perplexity();
        double whole = PerplexityEvaluator.evaluate(net, ids, 1, 1000).perplexity();
        assertEquals(whole, segmented, 1e-4 * whole);
    }
}
