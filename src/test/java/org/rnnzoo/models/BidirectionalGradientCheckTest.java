package org.rnnzoo.models;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.kernels.DoubleLstmKernel;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bidirectional graphs (two stacks, the mask-aware reversals, concat / sum, the pooling heads,
 * the seq2seq encoders' summaries) have correct gradients on a padded, masked batch: analytic =
 * finite differences, double precision.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.rnnzoo.DoublePrecision.class)
class BidirectionalGradientCheckTest {
    private static final int VOCAB = 9, CLASSES = 3, B = 5;
    private static final int[] LENGTHS = {5, 3, 1, 4, 2};   // B ≥ 4: FastLstm's two lanes split the batch
    private static ComputationGraph doubleNet(String model, String... overrides) {
        ModelCard card = ModelRegistry.card(model).withAll(List.of(overrides)).withAll(List.of(
                "embedding=3", "hidden=4", "init_scale=0.5", "dropout=0", "optimizer=sgd", "lr=1.0"));
        ComputationGraph net = ModelRegistry.build(card, Map.of("tokens", VOCAB, "labels", CLASSES, "source", VOCAB, "target", VOCAB));
        ComputationGraph dbl = net.convertDataType(DataType.DOUBLE);
        dbl.getConfiguration().setDataType(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(3);   // non-zero biases: padding read by mistake would change the loss
        dbl.setParams(Nd4j.rand(DataType.DOUBLE, dbl.params().shape()).subi(0.5));
        return dbl;
    }

    private static INDArray[] idsAndMask() {
        Random r = new Random(5);
        int t = 5;
        INDArray ids = Nd4j.zeros(DataType.DOUBLE, B, t), mask = Nd4j.zeros(DataType.DOUBLE, B, t);
        for (int b = 0; b < B; b++)
            for (int s = 0; s < LENGTHS[b]; s++) {
                ids.putScalar(b, s, 4 + r.nextInt(VOCAB - 4));
                mask.putScalar(b, s, 1);
            }
        return new INDArray[]{ids, mask};
    }

    private static boolean check(ComputationGraph net, int skipping, INDArray ids, INDArray labels, INDArray inputMask, INDArray labelMask) {
        return check(net, skipping, new INDArray[]{ids}, labels, new INDArray[]{inputMask}, labelMask);
    }

    /**
     * {@code skipping}: how many FastLstm layers must run each example only up to its length (the path
     * training takes; the forward stack and, after the reversal within each length, the backward one).
     */
    private static boolean check(ComputationGraph net, int skipping, INDArray[] inputs, INDArray labels, INDArray[] inputMasks, INDArray labelMask) {
        return DoubleLstmKernel.expectSkippedPadding(skipping, () -> GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(inputs).labels(new INDArray[]{labels})
                .inputMask(inputMasks).labelMask(labelMask == null ? null : new INDArray[]{labelMask})
                .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)));
    }

    /** Both directions of every layer, when the cell is FastLstm. */
    private static int lstmLayers(String cell, int layers) {
        return cell.equals("lstm") ? 2 * layers : 0;
    }

    @ParameterizedTest(name = "birnn-sentiment cell={0} combine={1} pooling={2} layers={3}")
    @CsvSource({"lstm,concat,max,1", "lstm,sum,last,1", "rnn,concat,mean,1", "rnn,concat,last,2"})
    void classifierGradientsMatchFiniteDifferencesOnAMaskedBatch(String cell, String combine, String pooling, int layers) {
        ComputationGraph net = doubleNet("birnn-sentiment", "cell=" + cell, "combine=" + combine, "pooling=" + pooling, "layers=" + layers);
        INDArray[] x = idsAndMask();
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, B, 1);
        for (int b = 0; b < B; b++) labels.putScalar(b, 0, b % CLASSES);
        assertTrue(check(net, lstmLayers(cell, layers), x[0], labels, x[1], null), "gradient check failed");
    }

    @ParameterizedTest(name = "birnn-tagger cell={0} combine={1} layers={2}")
    @CsvSource({"lstm,concat,1", "lstm,sum,2", "rnn,concat,1"})
    void taggerGradientsMatchFiniteDifferencesOnAMaskedBatch(String cell, String combine, int layers) {
        ComputationGraph net = doubleNet("birnn-tagger", "cell=" + cell, "combine=" + combine, "layers=" + layers);
        INDArray[] x = idsAndMask();
        INDArray tags = Nd4j.zeros(DataType.DOUBLE, B, 1, x[0].size(1));
        for (int b = 0; b < B; b++)
            for (int t = 0; t < x[0].size(1); t++) tags.putScalar(b, 0, t, (b + t) % CLASSES);
        assertTrue(check(net, lstmLayers(cell, layers), x[0], tags, x[1], x[1]), "gradient check failed");
    }

    // thought=ends reads the forward stack at each source's last real step and the backward stack at its first
    // word (the backward stack's own last step): both through the source mask, over sources of lengths 1-5;
    // thought=none: the source reaches the decoder's loss through attention alone; bridge=state: the summary
    // reaches it through the decoder's initial state only (W_b, b_b, and the encoder's gradient through them)
    @ParameterizedTest(name = "{0} encoder=bi combine={1} thought={2} bridge={3}")
    @CsvSource({"seq2seq,concat,ends,input", "seq2seq-attention,sum,ends,input", "seq2seq-attention,concat,none,input",
            "seq2seq,concat,ends,state", "seq2seq-attention,sum,ends,state"})
    void seq2seqGradientsMatchFiniteDifferencesOnAMaskedBatch(String model, String combine, String thought, String bridge) {
        ComputationGraph net = doubleNet(model, "encoder=bi", "combine=" + combine, "thought=" + thought, "bridge=" + bridge);
        INDArray[] source = idsAndMask();
        int[] targetLengths = {2, 4, 1, 3, 2};
        int t = 4;
        INDArray previous = Nd4j.zeros(DataType.DOUBLE, B, 1, t), next = Nd4j.zeros(DataType.DOUBLE, B, 1, t),
                targetMask = Nd4j.zeros(DataType.DOUBLE, B, t);
        for (int b = 0; b < B; b++)
            for (int s = 0; s < targetLengths[b]; s++) {
                previous.putScalar(b, 0, s, 1 + (b + s) % (VOCAB - 1));
                next.putScalar(b, 0, s, 1 + (b + 2 * s) % (VOCAB - 1));
                targetMask.putScalar(b, s, 1);
            }
        // the encoder's two directions and the decoder (the cards' cell: lstm, one layer)
        assertTrue(check(net, 3, new INDArray[]{source[0], previous}, next, new INDArray[]{source[1], targetMask}, targetMask),
                "gradient check failed");
    }
}
