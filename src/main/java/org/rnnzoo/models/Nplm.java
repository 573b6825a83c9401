package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.layers.FastEmbedding;
import org.rnnzoo.layers.FusedSoftmaxOutput;

/**
 * Bengio, Ducharme, Vincent &amp; Jauvin (2003), "A Neural Probabilistic Language Model":
 * the n−1 previous words share one embedding table C (m features each), are concatenated into x,
 * and y = b + W·x + U·tanh(d + H·x) gives softmax(y) over the vocabulary. W are the paper's
 * optional "direct connections" from the embeddings to the output ({@code direct: true}).
 *
 * <p>Input {@value #INPUT}: context ids {@code [batch, n−1]}; output {@value #OUTPUT}:
 * probabilities {@code [batch, vocab]}; labels: next-word ids {@code [batch, 1]}.
 */
public final class Nplm {
    public static final String INPUT = "context";
    public static final String OUTPUT = "next";

    private Nplm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        int context = card.getInt("context"), m = card.getInt("embedding"), h = card.getInt("hidden");
        double scale = card.getDouble("init_scale");
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(card.getLong("seed"))
                .updater(LanguageModelGraph.updater(card))
                .weightInit(new UniformDistribution(-scale, scale))
                .graphBuilder()
                .addInputs(INPUT)
                .addLayer("C", FastEmbedding.create(vocabSize, m, RNNFormat.NWC), INPUT)
                // [batch, n−1, m] in NWC order → x = [batch, (n−1)·m]: the concatenation of the context words' features
                .addVertex("x", new ReshapeVertex('c', new int[]{-1, context * m}, null), "C")
                .addLayer("tanh", new DenseLayer.Builder().nIn(context * m).nOut(h).activation(Activation.TANH).build(), "x");
        // y = b + W·x + U·tanh(d + H·x) is one affine map of the concatenation [tanh(d + H·x), x]
        // with weights [U; W]: the direct connections cost no extra layer, and the softmax + loss
        // run fused over the vocabulary.
        String features = "tanh";
        int nIn = h;
        if (card.getBool("direct")) {
            g.addVertex("tanh_x", new MergeVertex(), "tanh", "x");
            features = "tanh_x";
            nIn = h + context * m;
        }
        // Dropout (not in the paper, which used weight decay) on what the softmax reads: the output
        // matrix is most of the parameters, and without it the model overfits Brown after 4 epochs.
        g.addLayer(OUTPUT, FusedSoftmaxOutput.create(nIn, vocabSize, card.getDouble("dropout")), features).setOutputs(OUTPUT);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}
