package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.rnnzoo.kernels.DoubleLstmKernel;

import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java residual add is DL4J's ElementWiseVertex(Add): the same outputs, score and gradients on a
 * residual stack of FastLstms (each add's input feeds both the next layer and the next add, so the
 * graph sums two gradients at every fork; the first add's shortcut is a c-ordered network input);
 * its gradients equal finite differences on a right-padded batch; it survives a checkpoint's JSON.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class FastAddVertexTest {
    private static final int B = 4, W = 5, CLASSES = 3;

    /** in (W wide) → rnn0; res0 = rnn0 + in → rnn1; res1 = rnn1 + res0 → rnn2; res2 = rnn2 + res1 → softmax. */
    private static ComputationGraph net(Supplier<GraphVertex> add, DataType type) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(5).dataType(type)
                .updater(new NoOp()).weightInit(new UniformDistribution(-0.8, 0.8)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(W));
        String x = "in";
        for (int i = 0; i < 3; i++) {
            g.addLayer("rnn" + i, new FastLstm.Builder().nIn(W).nOut(W).dataFormat(RNNFormat.NCW).build(), x);
            g.addVertex("res" + i, add.get(), "rnn" + i, x);
            x = "res" + i;
        }
        g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(W).nOut(CLASSES).dataFormat(RNNFormat.NCW).build(), x).setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static INDArray labels(DataType type, int steps) {
        INDArray labels = Nd4j.zeros(type, B, CLASSES, steps);
        for (int b = 0; b < B; b++) for (int t = 0; t < steps; t++) labels.putScalar(b, (b + 2 * t) % CLASSES, t, 1);
        return labels;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void givesDl4jsOutputsScoreAndGradients(DataType type) {
        ComputationGraph ours = net(FastAddVertex::new, type), theirs = net(() -> new ElementWiseVertex(ElementWiseVertex.Op.Add), type);
        assertEquals(theirs.params(), ours.params());
        Nd4j.getRandom().setSeed(11);
        INDArray in = Nd4j.rand(type, B, W, 7).subi(0.5), labels = labels(type, 7);
        double tolerance = type == DataType.FLOAT ? 1e-5 : 1e-12;
        assertEquals(0.0, theirs.output(in)[0].sub(ours.output(in)[0]).amaxNumber().doubleValue(), tolerance);
        for (ComputationGraph net : new ComputationGraph[]{ours, theirs}) {
            net.clear();
            net.setInputs(in);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        assertEquals(theirs.score(), ours.score(), tolerance);
        INDArray ga = ours.gradient().gradient(), gb = theirs.gradient().gradient();
        assertTrue(gb.amaxNumber().doubleValue() > 0.01);
        assertEquals(0.0, ga.sub(gb).amaxNumber().doubleValue(), tolerance * gb.amaxNumber().doubleValue());
    }

    @Test
    void gradientsMatchFiniteDifferencesOnAPaddedBatch() {
        ComputationGraph net = net(FastAddVertex::new, DataType.DOUBLE);
        int steps = 6;
        Nd4j.getRandom().setSeed(7);
        INDArray in = Nd4j.rand(DataType.DOUBLE, B, W, steps).subi(0.5).muli(2), labels = labels(DataType.DOUBLE, steps);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, B, steps);   // right padding: lengths steps, steps − 2, 1, steps
        mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(steps - 2, steps)).assign(0);
        mask.get(NDArrayIndex.point(2), NDArrayIndex.interval(1, steps)).assign(0);
        // each of the three FastLstms runs every example only up to its length, as in training
        boolean ok = DoubleLstmKernel.expectSkippedPadding(3, () -> RecurrentFixtures.gradientsMatchFiniteDifferences(net, in, labels, mask));
        assertTrue(ok, "gradient check failed");
    }

    @Test
    void survivesTheCheckpointsJson() {
        ComputationGraph net = net(FastAddVertex::new, DataType.FLOAT);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(new FastAddVertex(), back.getVertices().get("res1"));
    }
}
