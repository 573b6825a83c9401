package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastLstm;
import org.rnnzoo.layers.FastSimpleRnn;

import java.util.function.BiFunction;

/** The card key {@code cell} of the encoders and classifiers: {@code lstm} or {@code rnn}, on our fast layers. */
final class RecurrentCells {
    private RecurrentCells() {}

    static BiFunction<Integer, Integer, Layer> of(ModelCard card) {
        double forgetBias = card.getDouble("forget_bias");
        return switch (card.getString("cell")) {
            case "lstm" -> (nIn, nOut) -> lstm(forgetBias, 0, nIn, nOut);
            case "rnn" -> (nIn, nOut) -> new FastSimpleRnn.Builder().nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
            default -> throw new ZooException("bad value for cell: '" + card.getString("cell") + "' (expected lstm or rnn)");
        };
    }

    /**
     * The card's LSTM reading a summary {@code summaryWidth} wide as the last features of its input,
     * which it starts from (FastLstm's initial-state width): a decoder's first layer under
     * {@code bridge: state}. Only the LSTM takes it.
     */
    static BiFunction<Integer, Integer, Layer> startingFromSummary(ModelCard card, int summaryWidth) {
        if (!card.getString("cell").equals("lstm"))
            throw new ZooException("bad value for bridge: 'state' needs cell: lstm (cell '" + card.getString("cell")
                    + "' has no initial-state input; use bridge: input)");
        double forgetBias = card.getDouble("forget_bias");
        return (nIn, nOut) -> lstm(forgetBias, summaryWidth, nIn, nOut);
    }

    private static Layer lstm(double forgetBias, int summaryWidth, int nIn, int nOut) {
        return new FastLstm.Builder().forgetGateBiasInit(forgetBias).initialStateWidth(summaryWidth)
                .nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
    }
}
