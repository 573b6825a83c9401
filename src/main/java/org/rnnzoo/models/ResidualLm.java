package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.layers.FastAddVertex;

import java.util.function.BiFunction;

/**
 * Residual recurrent language model: embedding → {@code depth} recurrent layers (LSTM or vanilla
 * RNN), each wrapped as y = H(x) + x → softmax. The identity path gives the gradient a route
 * through the stack that no layer's Jacobian can shrink, which is why deep residual stacks train
 * where plain ones stall (Wu et al. 2016, GNMT; Kim et al. 2017, residual LSTM).
 */
public final class ResidualLm {
    private ResidualLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, body(card));
    }

    static LanguageModelGraph.Body body(ModelCard card) {
        int hidden = card.getInt("hidden"), depth = LanguageModelGraph.depth(card);
        double dropout = card.getDouble("dropout");
        BiFunction<Integer, Integer, Layer> cell = RecurrentCells.of(card);
        return (g, input) -> {
            String x = input;
            for (int i = 0; i < depth; i++) {
                String h = LanguageModelGraph.recurrentLayer(g, "rnn" + i, cell, hidden, dropout, x);
                // He et al. 2016, "Deep Residual Learning", eq. (1) y = F(x) + x; eq. (2): a learned
                // projection W_s·x only where the widths differ (here: embedding → first layer). DL4J's
                // ElementWiseVertex(Add) with the sum kept time-major, as the next layer reads it (FastAddVertexTest)
                String shortcut = LanguageModelGraph.matchWidth(g, "proj" + i, x, hidden);
                x = g.vertex("res" + i, new FastAddVertex(), hidden, h, shortcut);
            }
            return x;
        };
    }
}
