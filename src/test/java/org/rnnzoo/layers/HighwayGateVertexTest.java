package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused highway connection y = x + σ(W_T·x + b_T)⊙(H − x): analytic gradients of its parameters
 * and of all its inputs (each input is a small recurrent layer's output, so the check reaches them)
 * equal finite differences on a right-padded batch, with x carried and with a separate carried input;
 * a case worked by hand; the configuration survives the JSON a checkpoint keeps.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class HighwayGateVertexTest {
    private static final int B = 4, FEATURES = 3, WIDTH = 4, CLASSES = 3;

    /** in → rnnX (x, {@code inputWidth} wide) → rnnH (H(x)) [and rnnC (the carried input)] → highway → softmax. */
    private static ComputationGraph net(int inputWidth, double gateBias) {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.DOUBLE)
                .updater(new NoOp()).weightInit(new UniformDistribution(-0.8, 0.8)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.recurrent(FEATURES))
                .addLayer("rnnX", rnn(FEATURES, inputWidth), "in")
                .addLayer("rnnH", rnn(inputWidth, WIDTH), "rnnX");
        HighwayGateVertex gate = new HighwayGateVertex(inputWidth, WIDTH, gateBias);
        if (gate.carriesProjection()) g.addLayer("rnnC", rnn(inputWidth, WIDTH), "rnnX").addVertex("highway", gate, "rnnX", "rnnH", "rnnC");
        else g.addVertex("highway", gate, "rnnX", "rnnH");
        g.addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(WIDTH).nOut(CLASSES).dataFormat(RNNFormat.NCW).build(), "highway").setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static SimpleRnn rnn(int nIn, int nOut) {
        return new SimpleRnn.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
    }

    /**
     * @param steps 20 steps × 4 examples = 80 rows: the gate's products split over two lanes; 5 steps: one lane
     */
    @ParameterizedTest(name = "inputWidth={0} steps={1} gateBias={2}")
    @CsvSource({"4, 5, -2.0", "3, 5, -1.0", "4, 20, 0.5", "5, 20, -2.0"})
    void gradientsMatchFiniteDifferencesOnAPaddedBatch(int inputWidth, int steps, double gateBias) {
        ComputationGraph net = net(inputWidth, gateBias);
        assertEquals(gateBias, net.getVertex("highway").paramTable(false).get("b").getDouble(0, 1), 0.0, "b_T starts at the gate bias");
        Nd4j.getRandom().setSeed(7);
        INDArray in = Nd4j.rand(DataType.DOUBLE, B, FEATURES, steps).subi(0.5).muli(2), labels = Nd4j.zeros(DataType.DOUBLE, B, CLASSES, steps);
        for (int b = 0; b < B; b++) for (int t = 0; t < steps; t++) labels.putScalar(b, (b + 2 * t) % CLASSES, t, 1);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, B, steps);   // right padding: lengths steps, steps − 2, 1, steps
        mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(steps - 2, steps)).assign(0);
        mask.get(NDArrayIndex.point(2), NDArrayIndex.interval(1, steps)).assign(0);
        boolean ok = RecurrentFixtures.gradientsMatchFiniteDifferences(net, in, labels, mask);
        assertTrue(ok, "gradient check failed: inputWidth=" + inputWidth + " steps=" + steps + " gateBias=" + gateBias);
    }

    /**
     * One network called with 80 rows (two lanes), 15, 80 again and 9 (one lane), some padded: each
     * call's score and gradients are those of a fresh network with the same parameters, so buffers
     * kept between calls are resized and refilled, never read stale.
     */
    @ParameterizedTest(name = "inputWidth={0}")
    @CsvSource({"4", "5"})
    void rowCountsChangingBetweenCallsGiveAFreshNetworksGradients(int inputWidth) {
        ComputationGraph reused = net(inputWidth, -1.0);
        int[][] shapes = {{B, 20}, {3, 5}, {B, 20}, {B - 1, 3}};
        for (int[] shape : shapes) {
            int batch = shape[0], steps = shape[1];
            Nd4j.getRandom().setSeed(steps);
            INDArray in = Nd4j.rand(DataType.DOUBLE, batch, FEATURES, steps).subi(0.5), labels = Nd4j.zeros(DataType.DOUBLE, batch, CLASSES, steps);
            for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) labels.putScalar(b, (b + t) % CLASSES, t, 1);
            INDArray mask = steps > 5 ? Nd4j.ones(DataType.DOUBLE, batch, steps) : null;
            if (mask != null) mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(steps / 2, steps)).assign(0);
            ComputationGraph fresh = net(inputWidth, -1.0);   // the same seed: the same parameters (the updater is NoOp)
            double[] score = new double[2];
            INDArray[] grads = new INDArray[2];
            int i = 0;
            for (ComputationGraph n : new ComputationGraph[]{reused, fresh}) {
                n.setInputs(in);
                n.setLabels(labels);
                n.setLayerMaskArrays(mask == null ? null : new INDArray[]{mask}, mask == null ? null : new INDArray[]{mask});
                n.computeGradientAndScore();
                score[i] = n.score();
                grads[i++] = n.gradient().gradient().dup();
                n.clearLayerMaskArrays();
            }
            assertEquals(score[1], score[0], 1e-12, "score, " + batch + "×" + steps);
            assertEquals(0.0, grads[1].sub(grads[0]).amaxNumber().doubleValue(), 1e-12, "gradients, " + batch + "×" + steps);
        }
    }

    @Test
    void workedByHand() {
        // W_T = 0, b_T = ln 3: T = 3/4 everywhere, y = x + 3/4 (H − x) = (x + 3H)/4
        ComputationGraph net = net(WIDTH, Math.log(3));
        net.getVertex("highway").paramTable(false).get("W").assign(0);
        Nd4j.getRandom().setSeed(3);
        INDArray in = Nd4j.rand(DataType.DOUBLE, B, FEATURES, 3);
        var acts = net.feedForward(new INDArray[]{in}, false, false);
        INDArray x = acts.get("rnnX"), h = acts.get("rnnH"), y = acts.get("highway");
        INDArray want = x.add(h.mul(3)).divi(4);
        assertEquals(0.0, y.sub(want).amaxNumber().doubleValue(), 1e-12);
        assertNotEquals(0.0, h.sub(x).amaxNumber().doubleValue(), "x and H differ, so the gate's value shows");
    }

    @Test
    void theConfigurationSurvivesJson() {   // how a checkpoint stores it
        ComputationGraphConfiguration conf = net(3, -2.0).getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf.getVertices().get("highway"), back.getVertices().get("highway"));
        HighwayGateVertex v = (HighwayGateVertex) back.getVertices().get("highway");
        assertEquals(-2.0, v.getGateBias());
        assertEquals(new org.deeplearning4j.nn.weights.WeightInitDistribution(new UniformDistribution(-0.8, 0.8)), v.getWeightInit(),
                "the network's weight init, as a dense gate would take it");
    }
}
