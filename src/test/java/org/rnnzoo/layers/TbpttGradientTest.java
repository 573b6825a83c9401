package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Truncated BPTT inside a ComputationGraph: the gradient DL4J applies for the second segment must
 * be the gradient of that segment's loss as a function of the parameters, with the segment starting
 * from the state the first segment ended in (held fixed: the truncation). Checked against central
 * finite differences of exactly that loss, in double precision.
 *
 * <p>DL4J 1.0.0-M2.1 calls {@code backpropGradient} (not {@code tbpttBackpropGradient}) for each
 * segment, and its own LSTM recomputes the forward pass there from a zero state; this test pins that
 * down for DL4J's LSTM too, so a DL4J upgrade that fixes it shows up here.
 */
class TbpttGradientTest {
    private static final int B = 5, N_IN = 4, H1 = 5, H2 = 4, C = 3, SEG = 4;   // B ≥ 4: FastLstm splits the examples over two lanes

    /** Largest |analytic − numeric| / max(1e-3, |analytic| + |numeric|) over a sample of parameters. */
    private static double secondSegmentGradientError(java.util.function.BiFunction<Integer, Integer, Layer> rnn) {
        Nd4j.getRandom().setSeed(11);
        ComputationGraph net = TestGraphs.twoLayer(rnn, DataType.DOUBLE, N_IN, H1, H2, C, SEG, SEG);
        ComputationGraph ref = net.clone();
        INDArray x = Nd4j.randn(DataType.DOUBLE, B, N_IN, 2 * SEG).muli(1.5);
        INDArray y = FastLstmEquivalenceTest.oneHot(DataType.DOUBLE, B, C, 2 * SEG);

        List<INDArray> grads = new ArrayList<>(), params = new ArrayList<>();
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void onGradientCalculation(Model m) {
                grads.add(m.getGradientsViewArray().dup());   // summed over the batch, before the update
                params.add(m.params().dup());
            }
        });
        // state at the end of segment 1, computed with the parameters segment 1 was run with
        ref.rnnTimeStep(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, SEG)));
        Map<String, INDArray> s1 = copy(ref.rnnGetPreviousState("lstm1")), s2 = copy(ref.rnnGetPreviousState("lstm2"));
        net.fit(new DataSet(x, y));
        if (grads.size() != 2) throw new AssertionError("expected 2 TBPTT segments, got " + grads.size());

        INDArray x2 = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(SEG, 2 * SEG)).dup();
        INDArray y2 = y.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(SEG, 2 * SEG)).dup();
        INDArray theta = params.get(1), g = grads.get(1);
        double worst = 0, eps = 1e-6;
        java.util.Random pick = new java.util.Random(3);
        for (int k = 0; k < 40; k++) {
            int j = pick.nextInt((int) theta.length());
            double plus = segmentLoss(ref, theta, j, eps, s1, s2, x2, y2), minus = segmentLoss(ref, theta, j, -eps, s1, s2, x2, y2);
            double numeric = (plus - minus) / (2 * eps), analytic = g.getDouble(j);
            worst = Math.max(worst, Math.abs(analytic - numeric) / Math.max(1e-3, Math.abs(analytic) + Math.abs(numeric)));
        }
        return worst;
    }

    /** Σ over batch and steps of −log p(label), segment 2 run from the fixed states, parameter j shifted by d. */
    private static double segmentLoss(ComputationGraph ref, INDArray theta, int j, double d,
                                      Map<String, INDArray> s1, Map<String, INDArray> s2, INDArray x2, INDArray y2) {
        INDArray p = theta.dup();
        p.putScalar(j, p.getDouble(j) + d);
        ref.setParams(p);
        ref.rnnSetPreviousState("lstm1", copy(s1));
        ref.rnnSetPreviousState("lstm2", copy(s2));
        INDArray out = ref.rnnTimeStep(x2)[0];
        return -Nd4j.math().log(out).mul(y2).sumNumber().doubleValue();
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> c = new java.util.HashMap<>();
        m.forEach((k, v) -> c.put(k, v.dup()));
        return c;
    }

    @Test
    void fastLstmBackPropagatesTheSegmentItActuallyRan() {
        double err = secondSegmentGradientError((i, o) -> TestGraphs.lstm(true, i, o));
        assertTrue(err < 1e-5, "FastLstm's second-segment gradient vs finite differences: relative error " + err);
    }

    @Test
    void fastSimpleRnnBackPropagatesTheSegmentItActuallyRan() {
        double err = secondSegmentGradientError((i, o) -> new FastSimpleRnn.Builder().nIn(i).nOut(o).dataFormat(RNNFormat.NCW).build());
        assertTrue(err < 1e-5, "FastSimpleRnn's second-segment gradient vs finite differences: relative error " + err);
    }

    @Test
    void dl4jsOwnLstmDoesNot() {
        double err = secondSegmentGradientError((i, o) -> TestGraphs.lstm(false, i, o));
        assertTrue(err > 1e-3, "DL4J's LSTM now matches finite differences (relative error " + err
                + "): the M2.1 TBPTT bug is gone, the workaround notes can go");
    }
}
