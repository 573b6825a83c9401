package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.kernels.VectorMath;

import java.io.File;
import java.nio.file.Files;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused layer is DL4J's RnnOutputLayer(softmax, sparse MCXENT), only faster: same numbers. */
class FusedSoftmaxOutputTest {
    private static final int V = 13, H = 6, B = 3, T = 5;
    private static final int BIG_B = 13, BIG_T = 7;    // 91 rows: the products split in two shares (TwoLanes), unevenly

    private static ComputationGraph graph(Layer out, DataType type) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new NoOp()).weightInit(new NormalDistribution(0, 0.5))
                .graphBuilder().addInputs("in")
                .addLayer("emb", new EmbeddingSequenceLayer.Builder().nIn(V).nOut(4).outputDataFormat(RNNFormat.NCW).build(), "in")
                .addLayer("lstm", new LSTM.Builder().nIn(4).nOut(H).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build(), "emb")
                .addLayer("out", out, "lstm").setOutputs("out")
                .backpropType(BackpropType.Standard).build());
        g.init();
        return g;
    }

    private static RnnOutputLayer dl4jOutput() {
        return new RnnOutputLayer.Builder(new LossSparseMCXENT()).nIn(H).nOut(V).activation(Activation.SOFTMAX)
                .dataFormat(RNNFormat.NCW).build();
    }

    private static MultiDataSet data(DataType type, boolean masked) {
        return data(type, masked, B, T);
    }

    private static MultiDataSet data(DataType type, boolean masked, int B, int T) {
        Random r = new Random(11);
        INDArray x = Nd4j.create(type, B, T), y = Nd4j.create(type, B, 1, T), m = Nd4j.ones(type, B, T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                x.putScalar(b, t, r.nextInt(V));
                y.putScalar(b, 0, t, r.nextInt(V));
            }
        if (masked) { m.putScalar(0, 4, 0); m.putScalar(0, 3, 0); m.putScalar(2, 4, 0); }
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{y}, null, masked ? new INDArray[]{m} : null);
    }

    @Test
    void scoreGradientsAndOutputsEqualDl4jsOwnLayer() {
        for (int[] shape : new int[][]{{B, T}, {BIG_B, BIG_T}})
            for (boolean masked : new boolean[]{false, true}) equalsDl4j(masked, shape[0], shape[1]);
    }

    private static void equalsDl4j(boolean masked, int B, int T) {
        {
            ComputationGraph ours = graph(FusedSoftmaxOutput.create(H, V, 0), DataType.FLOAT);
            ComputationGraph theirs = graph(dl4jOutput(), DataType.FLOAT);
            theirs.setParams(ours.params().dup());
            MultiDataSet ds = data(DataType.FLOAT, masked, B, T);
            for (ComputationGraph g : new ComputationGraph[]{ours, theirs}) {
                g.setInputs(ds.getFeatures());
                g.setLabels(ds.getLabels());
                g.setLayerMaskArrays(null, ds.getLabelsMaskArrays());
                g.computeGradientAndScore();
            }
            assertEquals(theirs.score(), ours.score(), 1e-5 * Math.abs(theirs.score()), "score, masked=" + masked);
            INDArray diff = ours.getFlattenedGradients().sub(theirs.getFlattenedGradients());
            double scale = theirs.getFlattenedGradients().norm2Number().doubleValue();
            assertTrue(diff.norm2Number().doubleValue() < 1e-5 * scale, "gradients, masked=" + masked + ": " + diff.norm2Number());
            // DL4J's output() would reuse the training label mask (zeroing those steps): clear it first
            ours.clearLayerMaskArrays();
            theirs.clearLayerMaskArrays();
            INDArray po = ours.output(ds.getFeatures(0))[0], pt = theirs.output(ds.getFeatures(0))[0];
            assertTrue(po.equalsWithEps(pt, 1e-6), "probabilities");
        }
    }

    @Test
    void theFewRowSamplingPathGivesTheSameProbabilities() {
        ComputationGraph ours = graph(FusedSoftmaxOutput.create(H, V, 0), DataType.FLOAT);
        ComputationGraph theirs = graph(dl4jOutput(), DataType.FLOAT);
        theirs.setParams(ours.params().dup());
        for (int t : new int[]{1, 3}) {      // 1 and 3 rows: the dot-product path; DL4J uses gemm
            INDArray x = Nd4j.create(new float[]{2, 7, 11}, new long[]{1, 3}, DataType.FLOAT).get(
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, t)).dup();
            assertTrue(ours.output(x)[0].equalsWithEps(theirs.output(x)[0], 1e-6), "t=" + t);
        }
        ours.rnnClearPreviousState();
        theirs.rnnClearPreviousState();
        INDArray step = Nd4j.create(new float[]{5}, new long[]{1, 1}, DataType.FLOAT);
        for (int i = 0; i < 3; i++)
            assertTrue(ours.rnnTimeStep(step)[0].equalsWithEps(theirs.rnnTimeStep(step)[0], 1e-6), "rnnTimeStep " + i);
    }

    /**
     * The layer caches its forward pass for the score DL4J asks for after backprop; the cache must
     * follow the labels and mask: other labels or a mask on the same input give their own score.
     */
    @Test
    void newLabelsOrMaskInvalidateTheCachedPass() {
        ComputationGraph ours = graph(FusedSoftmaxOutput.create(H, V, 0), DataType.FLOAT);
        ComputationGraph theirs = graph(dl4jOutput(), DataType.FLOAT);
        theirs.setParams(ours.params().dup());
        MultiDataSet plain = data(DataType.FLOAT, false), masked = data(DataType.FLOAT, true);
        INDArray otherLabels = plain.getLabels(0).dup();
        for (int b = 0; b < B; b++) otherLabels.putScalar(b, 0, 0, (otherLabels.getDouble(b, 0, 0) + 1) % V);
        INDArray h = Nd4j.randn(DataType.FLOAT, B, H, T);
        INDArray mask = masked.getLabelsMaskArray(0).reshape('f', B * T, 1);   // as ComputationGraph hands it over
        INDArray[][] labelsAndMask = {{plain.getLabels(0), null}, {otherLabels, null}, {otherLabels, mask}, {plain.getLabels(0), null}};
        org.deeplearning4j.nn.api.layers.IOutputLayer o = (org.deeplearning4j.nn.api.layers.IOutputLayer) ours.getLayer("out"),
                t = (org.deeplearning4j.nn.api.layers.IOutputLayer) theirs.getLayer("out");
        o.setInput(h, LayerWorkspaceMgr.noWorkspaces());      // the same input throughout
        double previous = Double.NaN;
        for (INDArray[] lm : labelsAndMask) {
            o.setLabels(lm[0]);
            o.setMaskArray(lm[1]);
            t.setInput(h, LayerWorkspaceMgr.noWorkspaces());
            t.setLabels(lm[0]);
            t.setMaskArray(lm[1]);
            double want = t.computeScore(0, true, LayerWorkspaceMgr.noWorkspaces());
            double got = o.computeScore(0, true, LayerWorkspaceMgr.noWorkspaces());
            assertEquals(want, got, 1e-5 * Math.abs(want), "masked=" + (lm[1] != null));
            assertNotEquals(previous, got, "each case has its own score");
            previous = got;
        }
    }

    @Test
    void passesDl4jsGradientCheckInDoublePrecision() {
        org.nd4j.linalg.api.buffer.util.DataTypeUtil.setDTypeForContext(DataType.DOUBLE);
        ComputationGraph g = graph(FusedSoftmaxOutput.create(H, V, 0), DataType.DOUBLE);
        MultiDataSet ds = data(DataType.DOUBLE, true);
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                .inputs(ds.getFeatures()).labels(ds.getLabels()).labelMask(ds.getLabelsMaskArrays())
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
        assertTrue(ok);
    }

    @Test
    void survivesACheckpointRoundTrip() throws Exception {
        ComputationGraph g = graph(FusedSoftmaxOutput.create(H, V, 0.2), DataType.FLOAT);
        File f = Files.createTempFile("fused", ".zip").toFile();
        ModelSerializer.writeModel(g, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        INDArray x = data(DataType.FLOAT, false).getFeatures(0);
        assertTrue(back.getLayer("out") instanceof FusedSoftmaxOutputLayer);
        assertEquals(g.output(x)[0], back.output(x)[0]);
        f.delete();
    }

    @Test
    void vectorisedSoftmaxMatchesTheScalarOne() {
        Random r = new Random(3);
        int rows = 7, cols = 1003;
        float[] a = new float[rows * cols];
        double[] d = new double[rows * cols];
        for (int i = 0; i < a.length; i++) { a[i] = (float) (r.nextGaussian() * 8); d[i] = a[i]; }
        VectorMath.softmaxRows(a, rows, cols);
        VectorMath.softmaxRows(d, rows, cols);
        for (int i = 0; i < a.length; i++) assertEquals(d[i], a[i], 1e-6 + 1e-5 * d[i]);
        assertTrue(VectorMath.vectorApi(), "tests run with --add-modules jdk.incubator.vector");
    }
}
