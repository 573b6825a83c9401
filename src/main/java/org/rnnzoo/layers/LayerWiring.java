package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/** What every DL4J layer configuration's {@code instantiate} does to a new runtime layer, for this package's layers. */
final class LayerWiring {
    private LayerWiring() {}

    /**
     * What a DL4J layer Builder leaves unset, so the network's defaults fill it in: for a configuration
     * made with setters rather than its Builder.
     */
    static void leaveDefaultsUnset(org.deeplearning4j.nn.conf.layers.BaseLayer c) {
        c.setBiasInit(Double.NaN);
        c.setGainInit(Double.NaN);
        c.setGradientNormalization(null);
        c.setGradientNormalizationThreshold(Double.NaN);
        c.setRegularization(new java.util.ArrayList<>());
        c.setRegularizationBias(new java.util.ArrayList<>());
    }

    static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                                    INDArray paramsView, boolean initializeParams, ParamInitializer initializer) {
        layer.setListeners(listeners);
        layer.setIndex(index);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer.init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
