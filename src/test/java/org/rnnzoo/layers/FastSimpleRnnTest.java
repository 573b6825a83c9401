package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

import java.io.File;
import java.nio.file.Files;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;
import static org.rnnzoo.layers.RecurrentFixtures.*;

/** FastSimpleRnn is DL4J's SimpleRnn (tanh), computed differently. */
class FastSimpleRnnTest {

    private static SimpleRnn dl4j() {
        return new SimpleRnn.Builder().nIn(N_IN).nOut(HIDDEN).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
    }

    private static SimpleRnn fast() {
        return new FastSimpleRnn.Builder().nIn(N_IN).nOut(HIDDEN).dataFormat(RNNFormat.NCW).build();
    }

    @Test
    void scoreGradientsAndOutputsEqualDl4jsSimpleRnn() {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT})
            for (boolean masked : new boolean[]{false, true}) {
                double tol = type == DataType.DOUBLE ? 1e-10 : 1e-5;
                String what = type + (masked ? " masked" : "");
                ComputationGraph ours = graph(fast(), type, new NoOp(), BackpropType.Standard, 0, 0);
                ComputationGraph theirs = graph(dl4j(), type, new NoOp(), BackpropType.Standard, 0, 0);
                assertEquals(theirs.params(), ours.params(), "same initialisation");
                sameRandomParams(ours, theirs, 1);
                MultiDataSet ds = data(type, 7, masked, 2);
                for (ComputationGraph g : new ComputationGraph[]{ours, theirs}) {
                    g.setInputs(ds.getFeatures());
                    g.setLabels(ds.getLabels());
                    g.setLayerMaskArrays(ds.getFeaturesMaskArrays(), ds.getLabelsMaskArrays());
                    g.computeGradientAndScore();
                }
                assertEquals(theirs.score(), ours.score(), tol * Math.abs(theirs.score()), "score " + what);
                assertClose(theirs.getGradientsViewArray().dup(), ours.getGradientsViewArray().dup(), tol, "gradients " + what);
                INDArray[] m = masked ? ds.getFeaturesMaskArrays() : null;
                ours.clearLayerMaskArrays();
                theirs.clearLayerMaskArrays();
                // SimpleRnn receives the mask in a graph too: outputs agree everywhere, padding included
                assertClose(theirs.output(false, ds.getFeatures(), m)[0], ours.output(false, ds.getFeatures(), m)[0], tol, "outputs " + what);
            }
    }

    @Test
    void rnnTimeStepReproducesTheFullSequence() {
        ComputationGraph ours = graph(fast(), DataType.DOUBLE, new NoOp(), BackpropType.Standard, 0, 0);
        ComputationGraph theirs = graph(dl4j(), DataType.DOUBLE, new NoOp(), BackpropType.Standard, 0, 0);
        sameRandomParams(ours, theirs, 6);
        int t = 6;
        INDArray x = input(DataType.DOUBLE, t, 7);
        INDArray full = ours.output(x)[0];
        ours.rnnClearPreviousState();
        theirs.rnnClearPreviousState();
        for (int s = 0; s < t; s++) {
            INDArray xs = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s, s + 1));
            INDArray o = ours.rnnTimeStep(xs)[0];
            INDArray expected = full.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(s, s + 1));
            assertClose(expected, o.reshape(expected.shape()), 1e-12, "step " + s);
            assertClose(theirs.rnnTimeStep(xs)[0], o, 1e-12, "step " + s + " vs DL4J");
        }
        Map<String, INDArray> so = ours.rnnGetPreviousState("rnn"), sd = theirs.rnnGetPreviousState("rnn");
        assertEquals(sd.keySet(), so.keySet());
        for (String k : sd.keySet()) assertClose(sd.get(k), so.get(k), 1e-12, "state " + k);
    }

    @Test
    void passesDl4jsGradientCheck() {
        for (boolean masked : new boolean[]{false, true}) {
            ComputationGraph g = graph(fast(), DataType.DOUBLE, new NoOp(), BackpropType.Standard, 0, 0);
            MultiDataSet ds = data(DataType.DOUBLE, 5, masked, 10);
            // set just before the check: building graphs/data resets the context type
            org.nd4j.linalg.api.buffer.util.DataTypeUtil.setDTypeForContext(DataType.DOUBLE);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
                    .inputs(ds.getFeatures()).labels(ds.getLabels())
                    .inputMask(ds.getFeaturesMaskArrays()).labelMask(ds.getLabelsMaskArrays())
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8));
            assertTrue(ok, "gradient check, masked=" + masked);
        }
    }

    /**
     * DL4J's SimpleRnn (M2.1) restarts from a zero state inside tbpttBackpropGradient, so its TBPTT
     * gradients are not those of its own forward pass; ours are, which finite differences show.
     */
    @Test
    void gradientsFromAStoredTbpttStateMatchFiniteDifferences() {
        ComputationGraph ours = graph(fast(), DataType.DOUBLE, new NoOp(), BackpropType.Standard, 0, 0);
        ours.initGradientsView();
        INDArray x = input(DataType.DOUBLE, 4, 12);
        Nd4j.getRandom().setSeed(13);
        Map<String, INDArray> state = Map.of(org.deeplearning4j.nn.layers.recurrent.SimpleRnn.STATE_KEY_PREV_ACTIVATION,
                Nd4j.rand(DataType.DOUBLE, BATCH, HIDDEN).subi(0.5).muli(1.5));
        INDArray r = Nd4j.rand(DataType.DOUBLE, BATCH, HIDDEN, 4).subi(0.5);
        checkGradientFromStoredState(ours.getLayer("rnn"), x, state, r);
    }

    @Test
    void truncatedBpttCarriesTheStateAcrossSegments() {
        // the forward pass of TBPTT training equals the full-sequence forward pass: the score of each segment
        // after training with lr 0 is the score of that slice of the full sequence with the state carried
        ComputationGraph tbptt = graph(fast(), DataType.DOUBLE, new Sgd(0), BackpropType.TruncatedBPTT, 3, 3);
        ComputationGraph full = graph(fast(), DataType.DOUBLE, new Sgd(0), BackpropType.Standard, 0, 0);
        full.setParams(tbptt.params().dup());
        MultiDataSet ds = data(DataType.DOUBLE, 9, false, 3);
        tbptt.fit(ds);
        // last segment's score = full-sequence loss restricted to steps 6..8 (per example)
        full.rnnClearPreviousState();
        INDArray out = full.output(ds.getFeatures(0))[0];
        INDArray y = ds.getLabels(0);
        double nll = 0;
        for (int b = 0; b < BATCH; b++)
            for (int s = 6; s < 9; s++)
                for (int k = 0; k < CLASSES; k++)
                    if (y.getDouble(b, k, s) == 1) nll -= Math.log(out.getDouble(b, k, s));
        assertEquals(nll / BATCH, tbptt.score(), 1e-10);
    }

    @Test
    void survivesACheckpointRoundTrip() throws Exception {
        ComputationGraph g = graph(fast(), DataType.FLOAT, new Sgd(1), BackpropType.Standard, 0, 0);
        g.fit(data(DataType.FLOAT, 8, false, 14));
        File f = Files.createTempFile("fastrnn", ".zip").toFile();
        try {
            ModelSerializer.writeModel(g, f, true);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
            assertInstanceOf(FastSimpleRnnLayer.class, back.getLayer("rnn"));
            assertEquals(g.getConfiguration(), back.getConfiguration());
            INDArray x = input(DataType.FLOAT, 6, 15);
            assertEquals(g.output(x)[0], back.output(x)[0]);
        } finally {
            f.delete();
        }
    }
}
