package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * What every DL4J layer configuration's {@code instantiate} does to a new runtime layer, and what a
 * clone of a SameDiff vertex configuration must carry over, for this package's layers and vertices.
 */
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

    /**
     * {@code copy} given what SameDiffVertex holds of {@code original}: its name and training settings
     * (its parameter shapes it defines itself). DL4J's own AttentionVertex.clone drops them, and the updater then finds no vertex by name.
     */
    static <V extends SameDiffVertex> V withSettingsOf(V copy, SameDiffVertex original) {
        copy.setName(original.getName());
        copy.setVertexParams(null);   // rebuilt lazily from the copy's own settings, not shared with the original's
        copy.setUpdater(original.getUpdater());
        copy.setBiasUpdater(original.getBiasUpdater());
        copy.setRegularization(original.getRegularization());
        copy.setRegularizationBias(original.getRegularizationBias());
        copy.setGradientNormalization(original.getGradientNormalization());
        copy.setGradientNormalizationThreshold(original.getGradientNormalizationThreshold());
        copy.setDataType(original.getDataType());
        return copy;
    }
}
