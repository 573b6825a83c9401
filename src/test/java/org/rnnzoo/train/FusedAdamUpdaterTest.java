package org.rnnzoo.train;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.stepfunctions.DefaultStepFunction;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.layers.TestGraphs;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused Adam update makes DL4J's Adam steps, on DL4J's own state, so checkpoints and resumes keep working. */
class FusedAdamUpdaterTest {
    private static final int VOCAB = 30, CLASSES = 3, BATCH = 5;

    private static ModelCard card(String model, String... overrides) {
        List<String> all = new ArrayList<>(List.of("optimizer=adam", "lr=0.01"));
        all.addAll(model.equals("birnn-sentiment") ? List.of("embedding=8", "hidden=16") : List.of("hidden=8", "embedding=4", "attention=6"));
        all.addAll(List.of(overrides));
        return ModelRegistry.card(model).withAll(all);
    }

    private static ComputationGraph build(String model, String... overrides) {
        Map<String, Integer> sizes = model.equals("birnn-sentiment") ? Map.of("tokens", VOCAB, "labels", CLASSES)
                : Map.of("source", VOCAB, "target", VOCAB + 2);
        return ModelRegistry.build(card(model, overrides), sizes);
    }

    /** A gradient for step {@code step}: normal values of a step-dependent size, every 7th zero (Adam divides by √v + ε there). */
    private static INDArray gradient(long n, int step) {
        Random r = new Random(100 + step);
        float[] g = new float[(int) n];
        float size = (float) Math.pow(10, -3 + step % 4);
        for (int i = 0; i < g.length; i++) g[i] = i % 7 == 0 ? 0f : (float) r.nextGaussian() * size;
        return Nd4j.create(g, new long[]{1, n}, 'c');
    }

    /**
     * Step by step against DL4J's updater and step function on the same gradients, from fresh moments:
     * the update, both moments and the parameters, with and without clipping's rescale, over early
     * iterations (strong bias correction) and a late one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"birnn-sentiment", "seq2seq-attention"})
    void everyStepEqualsDl4jsAdam(String model) {
        ComputationGraph net = build(model);
        net.initGradientsView();
        INDArray view = net.getFlattenedGradients(), flat = view.reshape(view.length());
        Gradient gradient = new DefaultGradient(view);
        ComputationGraphUpdater dl4j = new ComputationGraphUpdater(net);
        FusedAdamUpdater ours = new FusedAdamUpdater(net, null);
        assertTrue(ours.covered());
        INDArray theirParams = net.params().dup(), ourParams = theirParams.dup();
        int[] iterations = {0, 1, 2, 3, 4, 5, 1000};
        for (int k = 0; k < iterations.length; k++) {
            int t = iterations[k];
            float clip = k % 2 == 1 ? 0.37f : 1f;
            INDArray raw = gradient(view.length(), k);
            view.assign(raw);
            if (clip != 1f) view.muli(clip);
            dl4j.update(gradient, t, 0, BATCH, LayerWorkspaceMgr.noWorkspaces());
            new NegativeGradientStepFunction().step(theirParams, flat);
            float[] theirUpdate = view.toFloatVector();

            view.assign(raw);
            ours.scaleNextUpdate(clip);
            ours.update(gradient, t, 0, BATCH, LayerWorkspaceMgr.noWorkspaces());
            new TwoLaneStep(ours).applyUpdate(new NegativeGradientStepFunction(), ourParams, flat, true);
            String what = model + " iteration " + t + " clip " + clip;
            assertBitwise(theirUpdate, view.toFloatVector(), "update, " + what);
            assertBitwise(dl4j.getStateViewArray().toFloatVector(), ours.getStateViewArray().toFloatVector(), "moments, " + what);
            assertBitwise(theirParams.toFloatVector(), ourParams.toFloatVector(), "params, " + what);
        }
        assertTrue(ourParams.sub(net.params()).amaxNumber().doubleValue() > 1e-4, "the steps moved nothing");
    }

    /**
     * To the bit: the pass makes libnd4j's float operations in libnd4j's order (the M2.1 build does not
     * contract them into fused multiply-adds, or this would fail), and α_t from Java's pow, rounded to
     * float, equals the powf-based one at these iterations. The Vector API's mul, add, div and sqrt
     * round as the scalar ones, so its lanes and the scalar tails agree too.
     */
    private static void assertBitwise(float[] expected, float[] actual, String what) {
        assertArrayEquals(expected, actual, 0f, what);
    }

