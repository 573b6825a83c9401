package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.layers.FastEmbedding;

import java.util.Map;

/**
 * The bidirectional twin of {@link RnnTagger}: token ids → embedding → {@link BidirectionalEncoder}
 * → a softmax over the tags at every step, so each tag sees the words on both sides of its own
 * ("that" as determiner or conjunction depends on what follows). Same inputs, outputs and labels.
 */
public final class BiRnnTagger {
    public static final String INPUT = RnnTagger.INPUT;
    public static final String OUTPUT = RnnTagger.OUTPUT;

    private BiRnnTagger() {}

    public static ComputationGraph build(ModelCard card, int vocabSize, int tags) {
        ZooGraph g = ZooGraph.start(card, Map.of(INPUT, 1));
        String embedded = g.layer("embed", FastEmbedding.create(vocabSize, card.getInt("embedding"), RNNFormat.NCW), INPUT);
        String states = BidirectionalEncoder.add(g, card, embedded, INPUT);
        g.layer(OUTPUT, RnnTagger.tagSoftmax(card, g.width(states), tags), states);
        return g.build(OUTPUT);
    }
}
