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
            case "lstm" -> (nIn, nOut) -> new FastLstm.Builder().forgetGateBiasInit(forgetBias).nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
            case "rnn" -> (nIn, nOut) -> new FastSimpleRnn.Builder().nIn(nIn).nOut(nOut).dataFormat(RNNFormat.NCW).build();
            default -> throw new ZooException("bad value for cell: '" + card.getString("cell") + "' (expected lstm or rnn)");
        };
    }
}
