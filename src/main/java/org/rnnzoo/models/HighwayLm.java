package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

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
                // T = σ(W_T·x + b_T), b_T negative (sec. 2.2, −1 to −3) so the layer starts by carrying x
                String t = g.layer("gate" + i, LanguageModelGraph.timeDistributedDense(nIn, hidden, Activation.SIGMOID, gateBias), hidden, x);
                // y = T⊙H(x) + (1−T)⊙x, written as x + T⊙(H(x) − x): the same function from three DL4J vertices
                String diff = g.vertex("transform" + i, new ElementWiseVertex(ElementWiseVertex.Op.Subtract), hidden, h, carry);
                String gated = g.vertex("gated" + i, new ElementWiseVertex(ElementWiseVertex.Op.Product), hidden, t, diff);
                x = g.vertex("highway" + i, new ElementWiseVertex(ElementWiseVertex.Op.Add), hidden, carry, gated);
            }
            return x;
        };
    }
}
