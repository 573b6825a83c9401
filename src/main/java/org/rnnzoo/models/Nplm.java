package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.layers.FastEmbedding;
import org.rnnzoo.layers.FusedSoftmaxOutput;

import java.util.Map;

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
        ZooGraph g = ZooGraph.start(card, Map.of(INPUT, context));
        g.layer("C", FastEmbedding.create(vocabSize, m, RNNFormat.NWC), INPUT);
        // [batch, n−1, m] in NWC order → x = [batch, (n−1)·m]: the concatenation of the context words' features
        g.vertex("x", new ReshapeVertex('c', new int[]{-1, context * m}, null), context * m, "C");
        g.layer("tanh", new DenseLayer.Builder().nIn(context * m).nOut(h).activation(Activation.TANH).build(), "x");
        // y = b + W·x + U·tanh(d + H·x) is one affine map of the concatenation [tanh(d + H·x), x]
        // with weights [U; W]: the direct connections cost no extra layer, and the softmax + loss
        // run fused over the vocabulary.
        String features = card.getBool("direct") ? g.vertex("tanh_x", new MergeVertex(), h + context * m, "tanh", "x") : "tanh";
        // Dropout (not in the paper, which used weight decay) on what the softmax reads: the output
        // matrix is most of the parameters, and without it the model overfits Brown after 4 epochs.
        g.layer(OUTPUT, FusedSoftmaxOutput.create(g.width(features), vocabSize, card.getDouble("dropout")), features);
        return g.build(OUTPUT);
    }
}
