package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small graphs (dense sequence input → recurrent layer → softmax) and data shared by the layer tests. */
final class RecurrentFixtures {
    static final int N_IN = 3, HIDDEN = 5, CLASSES = 4, BATCH = 3;

    private RecurrentFixtures() {}

    static ComputationGraph graph(org.deeplearning4j.nn.conf.layers.Layer rnn, DataType type, IUpdater updater,
                                  BackpropType backprop, int fwdLength, int backLength) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(42).dataType(type)
                .updater(updater).weightInit(new UniformDistribution(-0.5, 0.5))
                .graphBuilder().addInputs("in")
                .addLayer("rnn", rnn, "in")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(HIDDEN).nOut(CLASSES).dataFormat(RNNFormat.NCW).build(), "rnn")
                .setOutputs("out").backpropType(backprop);
        if (backprop == BackpropType.TruncatedBPTT) g.tBPTTForwardLength(fwdLength).tBPTTBackwardLength(backLength);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /** Two graphs with identical, random (not just initialised) parameters. */
    static void sameRandomParams(ComputationGraph a, ComputationGraph b, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.rand(a.params().dataType(), a.params().shape()).subi(0.5).muli(1.2);
        a.setParams(p);
        b.setParams(p.dup());
    }

    static INDArray input(DataType type, int t, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, BATCH, N_IN, t).subi(0.5).muli(2);
    }

    /**
     * A graph with one input and one output: its gradients against finite differences, the mask on
     * both its input and its labels (DL4J's GradientCheckUtil at the tolerances the vertex tests use).
     */
    static boolean gradientsMatchFiniteDifferences(ComputationGraph net, INDArray in, INDArray labels, INDArray mask) {
        return org.deeplearning4j.gradientcheck.GradientCheckUtil.checkGradients(
                new org.deeplearning4j.gradientcheck.GradientCheckUtil.GraphConfig().net(net)
                        .inputs(new INDArray[]{in}).labels(new INDArray[]{labels})
                        .inputMask(new INDArray[]{mask}).labelMask(new INDArray[]{mask})
                        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
    }

    /** Right padding: example 0 has length t-2, example 2 length t-1, example 1 is full. */
    static INDArray rightPaddedMask(DataType type, int t) {
        INDArray m = Nd4j.ones(type, BATCH, t);
        for (int s = t - 2; s < t; s++) m.putScalar(0, s, 0);
        m.putScalar(2, t - 1, 0);
        return m;
    }

    static MultiDataSet data(DataType type, int t, boolean masked, long seed) {
        INDArray x = input(type, t, seed);
        INDArray y = Nd4j.zeros(type, BATCH, CLASSES, t);
        Random r = new Random(seed);
        for (int b = 0; b < BATCH; b++) for (int s = 0; s < t; s++) y.putScalar(b, r.nextInt(CLASSES), s, 1.0);
        INDArray m = masked ? rightPaddedMask(type, t) : null;
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{y}, masked ? new INDArray[]{m} : null, masked ? new INDArray[]{m} : null);
    }

    static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        if (expected.length() == expected.size(-1) && actual.length() == actual.size(-1)) {   // gradient vectors: [1, n] or [n]
            expected = expected.reshape(expected.length());
            actual = actual.reshape(actual.length());
        }
        assertTrue(java.util.Arrays.equals(expected.shape(), actual.shape()), what + ": shapes " + expected.shapeInfoToString() + " vs " + actual.shapeInfoToString());
        double d = maxAbsDiff(expected, actual);
        assertTrue(d <= tol, what + ": max |difference| " + d + " > " + tol);
    }

    /**
     * Finite-difference check of a recurrent layer's parameter gradients on a TBPTT segment that
     * starts from a given stored state: loss = Σ out ⊙ R, out from rnnActivateUsingStoredState.
     * @return the analytic gradient (flattened, layer order)
     */
    static INDArray checkGradientFromStoredState(Layer layer, INDArray x, Map<String, INDArray> state, INDArray r) {
        RecurrentLayer rl = (RecurrentLayer) layer;
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        rl.rnnSetPreviousState(state);
        rl.rnnSetTBPTTState(state);
        layer.setInput(x, mgr);
        rl.rnnActivateUsingStoredState(x, true, true, mgr);
        INDArray analytic = rl.tbpttBackpropGradient(r, (int) x.size(2), mgr).getFirst().gradient().dup();

        INDArray params = layer.params();   // a view: perturbing it perturbs the layer
        double eps = 1e-6;
        for (int i = 0; i < params.length(); i++) {
            double v = params.getDouble(i);
            params.putScalar(i, v + eps);
            double plus = storedStateLoss(rl, layer, x, state, r);
            params.putScalar(i, v - eps);
            double minus = storedStateLoss(rl, layer, x, state, r);
            params.putScalar(i, v);
            double numeric = (plus - minus) / (2 * eps), a = analytic.getDouble(i);
            double rel = Math.abs(numeric - a) / Math.max(1e-8, Math.abs(numeric) + Math.abs(a));
            assertTrue(rel < 1e-5 || Math.abs(numeric - a) < 1e-9,
                    "parameter " + i + ": analytic " + a + " vs numeric " + numeric);
        }
        return analytic;
    }

    private static double storedStateLoss(RecurrentLayer rl, Layer layer, INDArray x, Map<String, INDArray> state, INDArray r) {
        rl.rnnSetTBPTTState(state);
        layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
        return rl.rnnActivateUsingStoredState(x, true, false, LayerWorkspaceMgr.noWorkspaces()).mul(r).sumNumber().doubleValue();
    }
}
