package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnzoo.layers.TestGraphs.maxRelDiff;

/**
 * FastLstm computes what DL4J's LSTM computes: outputs, gradients, stored state. Not TBPTT training:
 * there DL4J's LSTM back-propagates a pass restarted from zeros, FastLstm the pass it ran
 * ({@link TbpttGradientTest}).
 */
class FastLstmEquivalenceTest {
    private static final double TOL = 1e-5;
    private static final int B = 4, N_IN = 5, H = 7, T = 6;

    enum Precision { FLOAT, DOUBLE }

    private static DataType type(Precision p) {
        return p == Precision.FLOAT ? DataType.FLOAT : DataType.DOUBLE;
    }

    /** DL4J and FastLstm twins with identical parameters (same keys, shapes and gate order: a plain copy). */
    private static ComputationGraph[] twins(DataType type, int tbpttFwd, int tbpttBack) {
        ComputationGraph dl4j = TestGraphs.twoLayer(false, type, N_IN, H, 6, 3, tbpttFwd, tbpttBack);
        ComputationGraph fast = TestGraphs.twoLayer(true, type, N_IN, H, 6, 3, tbpttFwd, tbpttBack);
        assertEquals(dl4j.numParams(), fast.numParams());
        for (String layer : new String[]{"lstm1", "lstm2", "out"}) {
            for (Map.Entry<String, INDArray> p : dl4j.getLayer(layer).paramTable().entrySet()) {
                assertEquals(java.util.Arrays.toString(p.getValue().shape()), java.util.Arrays.toString(fast.getLayer(layer).getParam(p.getKey()).shape()), p.getKey());
                fast.getLayer(layer).setParam(p.getKey(), p.getValue().dup());
            }
        }
        return new ComputationGraph[]{dl4j, fast};
    }

