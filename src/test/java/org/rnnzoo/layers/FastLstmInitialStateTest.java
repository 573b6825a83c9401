package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A FastLstm with an initial-state width K reads the last K input features at step 0 only, as the
 * state it starts from: h0 = tanh(s_0·W_b + b_b), c0 = 0. Float, the training kernel.
 */
class FastLstmInitialStateTest {
    private static final int REAL = 3, K = 2, H = 6, T = 5;

    /** in [B, REAL + K, T] → lstm1 (starts from the last K features) → lstm2 → softmax. */
    private static ComputationGraph net() {
        ComputationGraph net = TestGraphs.twoLayer((nIn, nOut) -> nIn == REAL + K
                ? new FastLstm.Builder().nIn(nIn).initialStateWidth(K).nOut(nOut).dataFormat(RNNFormat.NCW).build()
                : TestGraphs.lstm(true, nIn, nOut), DataType.FLOAT, REAL + K, H, 4, 3, 0, 0);
        Nd4j.getRandom().setSeed(7);
        net.getLayer("lstm1").getParam(FastLstmParams.STATE_BIAS_KEY).assign(Nd4j.randn(DataType.FLOAT, H).muli(0.5));
        return net;
    }

    private static INDArray input(int batch, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.FLOAT, batch, REAL + K, T);
    }

    private static INDArray lstm1(ComputationGraph net, INDArray x) {
        INDArray out = net.feedForward(new INDArray[]{x}, false, false).get("lstm1").dup();
        net.clear();
        return out;
    }

    private static INDArray summaryColumns(INDArray x, INDArrayIndex steps) {
        return x.get(NDArrayIndex.all(), NDArrayIndex.interval(REAL, REAL + K), steps);
    }

    @Test
    void itIsAPlainLstmStartedFromTanhOfTheProjectedSummary() {
        ComputationGraph net = net();
        INDArray x = input(5, 1);
        Map<String, INDArray> p = net.getLayer("lstm1").paramTable();
        assertEquals(java.util.List.of("W", "RW", "b", "Wb", "bb"), java.util.List.copyOf(p.keySet()));
        assertEquals(REAL, p.get("W").rows());
        INDArray s0 = summaryColumns(x, NDArrayIndex.point(0));
        INDArray h0 = Transforms.tanh(s0.mmul(p.get("Wb")).addRowVector(p.get("bb")));

        // the same weights in a plain LSTM reading the first REAL features, given (h0, 0) as its stored state
        ComputationGraph plain = TestGraphs.twoLayer(true, DataType.FLOAT, REAL, H, 4, 3, 0, 0);
        for (String key : java.util.List.of("W", "RW", "b")) plain.getLayer("lstm1").getParam(key).assign(p.get(key));
        RecurrentLayer layer = (RecurrentLayer) plain.getLayer("lstm1");
        layer.rnnSetPreviousState(Map.of(FastLstmLayer.STATE_KEY_PREV_ACTIVATION, h0, FastLstmLayer.STATE_KEY_PREV_MEMCELL, Nd4j.zeros(DataType.FLOAT, 5, H)));
        INDArray expected = layer.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, REAL), NDArrayIndex.all()).dup(),
                LayerWorkspaceMgr.noWorkspaces());
        INDArray actual = lstm1(net, x);
        assertTrue(TestGraphs.maxRelDiff(expected, actual) < 1e-6, "max rel diff " + TestGraphs.maxRelDiff(expected, actual));
        // and not the zero-state run: the state mattered
        layer.rnnClearPreviousState();
        INDArray fromZero = layer.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, REAL), NDArrayIndex.all()).dup(),
                LayerWorkspaceMgr.noWorkspaces());
        assertTrue(TestGraphs.maxRelDiff(fromZero, actual) > 1e-3);
    }

    @Test
    void theSummaryIsReadAtStepZeroOnly() {
        ComputationGraph net = net();
        INDArray x = input(5, 2), before = lstm1(net, x);

        INDArray later = x.dup();
        summaryColumns(later, NDArrayIndex.interval(1, T)).assign(Nd4j.randn(DataType.FLOAT, 5, K, T - 1).muli(3));
        assertEquals(before, lstm1(net, later), "the summary columns after step 0 changed the output");

        INDArray first = x.dup();
        summaryColumns(first, NDArrayIndex.point(0)).addi(1.0);
        INDArray after = lstm1(net, first);
        for (int t : new int[]{0, T - 1}) {
            double moved = after.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))
                    .sub(before.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t))).amaxNumber().doubleValue();
            assertTrue(moved > 1e-3, "the summary at step 0 moved the output at step " + t + " by " + moved + " only");
        }
    }

    /**
     * A training pass from a given state (a later TBPTT segment) makes no use of the summary, so W_b and
     * b_b get a zero gradient and so do the summary columns, whatever the pass before left in the views.
     */
    @Test
    void aPassFromAGivenStateGivesTheSummaryAndItsWeightsNoGradient() {
        ComputationGraph net = net();
        net.initGradientsView();
        INDArray x = input(5, 4);
        FastLstmLayer layer = (FastLstmLayer) net.getLayer("lstm1");
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray epsilon = Nd4j.randn(DataType.FLOAT, 5, H, T);
        layer.setInput(x, mgr);
        layer.activate(true, mgr);
        var fromSummary = layer.backpropGradient(epsilon, mgr);
        assertTrue(fromSummary.getFirst().getGradientFor("Wb").amaxNumber().doubleValue() > 0);
        assertTrue(summaryColumns(fromSummary.getSecond(), NDArrayIndex.point(0)).amaxNumber().doubleValue() > 0);

        layer.rnnSetTBPTTState(Map.of(FastLstmLayer.STATE_KEY_PREV_ACTIVATION, Nd4j.rand(DataType.FLOAT, 5, H),
                FastLstmLayer.STATE_KEY_PREV_MEMCELL, Nd4j.rand(DataType.FLOAT, 5, H)));
        layer.rnnActivateUsingStoredState(x, true, false, mgr);
        var fromState = layer.backpropGradient(epsilon, mgr);
        assertEquals(0.0, fromState.getFirst().getGradientFor("Wb").amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, fromState.getFirst().getGradientFor("bb").amaxNumber().doubleValue(), 0.0);
        assertEquals(0.0, summaryColumns(fromState.getSecond(), NDArrayIndex.all()).amaxNumber().doubleValue(), 0.0);
        assertTrue(fromState.getFirst().getGradientFor("W").amaxNumber().doubleValue() > 0);
    }

    /**
     * Decoding runs one step at a time: the first step (no stored state) starts from that step's
     * summary, later ones from the stored state. Batch 3 takes the layer's batch-1 Java path, batch 6
     * the general one; the summary columns hold noise after step 0, which neither may read.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 6})
    void stepByStepEqualsTheWholeSequence(int batch) {
        ComputationGraph net = net();
        INDArray x = input(batch, 3);
        INDArray whole = net.output(x)[0];
        net.clear();
        net.rnnClearPreviousState();
        for (int t = 0; t < T; t++) {
            INDArray step = net.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)).dup())[0];
            INDArray expected = whole.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
            INDArray actual = step.reshape(expected.shape());
            assertTrue(TestGraphs.maxRelDiff(expected, actual) < 1e-5, "step " + t + ": max rel diff " + TestGraphs.maxRelDiff(expected, actual));
        }
    }
}
