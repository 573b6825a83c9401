package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.models.ModelRegistry;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TruncatedBpttStateTest {
    private static int[] ids(int n) {
        Random r = new Random(5);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = 4 + r.nextInt(30);
        return ids;
    }

    @Test
    void trainingCarriesTheHiddenStateFromOneSegmentIntoTheNext() {
        ComputationGraph net = ModelRegistry.build("lstm-lm", 34, "hidden=12", "embedding=6", "bptt=8");
        net.setClearTbpttState(false);
        BatchifiedTokenStream s = new BatchifiedTokenStream(ids(400), 3, 8);
        MultiDataSet first = s.next();
        // The state a forward pass over segment 1 ends in, computed before any update.
        ComputationGraph probe = net.clone();
        probe.rnnTimeStep(first.getFeatures(0));
        INDArray expected = probe.rnnGetPreviousState("rnn0").get("prevAct");

        net.fit(first);
        Map<String, INDArray> carried = net.rnnGetPreviousState("rnn0");
        assertFalse(carried.isEmpty(), "state kept after fit()");
        assertEquals(expected, carried.get("prevAct"), "segment 2 starts from segment 1's last hidden state");
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
