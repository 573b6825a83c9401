package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastEmbedding;

import java.util.Map;

/**
 * A recurrent sentence classifier (the lecture's sentiment example): token ids → embedding → a
 * stack of recurrent layers read left to right → one vector for the sentence → softmax over the
 * classes. The sentence vector is the last real step's state ({@code pooling: last}, picked through
 * the input's mask, so padding is never read) or the max / mean over the real steps.
 *
 * <p>Input {@value #INPUT}: ids {@code [batch, time]} with a mask; output {@value #OUTPUT}: class
 * probabilities {@code [batch, classes]}; labels: class ids {@code [batch, 1]}.
 */
public final class RnnClassifier {
    public static final String INPUT = "tokens";
    public static final String OUTPUT = "label";

    private RnnClassifier() {}

    public static ComputationGraph build(ModelCard card, int vocabSize, int classes) {
        ZooGraph g = ZooGraph.start(card, Map.of(INPUT, 1));
        String embedded = g.layer("embed", FastEmbedding.create(vocabSize, card.getInt("embedding"), RNNFormat.NCW), INPUT);
        String states = LanguageModelGraph.plainStack(card, RecurrentCells.of(card)).add(g, embedded);
        int width = g.width(states);
        String sentence = switch (card.getString("pooling")) {
            // the input's mask marks each sentence's last real step
            case "last" -> g.vertex("sentence", new LastTimeStepVertex(INPUT), width, states);
            case "max" -> g.layer("sentence", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), width, states);
            case "mean" -> g.layer("sentence", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), width, states);
            default -> throw new ZooException("bad value for pooling: '" + card.getString("pooling") + "' (expected last, max or mean)");
        };
        OutputLayer.Builder out = new OutputLayer.Builder(new LossSparseMCXENT()).nIn(width).nOut(classes).activation(Activation.SOFTMAX);
        double dropout = card.getDouble("dropout");
        if (dropout > 0) out.dropOut(1.0 - dropout);   // DL4J takes the probability of keeping
        g.layer(OUTPUT, out.build(), sentence);
        return g.build(OUTPUT);
    }
}
