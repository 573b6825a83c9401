package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Densely connected recurrent language model: embedding → {@code depth} recurrent layers (LSTM or
 * vanilla RNN), each reading the embedding and every earlier layer's output → softmax over all of
 * them. Every layer, and the loss, has a one-hop path to every other, so no gradient has to pass
 * through the whole stack to reach the bottom.
 */
public final class DenseLm {
    private DenseLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, body(card));
    }

    static LanguageModelGraph.Body body(ModelCard card) {
        int hidden = card.getInt("hidden"), depth = LanguageModelGraph.depth(card);
        double dropout = card.getDouble("dropout");
        BiFunction<Integer, Integer, Layer> cell = RecurrentCells.of(card);
        return (g, input) -> {
            // Huang et al. 2017, "Densely Connected Convolutional Networks", eq. (2):
            // x_l = H_l([x_0, x_1, …, x_{l−1}]), here with recurrent H_l and x_0 the embedding
            List<String> earlier = new ArrayList<>(List.of(input));
            for (int i = 0; i < depth; i++) {
                String in = concatenation(g, "concat" + i, earlier);
                earlier.add(LanguageModelGraph.recurrentLayer(g, "rnn" + i, cell, hidden, dropout, in));
            }
            // the softmax reads the concatenation too, as DenseNet's classifier reads the last dense block
            return concatenation(g, "concat" + depth, earlier);
        };
    }

    /** [a; b; …] along the features (DL4J's MergeVertex concatenates dimension 1 of [batch, features, time]). */
    private static String concatenation(ZooGraph g, String name, List<String> inputs) {
        if (inputs.size() == 1) return inputs.get(0);
        int width = inputs.stream().mapToInt(g::width).sum();
        return g.vertex(name, new MergeVertex(), width, inputs.toArray(new String[0]));
    }
}
