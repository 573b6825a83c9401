package org.rnnzoo.layers;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
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
import org.rnnzoo.common.ZooException;
import org.rnnzoo.kernels.DoubleLstmKernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SequenceDense is DL4J's dense layer between the RNN → feed-forward and feed-forward → RNN
 * preprocessors (the attentional layer h~_t = tanh(W_c [c_t; h_t] + b) of Seq2SeqAttention): the same
 * parameters after the same seed, outputs, score and gradients on a padded batch, where its input is
 * a join of a FastLstm's output (a permuted view of time-major storage) and a plain input; and its
 * gradients match finite differences.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class SequenceDenseTest {
    /** 12 examples × 6 steps: 72 rows, so the products are split over two lanes. */
    private static final int[] LENGTHS = {6, 2, 4, 1, 5, 6, 3, 6, 2, 5, 1, 4};
    private static final int B = LENGTHS.length, T = 6, X = 4, Y = 3, H = 5, OUT = 7, CLASSES = 3;

    /** x → FastLstm, joined with y, → the dense layer (ours, or DL4J's between the preprocessors) → softmax. */
    private static ComputationGraph graph(boolean ours, DataType type, Activation activation) {
        Layer dense = ours ? SequenceDense.create(H + Y, OUT, activation)
                : new DenseLayer.Builder().nIn(H + Y).nOut(OUT).activation(activation).build();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(3).dataType(type).updater(new NoOp())
                .weightInit(new UniformDistribution(-0.5, 0.5)).graphBuilder()
                .addInputs("x", "y")
                .addLayer("lstm", new FastLstm.Builder().nIn(X).nOut(H).dataFormat(RNNFormat.NCW).build(), "x")
                .addVertex("merge", new FastMergeVertex(), "lstm", "y")
                .addLayer("dense", dense, "merge")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                        .nIn(OUT).nOut(CLASSES).dataFormat(RNNFormat.NCW).build(), "dense")
                .setOutputs("out");
        if (!ours) {
            g.inputPreProcessor("dense", new RnnToFeedForwardPreProcessor(RNNFormat.NCW));
            g.inputPreProcessor("out", new FeedForwardToRnnPreProcessor(RNNFormat.NCW));
        }
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static INDArray mask(DataType type) {
        INDArray m = Nd4j.zeros(type, B, T);
        for (int b = 0; b < B; b++) m.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, LENGTHS[b])).assign(1);
        return m;
    }

    /** x, y, one-hot labels. */
    private static INDArray[] batch(DataType type) {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(type, B, X, T).subi(0.5).muli(2), y = Nd4j.rand(type, B, Y, T).subi(0.5).muli(2);
        INDArray labels = Nd4j.zeros(type, B, CLASSES, T);
        for (int b = 0; b < B; b++) for (int t = 0; t < T; t++) labels.putScalar(b, (b + 2 * t) % CLASSES, t, 1);
        return new INDArray[]{x, y, labels};
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void givesDl4jsDenseLayerBetweenThePreprocessors(DataType type) {
        for (Activation activation : new Activation[]{Activation.TANH, Activation.IDENTITY}) {
            ComputationGraph ours = graph(true, type, activation), theirs = graph(false, type, activation);
            assertEquals(theirs.params(), ours.params(), "same parameter layout and initialisation");
            INDArray[] d = batch(type);
            for (INDArray m : new INDArray[]{mask(type), halfMask(type)}) {
            double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
            for (ComputationGraph net : new ComputationGraph[]{ours, theirs}) {
                net.clear();
                net.setLayerMaskArrays(new INDArray[]{m, m}, new INDArray[]{m});
            }
            INDArray out = ours.output(false, new INDArray[]{d[0], d[1]}, new INDArray[]{m, m}, new INDArray[]{m})[0];
            INDArray ref = theirs.output(false, new INDArray[]{d[0], d[1]}, new INDArray[]{m, m}, new INDArray[]{m})[0];
            assertTrue(ref.equalsWithEps(out, tol), activation + " outputs differ:\n" + out + "\n" + ref);
            for (ComputationGraph net : new ComputationGraph[]{ours, theirs}) {
                net.clear();
                net.setInputs(d[0], d[1]);
                net.setLabels(d[2]);
                net.setLayerMaskArrays(new INDArray[]{m, m}, new INDArray[]{m});
                net.computeGradientAndScore();
            }
            assertEquals(theirs.score(), ours.score(), tol * Math.abs(theirs.score()));
            INDArray ga = ours.gradient().gradient(), gb = theirs.gradient().gradient();
            assertTrue(gb.amaxNumber().doubleValue() > 0);
            assertTrue(gb.equalsWithEps(ga, tol), activation + " gradients differ, max |Δ| " + ga.sub(gb).amaxNumber());
            // the dense layer's own gradient is part of what was compared, and is not zero
            assertTrue(ours.getLayer("dense").getGradientsViewArray().amaxNumber().doubleValue() > 0);
            }
        }
    }

    /** {@link #mask} with a weight of 0.5 on every third real step: DL4J scales by the mask, it does not just test it. */
    private static INDArray halfMask(DataType type) {
        INDArray m = mask(type);
        for (int b = 0; b < B; b++) for (int t = 0; t < LENGTHS[b]; t++) if ((b + t) % 3 == 0) m.putScalar(b, t, 0.5);
        return m;
    }

    @Test
    void refusesALayerNormItWouldNotApply() {
        SequenceDense dense = SequenceDense.create(4, 3, Activation.TANH);
        dense.setHasLayerNorm(true);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().graphBuilder().addInputs("x")
                .addLayer("dense", dense, "x").setOutputs("dense").build();
        ZooException e = assertThrows(ZooException.class, () -> new ComputationGraph(conf).init());
        assertTrue(e.getMessage().contains("hasLayerNorm=true"), e.getMessage());
    }

    @Test
    void gradientsMatchFiniteDifferencesOnAPaddedBatch() {
        ComputationGraph net = graph(true, DataType.DOUBLE, Activation.TANH);
        INDArray[] d = batch(DataType.DOUBLE);
        INDArray m = mask(DataType.DOUBLE);
        // the FastLstm runs each example only up to its length, as in training
        boolean ok = DoubleLstmKernel.expectSkippedPadding(1, () -> GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[]{d[0], d[1]}).labels(new INDArray[]{d[2]})
                .inputMask(new INDArray[]{m, m}).labelMask(new INDArray[]{m})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)));
        assertTrue(ok, "gradient check failed");
    }

    @Test
    void aMaskedStepOutputsZeroWhateverItsInput() {
        ComputationGraph net = graph(true, DataType.FLOAT, Activation.TANH);
        INDArray[] d = batch(DataType.FLOAT);
        INDArray m = mask(DataType.FLOAT);
        net.setLayerMaskArrays(new INDArray[]{m, m}, null);
        INDArray dense = net.feedForward(new INDArray[]{d[0], d[1]}, false, false).get("dense");
        assertEquals(B, dense.size(0));
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
                for (int j = 0; j < OUT; j++)
                    if (t >= LENGTHS[b]) assertEquals(0f, dense.getFloat(b, j, t), 0f);
        assertTrue(dense.amaxNumber().doubleValue() > 0);
    }

    @Test
    void survivesTheCheckpointsJson() {
        ComputationGraph net = graph(true, DataType.FLOAT, Activation.TANH);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        assertEquals(net.getConfiguration().getVertices().get("dense"), back.getVertices().get("dense"));
        assertTrue(((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("dense")).getLayerConf().getLayer() instanceof SequenceDense);
    }

    @Test
    void refusesAnActivationItCannotDifferentiateFromItsOutput() {
        assertThrows(ZooException.class, () -> SequenceDense.create(4, 3, Activation.RELU));
    }
}
