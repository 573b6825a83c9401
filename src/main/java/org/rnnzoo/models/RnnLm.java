package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/**
 * Vanilla (Elman) RNN language model, h_t = tanh(W x_t + U h_{t-1} + b), as in Mikolov et al.
 * 2010, "Recurrent neural network based language model": embedding → L tanh RNN layers → softmax.
 */
public final class RnnLm {
    private RnnLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, (nIn, nOut) -> new SimpleRnn.Builder()
                .nIn(nIn).nOut(nOut).activation(Activation.TANH)
                .dataFormat(RNNFormat.NCW).build());
    }
}