    /** A step taken by another step function gets the update settled in the gradient view first. */
    @Test
    void aStepElsewhereGetsTheSettledUpdate() {
        ComputationGraph net = build("birnn-sentiment");
        net.initGradientsView();
        INDArray view = net.getFlattenedGradients(), flat = view.reshape(view.length());
        Gradient gradient = new DefaultGradient(view);
        INDArray raw = gradient(view.length(), 1);
        view.assign(raw);
        new ComputationGraphUpdater(net).update(gradient, 0, 0, BATCH, LayerWorkspaceMgr.noWorkspaces());
        float[] theirs = view.toFloatVector();
        view.assign(raw);
        FusedAdamUpdater ours = new FusedAdamUpdater(net, null);
        ours.update(gradient, 0, 0, BATCH, LayerWorkspaceMgr.noWorkspaces());
        INDArray params = net.params().dup(), stepped = params.dup();
        new TwoLaneStep(ours).applyUpdate(new DefaultStepFunction(), stepped, flat, true);
        assertBitwise(theirs, view.toFloatVector(), "settled update");
        assertArrayEquals(params.add(flat).toFloatVector(), stepped.toFloatVector(), 0f, "DefaultStepFunction adds it");
    }

    /** Token ids of a few sentences of different lengths (padding masked), class ids as labels. */
    private static MultiDataSet sentences(int seed) {
        Random r = new Random(seed);
        int t = 7;
        INDArray x = Nd4j.zeros(DataType.FLOAT, BATCH, t), m = Nd4j.zeros(DataType.FLOAT, BATCH, t), y = Nd4j.zeros(DataType.FLOAT, BATCH, 1);
        for (int i = 0; i < BATCH; i++) {
            int len = 3 + r.nextInt(t - 2);
            for (int s = 0; s < len; s++) {
                x.putScalar(i, s, 2 + r.nextInt(VOCAB - 2));
                m.putScalar(i, s, 1);
            }
            y.putScalar(i, 0, r.nextInt(CLASSES));
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[]{x}, new INDArray[]{y}, new INDArray[]{m}, null);
    }

    /** fit() as the trainer runs it (clipping active), and the moments carried over when setLearningRate swaps the updater. */
    @Test
    void trainingFollowsDl4jsAdamAlsoAfterTheLearningRateChanges() {
        ComputationGraph dl4j = build("birnn-sentiment"), fused = dl4j.clone();
        dl4j.setListeners(new GlobalNormClipping(0.05));
        fused.setListeners(new GlobalNormClipping(0.05));
        assertTrue(FusedUpdater.install(fused));
        assertInstanceOf(FusedAdamUpdater.class, fused.getUpdater());
        for (int i = 0; i < 4; i++) {
            dl4j.fit(sentences(i));
            fused.fit(sentences(i));
        }
        // Not to the bit: the Vector API's exp (softmax, gates) may round differently before and after JIT compilation.
        assertTrue(TestGraphs.maxRelDiff(dl4j.params(), fused.params()) < 1e-5, "params after 4 steps");
        assertTrue(TestGraphs.maxRelDiff(dl4j.getUpdater().getStateViewArray(), fused.getUpdater().getStateViewArray()) < 1e-5, "moments");

        INDArray moments = fused.getUpdater().getStateViewArray().dup();
        assertTrue(moments.amaxNumber().doubleValue() > 0, "no moments were kept");
        dl4j.setLearningRate(0.003);
        fused.setLearningRate(0.003);
        assertFalse(fused.getUpdater() instanceof FusedUpdater);
        assertTrue(FusedUpdater.install(fused));
        assertArrayEquals(moments.toFloatVector(), fused.getUpdater().getStateViewArray().toFloatVector(), 0f, "moments carried over");
        for (int i = 4; i < 7; i++) {
            dl4j.fit(sentences(i));
            fused.fit(sentences(i));
        }
        assertTrue(TestGraphs.maxRelDiff(dl4j.params(), fused.params()) < 1e-5, "params after the learning-rate change");
    }

