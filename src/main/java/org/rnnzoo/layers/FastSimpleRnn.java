package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of a vanilla tanh RNN computed by {@link FastSimpleRnnLayer}: DL4J's
 * {@link SimpleRnn} configuration (parameters W, RW, b; init; dropout; JSON form), a faster
 * implementation.
 *
 * <pre>{@code
 * g.addLayer("rnn", new FastSimpleRnn.Builder().nIn(200).nOut(200).activation(Activation.TANH)
 *         .dataFormat(RNNFormat.NCW).build(), "embed");
 * }</pre>
 *
 * Supported: tanh activation, no layer norm; other choices are rejected.
 */
public class FastSimpleRnn extends SimpleRnn {

    /** For JSON deserialisation (checkpoints); use {@link Builder}. */
    public FastSimpleRnn() {
        super(new SimpleRnn.Builder());
    }

    private FastSimpleRnn(SimpleRnn.Builder builder) {
        super(builder);
    }

    /** DL4J's {@code SimpleRnn.Builder}; {@code build()} returns a {@link FastSimpleRnn}. */
    public static class Builder extends SimpleRnn.Builder {
        public Builder() {
            activation(new ActivationTanH());
        }

        @Override
        public FastSimpleRnn build() {
            return new FastSimpleRnn(this);
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        LayerValidation.assertNInNOutSet("FastSimpleRnn", getLayerName(), layerIndex, getNIn(), getNOut());
        if (!(getActivationFn() instanceof ActivationTanH) || hasLayerNorm())
            throw new IllegalArgumentException("FastSimpleRnn '" + getLayerName() + "': activation " + getActivationFn()
                    + (hasLayerNorm() ? " with layer norm" : "") + " not supported (expected activation tanh, no layer norm;"
                    + " use DL4J's SimpleRnn for others)");
        return LayerWiring.wire(new FastSimpleRnnLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializeParams, initializer());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastSimpleRnn && super.equals(o);
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + 2;
    }
}