    /** Right-padded lengths T, 4, 1, 5. */
    private static INDArray rightPaddingMask(DataType type) {
        INDArray m = Nd4j.zeros(type, B, T);
        int[] len = {T, 4, 1, 5};
        for (int b = 0; b < B; b++) m.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, len[b])).assign(1);
        return m;
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void forwardAndBackwardMatchDl4jLstmWithAndWithoutMask(Precision p) {
        DataType type = type(p);
        Nd4j.getRandom().setSeed(7);
        ComputationGraph[] nets = twins(type, 0, 0);
        nets[0].initGradientsView();
        nets[1].initGradientsView();
        for (INDArray mask : new INDArray[]{null, rightPaddingMask(type)}) {
            Layer a = nets[0].getLayer("lstm1"), b = nets[1].getLayer("lstm1");
            sameForwardAndBackward(a, b, type, B, T, mask);
        }
    }

    /**
     * Batches of whole sentences change shape at every step: FastLstm then works in views of the
     * storage it allocated for a larger shape, and must read nothing a larger batch left there.
     */
    @Test
    void smallerBatchesAfterALargerOneMatchDl4j() {
        Nd4j.getRandom().setSeed(5);
        ComputationGraph[] nets = twins(DataType.DOUBLE, 0, 0);
        nets[0].initGradientsView();
        nets[1].initGradientsView();
        Layer a = nets[0].getLayer("lstm1"), b = nets[1].getLayer("lstm1");
        for (int[] shape : new int[][]{{B, T}, {B, 3}, {2, T}, {B, T + 2}, {3, 2}})
            sameForwardAndBackward(a, b, DataType.DOUBLE, shape[0], shape[1], null);
    }

    /**
     * With input dropout the layer hands its input gradient over as a contiguous copy for the mask's
     * multiply: at a keep probability of 1 (mask all ones) every gradient is the one without dropout.
     */
    @Test
    void inputDropoutThatKeepsEverythingLeavesTheGradientsAsTheyWere() {
        INDArray[] gradients = new INDArray[2];
        for (int i = 0; i < 2; i++) {
            boolean dropout = i == 1;
            ComputationGraph net = TestGraphs.twoLayer((nIn, nOut) -> {
                FastLstm.Builder b = new FastLstm.Builder().nIn(nIn).nOut(nOut).dataFormat(org.deeplearning4j.nn.conf.RNNFormat.NCW);
                return dropout ? b.dropOut(1.0).build() : b.build();
            }, DataType.DOUBLE, N_IN, H, 6, 3, 0, 0);
            Nd4j.getRandom().setSeed(3);
            INDArray x = Nd4j.randn(DataType.DOUBLE, B, N_IN, T);
            net.setInputs(x);
            net.setLabels(oneHot(DataType.DOUBLE, B, 3, T));
            net.setLayerMaskArrays(new INDArray[]{rightPaddingMask(DataType.DOUBLE)}, new INDArray[]{rightPaddingMask(DataType.DOUBLE)});
            net.computeGradientAndScore();
            gradients[i] = net.getGradientsViewArray().dup();
        }
        assertTrue(gradients[0].amaxNumber().doubleValue() > 0);
        assertEquals(gradients[0], gradients[1]);
    }

    private static void sameForwardAndBackward(Layer a, Layer b, DataType type, int batch, int steps, INDArray mask) {
        INDArray x = Nd4j.randn(type, batch, N_IN, steps);
        INDArray eps = Nd4j.randn(type, batch, H, steps); // non-zero at padded steps too
        a.setMaskArray(mask);
        b.setMaskArray(mask);
        INDArray outA = a.activate(x.dup(), true, LayerWorkspaceMgr.noWorkspaces()).dup();
        INDArray outB = b.activate(x.dup(), true, LayerWorkspaceMgr.noWorkspaces()).dup();
        assertTrue(maxRelDiff(outA, outB) < TOL, "output differs: " + maxRelDiff(outA, outB) + " mask=" + (mask != null));

        Pair<Gradient, INDArray> ga = a.backpropGradient(eps.dup(), LayerWorkspaceMgr.noWorkspaces());
        Pair<Gradient, INDArray> gb = b.backpropGradient(eps.dup(), LayerWorkspaceMgr.noWorkspaces());
        for (String key : new String[]{"W", "RW", "b"}) {
            double d = maxRelDiff(ga.getFirst().getGradientFor(key), gb.getFirst().getGradientFor(key));
            assertTrue(d < TOL, key + " gradient differs by " + d + " mask=" + (mask != null));
        }
        double d = maxRelDiff(ga.getSecond(), gb.getSecond());
        assertTrue(d < TOL, "input gradient differs by " + d + " mask=" + (mask != null));
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void graphOutputAndGradientsMatchWithLabelMask(Precision p) {
        DataType type = type(p);
        Nd4j.getRandom().setSeed(11);
        ComputationGraph[] nets = twins(type, 0, 0);
        INDArray x = Nd4j.randn(type, B, N_IN, T);
        INDArray labels = oneHot(type, B, 3, T);
        INDArray mask = rightPaddingMask(type);
        assertTrue(maxRelDiff(nets[0].output(x)[0], nets[1].output(x)[0]) < TOL);
        for (ComputationGraph n : nets) {
            n.setInputs(x);
            n.setLabels(labels);
            n.setLayerMaskArrays(new INDArray[]{mask}, new INDArray[]{mask});
            n.computeGradientAndScore();
        }
        assertEquals(nets[0].score(), nets[1].score(), 1e-5);
        double d = maxRelDiff(nets[0].getGradientsViewArray(), nets[1].getGradientsViewArray());
        assertTrue(d < TOL, "gradients differ by " + d);
    }

    @Test
    void rnnTimeStepStepByStepEqualsFullSequenceAndDl4j() {
        Nd4j.getRandom().setSeed(3);
        ComputationGraph[] nets = twins(DataType.FLOAT, 0, 0);
        INDArray x = Nd4j.randn(DataType.FLOAT, B, N_IN, T);
        INDArray full = nets[1].output(x)[0];
        for (ComputationGraph n : nets) n.rnnClearPreviousState();
        for (int t = 0; t < T; t++) {
            INDArray xt = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1));
            INDArray fast = nets[1].rnnTimeStep(xt)[0];
            INDArray dl4j = nets[0].rnnTimeStep(xt)[0];
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(t));
            assertTrue(maxRelDiff(fast.reshape(expected.shape()), expected) < TOL, "step " + t);
            assertTrue(maxRelDiff(fast, dl4j) < TOL, "step " + t + " vs DL4J");
        }
        // stored state: DL4J's keys and values
        for (String layer : new String[]{"lstm1", "lstm2"}) {
            Map<String, INDArray> sa = nets[0].rnnGetPreviousState(layer), sb = nets[1].rnnGetPreviousState(layer);
            assertEquals(sa.keySet(), sb.keySet());
            for (String k : sa.keySet()) assertTrue(maxRelDiff(sa.get(k), sb.get(k)) < TOL, layer + "/" + k);
        }
        // chunks of several steps continue from the stored state too; and state can be moved across
        nets[1].rnnClearPreviousState();
        INDArray first = nets[1].rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, 4)))[0];
        Map<String, INDArray> s1 = nets[1].rnnGetPreviousState("lstm1"), s2 = nets[1].rnnGetPreviousState("lstm2");
        nets[1].rnnClearPreviousState();
        nets[1].rnnSetPreviousState("lstm1", s1);
        nets[1].rnnSetPreviousState("lstm2", s2);
        INDArray rest = nets[1].rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(4, T)))[0];
        assertTrue(maxRelDiff(Nd4j.concat(2, first, rest), full) < TOL);
    }

    /** Pins down what "keep TBPTT state across fit() calls" means in DL4J 1.0.0-M2.1, for both layers. */
    @Test
    void dl4jClearsRecurrentStateAtTheStartOfEveryTbpttFit() {
        for (boolean fast : new boolean[]{false, true}) {
            Nd4j.getRandom().setSeed(9);
            DataSet d1 = new DataSet(Nd4j.randn(DataType.DOUBLE, B, N_IN, 8), oneHot(DataType.DOUBLE, B, 3, 8));
            DataSet d2 = new DataSet(Nd4j.randn(DataType.DOUBLE, B, N_IN, 8), oneHot(DataType.DOUBLE, B, 3, 8));
            ComputationGraph kept = TestGraphs.twoLayer(fast, DataType.DOUBLE, N_IN, H, 6, 3, 4, 4);
            ComputationGraph cleared = TestGraphs.twoLayer(fast, DataType.DOUBLE, N_IN, H, 6, 3, 4, 4);
            kept.setParams(cleared.params().dup());
            kept.setClearTbpttState(false);
            kept.fit(d1);
            kept.fit(d2);
            cleared.fit(d1);       // clears state at the end (default)
            cleared.fit(d2);
            assertEquals(0.0, maxRelDiff(kept.params(), cleared.params()), 1e-12,
                    "DL4J's doTruncatedBPTT calls rnnClearPreviousState() before the first segment (fast=" + fast + ")");
        }
    }

    static INDArray oneHot(DataType type, int batch, int classes, int steps) {
        INDArray y = Nd4j.zeros(type, batch, classes, steps);
        java.util.Random r = new java.util.Random(batch * 31L + steps);
        for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) y.putScalar(b, r.nextInt(classes), t, 1.0);
        return y;
    }
}
