package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.ZooException;
import org.rnnzoo.layers.FastEmbedding;
import org.rnnzoo.layers.FusedSoftmaxOutput;
import org.rnnzoo.kernels.Switches;

import java.util.function.BiFunction;

/**
 * The shape every recurrent LM in the zoo shares: token ids → embedding → a stack of recurrent
 * layers → softmax over the vocabulary. The architecture files ({@link RnnLm}, {@link LstmLm})
 * supply only the recurrent layer.
 *
 * <p>Graph inputs/outputs: input {@value #INPUT} holds ids {@code [batch, time]}; output
 * {@value #OUTPUT} gives probabilities {@code [batch, vocab, time]}; labels are integer ids
 * {@code [batch, 1, time]} (sparse cross-entropy: a one-hot [batch, 10k, time] label array costs
 * more memory traffic than the LSTM itself).
 */
final class LanguageModelGraph {
    static final String INPUT = "tokens";
    static final String OUTPUT = "next";

    /**
     * DL4J's workspace mode, ENABLED (its default) unless {@code -Drnnzoo.workspaces=none}: a switch
     * for measuring what workspaces give (docs/performance.md#switches), not a setting.
     */
    private static final WorkspaceMode WORKSPACES =
            Switches.NO_WORKSPACES ? WorkspaceMode.NONE : WorkspaceMode.ENABLED;

    private LanguageModelGraph() {}

    /** @param recurrent (nIn, nOut) → the recurrent layer for one level of the stack */
    static ComputationGraph build(ModelCard card, int vocabSize, BiFunction<Integer, Integer, Layer> recurrent) {
        int emb = card.getInt("embedding"), hidden = card.getInt("hidden"), layers = card.getInt("layers");
        double dropout = card.getDouble("dropout");
        double scale = card.getDouble("init_scale");
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(card.getLong("seed"))
                .updater(updater(card))
                // Zaremba et al. 2014 initialise every weight uniformly in [-0.1, 0.1].
                .weightInit(new UniformDistribution(-scale, scale))
                .trainingWorkspaceMode(WORKSPACES)
                .inferenceWorkspaceMode(WORKSPACES)
                .graphBuilder()
                .addInputs(INPUT);
        // NCW must be explicit, or RnnOutputLayer sees mismatched sequence lengths (docs/dl4j-notes.md#ncw).
        g.addLayer("embed", FastEmbedding.create(vocabSize, emb, RNNFormat.NCW), INPUT);
        String prev = "embed";
        int nIn = emb;
        for (int i = 0; i < layers; i++) {
            Layer rnn = recurrent.apply(nIn, hidden);
            // Dropout only on non-recurrent connections (Zaremba et al. 2014, sec. 3).
            // DL4J's Dropout takes the probability of *keeping* an activation.
            if (dropout > 0) rnn.setIDropout(new Dropout(1.0 - dropout));
            g.addLayer("rnn" + i, rnn, prev);
            prev = "rnn" + i;
            nIn = hidden;
        }
        g.addLayer(OUTPUT, outputLayer(card.getString("output"), hidden, vocabSize, dropout), prev).setOutputs(OUTPUT);
        // The trainer fits a whole epoch's batchified stream at once; DL4J cuts it into segments of
        // bptt steps, carrying the hidden state forward and stopping gradients at each boundary.
        int bptt = card.getInt("bptt");
        g.backpropType(BackpropType.TruncatedBPTT).tBPTTForwardLength(bptt).tBPTTBackwardLength(bptt);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * {@code fused}: our softmax + sparse cross-entropy in a few large ops (same numbers, several
     * times faster at 10k words); {@code dl4j}: DL4J's RnnOutputLayer, kept for comparison.
     */
    static Layer outputLayer(String kind, int nIn, int vocabSize, double dropout) {
        return switch (kind) {
            case "fused" -> FusedSoftmaxOutput.create(nIn, vocabSize, dropout);
            case "dl4j" -> {
                RnnOutputLayer.Builder out = new RnnOutputLayer.Builder(new LossSparseMCXENT())
                        .nIn(nIn).nOut(vocabSize).activation(Activation.SOFTMAX).dataFormat(RNNFormat.NCW);
                if (dropout > 0) out.dropOut(1.0 - dropout);
                yield out.build();
            }
            default -> throw new ZooException("bad value for output: '" + kind + "' (expected fused or dl4j)");
        };
    }

    static IUpdater updater(ModelCard card) {
        double lr = card.getDouble("lr");
        return switch (card.getString("optimizer")) {
            case "sgd" -> new Sgd(lr);
            case "adam" -> new Adam(lr);
            default -> throw new ZooException("bad value for optimizer: '" + card.getString("optimizer") + "' (expected sgd or adam)");
        };
    }
}
