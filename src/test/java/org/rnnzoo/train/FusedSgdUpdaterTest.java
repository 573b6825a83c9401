package org.rnnzoo.train;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.stepfunctions.DefaultStepFunction;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.layers.TestGraphs;
import org.rnnzoo.models.ModelRegistry;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused SGD update and the two-lane step change the speed of a step, not its numbers. */
class FusedSgdUpdaterTest {

    /** A stream of several TBPTT segments with a padded, masked tail; a small vocabulary so embedding rows repeat;
     *  five rows, so dividing by the batch is not exact (a power of two would hide a reordered divide and multiply). */
    private static MultiDataSet stream(int seed) {
        Random r = new Random(seed);
        int[] ids = new int[5 * 10 * 3 + 7];
        for (int i = 0; i < ids.length; i++) ids[i] = 4 + r.nextInt(20);
        return new BatchifiedTokenStream(ids, 5, Integer.MAX_VALUE).next();
    }

    private static ComputationGraph lstmLm(String optimizer) {
        return ModelRegistry.build("lstm-lm", 24, "hidden=16", "embedding=8", "layers=2", "batch=5", "bptt=10",
                "optimizer=" + optimizer, "lr=0.7");
    }

    /** The graph with the gradient of one batch of stream(1) computed (nothing applied yet). */
    private static ComputationGraph withGradient(ComputationGraph net) {
        MultiDataSet ds = stream(1);
        net.setInputs(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        return net;
    }

    @Test
    void theUpdateAndStepEqualDl4jsToTheBit() {
        ComputationGraph net = withGradient(lstmLm("sgd"));
        Gradient gradient = net.gradient();
        INDArray view = net.getFlattenedGradients(), raw = view.dup(), params = net.params().dup();
        INDArray flat = view.reshape(view.length());   // the optimizer hands the step a rank-1 array over the view
        // lr 0.3 and 0.7; with and without a clipping rescale (ND4J's muli on the gradient first)
        for (double[] c : new double[][]{{0.7, 1}, {0.3, 1}, {0.7, 0.37}}) {
            double lr = c[0], clip = c[1];
            net.setLearningRate(lr);
            view.assign(raw);
            if (clip != 1) view.muli(clip);
            new ComputationGraphUpdater(net).update(gradient, 3, 0, 5, LayerWorkspaceMgr.noWorkspaces());
            INDArray theirParams = params.dup();
            new NegativeGradientStepFunction().step(theirParams, flat);
            float[] theirUpdate = view.toFloatVector();

            view.assign(raw);
            FusedSgdUpdater ours = new FusedSgdUpdater(net);
            assertTrue(ours.covered());
            if (clip != 1) ours.scaleNextUpdate((float) clip);
            ours.update(gradient, 3, 0, 5, LayerWorkspaceMgr.noWorkspaces());
            INDArray ourParams = params.dup();
            new TwoLaneStep(ours).applyUpdate(new NegativeGradientStepFunction(), ourParams, flat, true);
            String what = "lr " + lr + " clip " + clip;
            assertArrayEquals(theirUpdate, view.toFloatVector(), 0f, "update " + what);
            assertArrayEquals(theirParams.toFloatVector(), ourParams.toFloatVector(), 0f, "params " + what);
            assertTrue(view.sub(raw).amaxNumber().doubleValue() > 0, "the update changed nothing");
            assertTrue(ourParams.sub(params).amaxNumber().doubleValue() > 0, "the step changed nothing");

            // a step taken by another step function gets the update settled in the view first
            view.assign(raw);
            if (clip != 1) ours.scaleNextUpdate((float) clip);
            ours.update(gradient, 3, 0, 5, LayerWorkspaceMgr.noWorkspaces());
            INDArray viaDl4j = params.dup();
            new TwoLaneStep(ours).applyUpdate(new DefaultStepFunction(), viaDl4j, flat, true);
            assertArrayEquals(theirUpdate, view.toFloatVector(), 0f, "settled update " + what);
            assertArrayEquals(params.add(flat).toFloatVector(), viaDl4j.toFloatVector(), 0f, "DefaultStepFunction " + what);
        }
    }

    @Test
    void trainingFollowsDl4jsAlsoAfterTheLearningRateChanges() {
        ComputationGraph dl4j = lstmLm("sgd"), fused = dl4j.clone();
        // clipping active (a small bound), so the listener's rescaling runs before the update as in training
        dl4j.setListeners(new GlobalNormClipping(0.5));
        fused.setListeners(new GlobalNormClipping(0.5));
        assertTrue(FusedUpdater.install(fused));
        assertInstanceOf(FusedSgdUpdater.class, fused.getUpdater());
        dl4j.fit(stream(1));
        fused.fit(stream(1));
        // Not to the bit: the Vector API's exp (softmax, gates) may round differently before and after JIT compilation.
        assertTrue(TestGraphs.maxRelDiff(dl4j.params(), fused.params()) < 1e-5, "params after 4 steps");
        assertTrue(dl4j.params().sub(lstmLm("sgd").params()).amaxNumber().doubleValue() > 0, "training moved nothing");

        // setLearningRate swaps in a fresh DL4J updater; the trainer installs again, and the new rate is read
        dl4j.setLearningRate(0.3);
        fused.setLearningRate(0.3);
        assertFalse(fused.getUpdater() instanceof FusedSgdUpdater);
        assertTrue(FusedUpdater.install(fused));
        dl4j.fit(stream(2));
        fused.fit(stream(2));
        assertTrue(TestGraphs.maxRelDiff(dl4j.params(), fused.params()) < 1e-5, "params after the learning-rate change");
    }

    @Test
    void anUpdateThatNoStepAppliedIsAnErrorNotASilentSkip() {
        ComputationGraph net = withGradient(lstmLm("sgd"));
        FusedSgdUpdater ours = new FusedSgdUpdater(net);
        ours.update(net.gradient(), 1, 0, 5, LayerWorkspaceMgr.noWorkspaces());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ours.update(net.gradient(), 2, 0, 5, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("install"), e.getMessage());
    }

    @Test
    void neverTakesAdamAndLeavesRegularisedSgdToDl4j() {
        ComputationGraph adam = lstmLm("adam");
        FusedUpdater.install(adam);   // Adam's own fused pass (FusedAdamUpdaterTest), never SGD's
        assertFalse(adam.getUpdater() instanceof FusedSgdUpdater);

        ComputationGraph l2 = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .updater(new Sgd(0.1)).l2(1e-3).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(3).nOut(4).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).build(), "h")
                .setOutputs("out").build());
        l2.init();
        assertFalse(FusedUpdater.install(l2));
    }

    @Test
    void theStepSubtractsWhatDl4jsStepFunctionWouldAndLeavesOthersToThem() {
        INDArray params = Nd4j.rand(DataType.FLOAT, 1, 5003), update = Nd4j.rand(DataType.FLOAT, 1, 5003);
        INDArray expected = params.sub(update), p = params.dup();
        new TwoLaneStep().applyUpdate(new NegativeGradientStepFunction(), p, update, true);
        assertArrayEquals(expected.toFloatVector(), p.toFloatVector(), 0f);

        INDArray q = params.dup();   // DL4J's DefaultStepFunction adds: handed to it unchanged
        new TwoLaneStep().applyUpdate(new DefaultStepFunction(), q, update, true);
        assertArrayEquals(params.add(update).toFloatVector(), q.toFloatVector(), 0f);
        assertFalse(new TwoLaneStep().hasAnything());
    }
}
