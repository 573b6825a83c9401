package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastLstm;

/**
 * LSTM language model (Hochreiter &amp; Schmidhuber 1997; the recipe of Zaremba, Sutskever &amp;
 * Vinyals 2014, "Recurrent Neural Network Regularization"): embedding → L stacked LSTMs → softmax.
 * The gates let the cell state carry information across many steps, which is what a vanilla RNN's
 * repeatedly-multiplied gradient cannot do (the lecture's vanishing-gradient story).
 */
public final class LstmLm {
    private LstmLm() {}

    public static ComputationGraph build(ModelCard card, int vocabSize) {
        // Forget-gate bias 1 (Jozefowicz et al. 2015) starts by remembering; Zaremba's recipe uses 0.
        double forgetBias = card.getDouble("forget_bias");
        return LanguageModelGraph.build(card, vocabSize, LanguageModelGraph.plainStack(card, (nIn, nOut) -> switch (card.getString("cell")) {
            // our layer: same parameters and numbers as DL4J's LSTM, a few large native calls per step
            case "fast" -> new FastLstm.Builder().forgetGateBiasInit(forgetBias).nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
            case "dl4j" -> new LSTM.Builder().nIn(nIn).nOut(nOut).activation(Activation.TANH)
                    .forgetGateBiasInit(forgetBias).dataFormat(RNNFormat.NCW).build();
            default -> throw new ZooException("bad value for cell: '" + card.getString("cell") + "' (expected fast or dl4j)");
        }));
    }
}
