package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.layers.HighwayGateVertex;

import java.util.function.BiFunction;

/**
 * Highway recurrent language model: embedding → {@code depth} recurrent layers (LSTM or vanilla
 * RNN), each wrapped in a highway gate → softmax. A learned per-unit gate decides how much of the
 * layer's transform to let through and how much of its input to carry unchanged; with a negative
 * gate bias the stack starts close to the identity, so a deep one trains from the first step.
 */
public final class HighwayLm {
    private HighwayLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, body(card));
    }

    static LanguageModelGraph.Body body(ModelCard card) {
        int hidden = card.getInt("hidden"), depth = LanguageModelGraph.depth(card);
        double dropout = card.getDouble("dropout"), gateBias = card.getDouble("gate_bias");
        BiFunction<Integer, Integer, Layer> cell = RecurrentCells.of(card);
        return (g, input) -> {
            String x = input;
            for (int i = 0; i < depth; i++) {
                int nIn = g.width(x);
                String h = LanguageModelGraph.recurrentLayer(g, "rnn" + i, cell, hidden, dropout, x);
                // the carried input must be as wide as H(x): a learned projection only where it is not
                String carry = LanguageModelGraph.matchWidth(g, "proj" + i, x, hidden);
                // Srivastava, Greff & Schmidhuber 2015, "Highway Networks", eq. (3) with C = 1 − T:
                // y = T⊙H(x) + (1−T)⊙x, T = σ(W_T·x + b_T), b_T negative (sec. 2.2, −1 to −3) so the layer
                // starts by carrying x; one fused vertex (its own gradient check: HighwayGateVertexTest)
                HighwayGateVertex gate = new HighwayGateVertex(nIn, hidden, gateBias);
                x = gate.carriesProjection() ? g.vertex("highway" + i, gate, hidden, x, h, carry) : g.vertex("highway" + i, gate, hidden, x, h);
            }
            return x;
        };
    }
}
