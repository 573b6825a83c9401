package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ReshapeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

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
                .addLayer("C", new EmbeddingSequenceLayer.Builder().nIn(vocabSize).nOut(m)
                        .outputDataFormat(RNNFormat.NWC).build(), INPUT)
                // [batch, n−1, m] in NWC order → x = [batch, (n−1)·m]: the concatenation of the context words' features
                .addVertex("x", new ReshapeVertex('c', new int[]{-1, context * m}, null), "C")
                .addLayer("tanh", new DenseLayer.Builder().nIn(context * m).nOut(h).activation(Activation.TANH).build(), "x")
                .addLayer("U", new DenseLayer.Builder().nIn(h).nOut(vocabSize).activation(Activation.IDENTITY).build(), "tanh");
        String logits = "U";
        if (card.getBool("direct")) {
            g.addLayer("W", new DenseLayer.Builder().nIn(context * m).nOut(vocabSize).hasBias(false)
                    .activation(Activation.IDENTITY).build(), "x");
            g.addVertex("y", new ElementWiseVertex(ElementWiseVertex.Op.Add), "U", "W");
            logits = "y";
        }
        g.addLayer("softmax", new ActivationLayer.Builder().activation(Activation.SOFTMAX).build(), logits)
                .addLayer(OUTPUT, new LossLayer.Builder(new LossSparseMCXENT()).activation(Activation.IDENTITY).build(), "softmax")
                .setOutputs(OUTPUT);
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }
}
