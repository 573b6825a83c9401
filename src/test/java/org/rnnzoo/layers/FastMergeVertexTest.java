package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java merge is DL4J's MergeVertex: the same outputs and gradients of a graph that joins a
 * FastLstm's output (a permuted view of its time-major storage) with a plain c-ordered input, and
 * it survives a checkpoint's JSON.
 */
class FastMergeVertexTest {
    private static ComputationGraph graph(GraphVertex merge, DataType type) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(type).graphBuilder()
                .addInputs("x", "y")
                .addLayer("lstm", new FastLstm.Builder().nIn(4).nOut(5).dataFormat(RNNFormat.NCW).build(), "x")
                .addVertex("merge", merge, "lstm", "y")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(8).nOut(3).dataFormat(RNNFormat.NCW).build(), "merge")
                .setOutputs("out").setInputTypes(InputType.recurrent(4), InputType.recurrent(3)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void givesDl4jsOutputsAndGradients(DataType type) {
        ComputationGraph ours = graph(new FastMergeVertex(), type), theirs = graph(new MergeVertex(), type);
        assertEquals(theirs.params(), ours.params());
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(type, 3, 4, 6), y = Nd4j.rand(type, 3, 3, 6), labels = Nd4j.zeros(type, 3, 3, 6);
        for (int i = 0; i < 3; i++) for (int t = 0; t < 6; t++) labels.putScalar(i, (i + t) % 3, t, 1);
        assertEquals(theirs.output(x, y)[0], ours.output(x, y)[0]);
        for (ComputationGraph net : new ComputationGraph[]{ours, theirs}) {
            net.clear();
            net.setInputs(x, y);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        assertEquals(theirs.score(), ours.score(), 0);
        INDArray ga = ours.gradient().gradient(), gb = theirs.gradient().gradient();
        assertTrue(ga.amaxNumber().doubleValue() > 0);
        assertEquals(gb, ga);
    }

    @Test
    void survivesTheCheckpointsJson() {
        ComputationGraph net = graph(new FastMergeVertex(), DataType.FLOAT);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(new FastMergeVertex(), back.getVertices().get("merge"));
    }
}