    /** Three steps of the graph's own installed updater and step on fixed gradients, at the graph's own iteration count. */
    private static void steps(ComputationGraph net, int from, int count) {
        FusedUpdater updater = (FusedUpdater) net.getUpdater();
        INDArray view = net.getFlattenedGradients(), flat = view.reshape(view.length());
        for (int k = from; k < from + count; k++) {
            view.assign(gradient(view.length(), k));
            int t = net.getIterationCount();
            updater.update(new DefaultGradient(view), t, 0, BATCH, LayerWorkspaceMgr.noWorkspaces());
            new TwoLaneStep(updater).applyUpdate(new NegativeGradientStepFunction(), net.params(), flat, true);
            net.getConfiguration().setIterationCount(t + 1);
        }
    }

    /** "A checkpoint resumed goes on as if never interrupted": to the bit, the moments and the iteration count saved with it. */
    @Test
    void aResumedCheckpointContinuesToTheBit(@TempDir Path tmp) {
        ComputationGraph straight = build("birnn-sentiment"), interrupted = straight.clone();
        assertTrue(FusedUpdater.install(straight));
        assertTrue(FusedUpdater.install(interrupted));
        steps(straight, 0, 6);
        steps(interrupted, 0, 3);
        Vocabularies vocabularies = new Vocabularies().labels(Vocabularies.LABELS, List.of("a", "b", "c"));
        Path file = tmp.resolve("epoch-1.zip");
        new Checkpoint(interrupted, card("birnn-sentiment"), "sentence-classification", vocabularies, Map.of()).save(file);

        ComputationGraph resumed = Checkpoint.load(file).net();
        assertEquals(3, resumed.getIterationCount());
        assertTrue(FusedUpdater.install(resumed));
        steps(resumed, 3, 3);
        assertArrayEquals(straight.params().toFloatVector(), resumed.params().toFloatVector(), 0f, "params");
        assertArrayEquals(straight.getUpdater().getStateViewArray().toFloatVector(),
                resumed.getUpdater().getStateViewArray().toFloatVector(), 0f, "moments");

        // the check can fail: a resume that lost the moments ends elsewhere
        ComputationGraph forgetful = Checkpoint.load(file).net();
        forgetful.getUpdater().getStateViewArray().assign(0);
        assertTrue(FusedUpdater.install(forgetful));
        steps(forgetful, 3, 3);
        assertNotEquals(0.0, straight.params().sub(forgetful.params()).amaxNumber().doubleValue());
    }

    /** A two-layer graph: Adam (or {@code hidden}'s updater on the hidden layer), l2, data type as given. */
    private static ComputationGraph small(DataType type, IUpdater hidden, double l2) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().dataType(type)
                .updater(new Adam(0.01)).l2(l2).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(3).nOut(4).updater(hidden).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).build(), "h")
                .setOutputs("out").build());
        net.init();
        return net;
    }

    @Test
    void leavesWhatItDoesNotCoverToDl4j() {
        assertTrue(FusedUpdater.install(small(DataType.FLOAT, new Adam(0.02, 0.8, 0.99, 1e-6), 0)),
                "Adam with its own hyper-parameters per block is covered");
        for (ComputationGraph net : List.of(small(DataType.FLOAT, new Adam(0.01), 1e-3), small(DataType.DOUBLE, new Adam(0.01), 0),
                small(DataType.FLOAT, new Sgd(0.1), 0), small(DataType.FLOAT, new Nadam(0.01), 0), small(DataType.FLOAT, new AdaMax(0.01), 0))) {
            assertFalse(FusedUpdater.install(net), "l2, double, a mixed graph or another Adam variant");
            assertFalse(net.getUpdater() instanceof FusedUpdater);
        }

        // KillAndResumeTest's lstm-lm trains with Adam: its kill-and-resume equality runs through this updater
        ComputationGraph lm = ModelRegistry.build("lstm-lm", 24, "hidden=16", "embedding=8", "batch=8", "bptt=10");
        assertTrue(FusedUpdater.install(lm));
        assertInstanceOf(FusedAdamUpdater.class, lm.getUpdater());

        ComputationGraph sgd = build("birnn-sentiment", "optimizer=sgd");
        assertTrue(FusedUpdater.install(sgd));
        assertInstanceOf(FusedSgdUpdater.class, sgd.getUpdater(), "plain SGD gets the SGD pass, not Adam's");
    }
}
