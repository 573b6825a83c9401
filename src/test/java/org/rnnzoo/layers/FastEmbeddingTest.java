package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FastEmbedding is DL4J's EmbeddingSequenceLayer with a faster backward pass: same configuration, same numbers. */
class FastEmbeddingTest {
    private static final int V = 7, E = 5, H = 6;     // a small vocabulary: every batch repeats tokens, rows accumulate

    private static Layer dl4j(RNNFormat format) {
        return new EmbeddingSequenceLayer.Builder().nIn(V).nOut(E).outputDataFormat(format).build();
    }

    /** ids [B, T] → embedding (NCW) → FastLstm → fused softmax over V, TBPTT of 4 steps, SGD. */
    private static ComputationGraph sequenceGraph(Layer embedding) {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.5)).weightInit(new NormalDistribution(0, 0.5))
                .graphBuilder().addInputs("in")
                .addLayer("emb", embedding, "in")
                .addLayer("lstm", new FastLstm.Builder().nIn(E).nOut(H).dataFormat(RNNFormat.NCW).build(), "emb")
                .addLayer("out", FusedSoftmaxOutput.create(H, V, 0), "lstm").setOutputs("out")
                .backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(4).tBPTTBackwardLength(4).build());
        g.init();
        return g;
    }

    /** NPLM's shape: a window of 3 ids → embedding (NWC) → concatenation → tanh → softmax. */
    private static ComputationGraph windowGraph(Layer embedding) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                .updater(new Sgd(0.5)).weightInit(new NormalDistribution(0, 0.5))
                .graphBuilder().addInputs("in")
                .addLayer("emb", embedding, "in")
                .addVertex("x", new ReshapeVertex('c', new int[]{-1, 3 * E}, null), "emb")
                .addLayer("tanh", new DenseLayer.Builder().nIn(3 * E).nOut(H).activation(Activation.TANH).build(), "x")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(H).nOut(V).build(), "tanh")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static INDArray ids(Random r, int b, int t) {
        INDArray x = Nd4j.create(DataType.FLOAT, b, t);
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) x.putScalar(i, j, r.nextInt(V));
        return x;
    }

    @Test
    void configuresWhatDl4jsBuilderConfigures() {
        for (RNNFormat f : RNNFormat.values())
            assertEquals(dl4j(f).toString(), FastEmbedding.create(V, E, f).toString(), f.toString());
    }

    @Test
    void sequenceGradientsAndTrainingStepsEqualDl4jsLayer() {
        ComputationGraph ours = sequenceGraph(FastEmbedding.create(V, E, RNNFormat.NCW)), theirs = sequenceGraph(dl4j(RNNFormat.NCW));
        theirs.setParams(ours.params().dup());
        Random r = new Random(9);
        for (int step = 0; step < 3; step++) {       // each fit is two TBPTT segments: the gradient view is rewritten, not accumulated
            INDArray x = ids(r, 3, 8).reshape(3, 1, 8), y = ids(r, 3, 8).reshape(3, 1, 8);   // as BatchifiedTokenStream: [B, 1, T]
            MultiDataSet ds = new MultiDataSet(new INDArray[]{x}, new INDArray[]{y});
            ours.fit(ds);
            theirs.fit(ds);
            assertTrue(TestGraphs.maxRelDiff(ours.getFlattenedGradients(), theirs.getFlattenedGradients()) < 1e-5, "gradients after step " + step);
            assertTrue(TestGraphs.maxRelDiff(ours.params(), theirs.params()) < 1e-5, "parameters after step " + step);
        }
        assertTrue(ours.getLayer("emb") instanceof FastEmbeddingLayer);
    }

    /**
     * A vocabulary larger than a batch, so the rows written change from step to step: under SGD the
     * layer zeroes only the rows of its last pass, under Adam (which writes its update into every row
     * of the gradient view) the whole view. Both must keep equal to DL4J's layer.
     */
    @Test
    void rowsWrittenByAnEarlierStepAreClearedUnderSgdAndAdam() {
        int vocab = 40;
        for (IUpdater updater : new IUpdater[]{new Sgd(0.5), new Adam(0.05)}) {
            ComputationGraph[] g = new ComputationGraph[2];
            for (int k = 0; k < 2; k++) {
                Layer emb = k == 0 ? FastEmbedding.create(vocab, E, RNNFormat.NCW)
                        : new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(E).outputDataFormat(RNNFormat.NCW).build();
                g[k] = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.FLOAT)
                        .updater(updater).weightInit(new NormalDistribution(0, 0.5))
                        .graphBuilder().addInputs("in")
                        .addLayer("emb", emb, "in")
                        .addLayer("lstm", new FastLstm.Builder().nIn(E).nOut(H).dataFormat(RNNFormat.NCW).build(), "emb")
                        .addLayer("out", FusedSoftmaxOutput.create(H, vocab, 0), "lstm").setOutputs("out").build());
                g[k].init();
            }
            g[1].setParams(g[0].params().dup());
            Random r = new Random(5);
            for (int step = 0; step < 4; step++) {
                INDArray x = Nd4j.create(DataType.FLOAT, 2, 1, 3), y = Nd4j.create(DataType.FLOAT, 2, 1, 3);
                for (int i = 0; i < 6; i++) {
                    x.putScalar(i, r.nextInt(vocab));
                    y.putScalar(i, r.nextInt(vocab));
                }
                MultiDataSet ds = new MultiDataSet(new INDArray[]{x}, new INDArray[]{y});
                g[0].fit(ds);
                g[1].fit(ds);
                assertTrue(TestGraphs.maxRelDiff(g[0].params(), g[1].params()) < 1e-5, updater + ": parameters after step " + step);
            }
        }
    }

    @Test
    void windowGradientsEqualDl4jsLayer() {
        ComputationGraph ours = windowGraph(FastEmbedding.create(V, E, RNNFormat.NWC)), theirs = windowGraph(dl4j(RNNFormat.NWC));
        theirs.setParams(ours.params().dup());
        Random r = new Random(4);
        INDArray x = ids(r, 11, 3), y = Nd4j.zeros(DataType.FLOAT, 11, V);
        for (int i = 0; i < 11; i++) y.putScalar(i, r.nextInt(V), 1);
        for (ComputationGraph g : new ComputationGraph[]{ours, theirs}) {
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        INDArray gOurs = ours.getGradientsViewArray(), gTheirs = theirs.getGradientsViewArray();
        assertTrue(gTheirs.norm2Number().doubleValue() > 0);
        assertTrue(TestGraphs.maxRelDiff(gOurs, gTheirs) < 1e-6, "gradients");
    }

    @Test
    void anOutOfRangeTokenIsAClearError() {
        ComputationGraph g = sequenceGraph(FastEmbedding.create(V, E, RNNFormat.NCW));
        INDArray x = Nd4j.create(DataType.FLOAT, 1, 4).assign(V);      // id V is one past the vocabulary
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> g.fit(new MultiDataSet(new INDArray[]{x}, new INDArray[]{x.reshape(1, 1, 4).dup().assign(0)})));
        assertTrue(String.valueOf(e.getMessage()).contains("ndex"), e.getMessage());
    }
}
