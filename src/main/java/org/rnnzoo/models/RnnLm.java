package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastSimpleRnn;

/**
 * Vanilla (Elman) RNN language model, h_t = tanh(W x_t + U h_{t-1} + b), as in Mikolov et al.
 * 2010, "Recurrent neural network based language model": embedding → L tanh RNN layers → softmax.
 */
public final class RnnLm {
    private RnnLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, LanguageModelGraph.plainStack(card, (nIn, nOut) -> switch (card.getString("cell")) {
            // our layer: same parameters and numbers as DL4J's SimpleRnn, one gemm per time step
            case "fast" -> new FastSimpleRnn.Builder().nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
            case "dl4j" -> new SimpleRnn.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH).dataFormat(RNNFormat.NCW).build();
            default -> throw new ZooException("bad value for cell: '" + card.getString("cell") + "' (expected fast or dl4j)");
        }));
    }
}
