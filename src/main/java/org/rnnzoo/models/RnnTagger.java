package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.layers.FastEmbedding;

import java.util.Map;

/**
 * A recurrent tagger read left to right: token ids → embedding → a stack of recurrent layers →
 * a softmax over the tags at every step. Each tag sees only the words up to its own; the
 * bidirectional tagger of the lecture adds the words after it.
 *
 * <p>Input {@value #INPUT}: ids {@code [batch, time]} with a mask; output {@value #OUTPUT}: tag
 * probabilities {@code [batch, tags, time]}; labels: tag ids {@code [batch, 1, time]} with the same mask.
 */
public final class RnnTagger {
    public static final String INPUT = "tokens";
    public static final String OUTPUT = "tags";

    private RnnTagger() {}

    public static ComputationGraph build(ModelCard card, int vocabSize, int tags) {
        ZooGraph g = ZooGraph.start(card, Map.of(INPUT, 1));
        String embedded = g.layer("embed", FastEmbedding.create(vocabSize, card.getInt("embedding"), RNNFormat.NCW), INPUT);
        String states = LanguageModelGraph.plainStack(card, RecurrentCells.of(card)).add(g, embedded);
        g.layer(OUTPUT, tagSoftmax(card, g.width(states), tags), states);
        return g.build(OUTPUT);
    }

    /** The softmax over the tags at every step (sparse cross-entropy), with the card's dropout on its input. */
    static Layer tagSoftmax(ModelCard card, int nIn, int tags) {
        return LanguageModelGraph.outputLayer("dl4j", nIn, tags, card.getDouble("dropout"));   // DL4J's RnnOutputLayer, sparse labels
    }
}
