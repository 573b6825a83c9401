package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-call reversal is DL4J's ReverseTimeSeriesVertex to the last bit: the same outputs and the
 * same gradients of a small LSTM → reversal → softmax graph on a batch of three lengths (and on a
 * mask with a hole, which goes DL4J's way), and it survives the JSON a checkpoint keeps.
 */
class ReverseWithinLengthVertexTest {
    private static ComputationGraph graph(GraphVertex reversal) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).graphBuilder()
                .addInputs("x")
                .addLayer("lstm", new LSTM.Builder().nIn(4).nOut(5).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build(), "x")
                .addVertex("reverse", reversal, "lstm")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(5).nOut(3).dataFormat(RNNFormat.NCW).build(), "reverse")
                .setOutputs("out").setInputTypes(InputType.recurrent(4)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void givesDl4jsOutputsAndGradients(boolean hole) {
        ComputationGraph ours = graph(new ReverseWithinLengthVertex("x")), theirs = graph(new ReverseTimeSeriesVertex("x"));
        assertEquals(theirs.params(), ours.params());
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 4, 6), labels = Nd4j.zeros(DataType.DOUBLE, 3, 3, 6);
        for (int i = 0; i < 3; i++) for (int t = 0; t < 6; t++) labels.putScalar(i, (i + t) % 3, t, 1);
        INDArray mask = Nd4j.createFromArray(new double[][]{{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0},
                hole ? new double[]{1, 0, 1, 0, 0, 0} : new double[]{1, 1, 0, 0, 0, 0}});
        INDArray a = ours.output(false, new INDArray[]{x}, new INDArray[]{mask})[0].dup();
        INDArray b = theirs.output(false, new INDArray[]{x}, new INDArray[]{mask})[0].dup();
        assertEquals(b, a);
        ours.clear();
        theirs.clear();
        for (ComputationGraph net : new ComputationGraph[]{ours, theirs}) {
            net.setInputs(x);
            net.setLabels(labels);
            net.setLayerMaskArrays(new INDArray[]{mask}, new INDArray[]{mask});
            net.computeGradientAndScore();
        }
        assertEquals(theirs.score(), ours.score(), 0);
        INDArray ga = ours.gradient().gradient(), gb = theirs.gradient().gradient();
        assertTrue(ga.sumNumber().doubleValue() != 0);
        assertEquals(gb, ga);
    }

    @Test
    void survivesTheCheckpointsJson() {
        ComputationGraph net = graph(new ReverseWithinLengthVertex("x"));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(new ReverseWithinLengthVertex("x"), back.getVertices().get("reverse"));
    }
}
