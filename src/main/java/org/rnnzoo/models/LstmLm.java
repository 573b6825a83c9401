package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;

/**
 * LSTM language model (Hochreiter &amp; Schmidhuber 1997; the recipe of Zaremba, Sutskever &amp;
 * Vinyals 2014, "Recurrent Neural Network Regularization"): embedding → L stacked LSTMs → softmax.
 * The gates let the cell state carry information across many steps, which is what a vanilla RNN's
 * repeatedly-multiplied gradient cannot do (the lecture's vanishing-gradient story).
 */
public final class LstmLm {
    private LstmLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        return LanguageModelGraph.build(card, vocabSize, (nIn, nOut) -> new LSTM.Builder()
                .nIn(nIn).nOut(nOut).activation(Activation.TANH)
                // Forget-gate bias 1 (Jozefowicz et al. 2015) starts by remembering; Zaremba's recipe uses 0.
                .forgetGateBiasInit(card.getDouble("forget_bias"))
                .dataFormat(RNNFormat.NCW).build());
    }
}
