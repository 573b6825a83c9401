package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnnzoo.common.ZooException;

import java.util.Collection;

/**
 * DL4J's {@link DenseLayer} applied at every step of a sequence {@code [batch, nIn, time]} →
 * {@code [batch, nOut, time]}: the model of a dense layer between DL4J's
 * {@code RnnToFeedForwardPreProcessor} and {@code FeedForwardToRnnPreProcessor} (NCW) — same parameters
 * ({@code W [nIn, nOut]}, {@code b}), same initialisation, same mask rule (a masked step's
 * pre-activation is 0) — computed by {@link SequenceDenseLayer} without the preprocessors' permuted
 * copies and without DL4J's second forward product in the backward pass (docs/performance.md,
 * "Sixteenth session"). Activations: tanh and identity. Rank-2 input takes DL4J's own path.
 */
public class SequenceDense extends DenseLayer {

    /** For JSON deserialisation (checkpoints); use {@link #create}. */
    public SequenceDense() {}

    /** What {@code new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation).build()} configures. */
    public static SequenceDense create(long nIn, long nOut, Activation activation) {
        SequenceDense c = new SequenceDense();
        c.setNIn(nIn);
        c.setNOut(nOut);
        c.setActivationFn(activation.getActivationFunction());
        check(c.getActivationFn());
        c.setHasBias(true);
        c.setHasLayerNorm(false);
        LayerWiring.leaveDefaultsUnset(c);
        return c;
    }

    /** The activations whose derivative the layer reads from its output: tanh (1 − a²) and identity. */
    static IActivation check(IActivation activation) {
        if (!(activation instanceof ActivationTanH) && !(activation instanceof ActivationIdentity))
            throw new ZooException("SequenceDense: activation " + activation + " is not supported (expected tanh or identity)");
        return activation;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType instanceof InputType.InputTypeRecurrent r) return InputType.recurrent(getNOut(), r.getTimeSeriesLength());
        return super.getOutputType(layerIndex, inputType);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return inputType != null && inputType.getType() == InputType.Type.RNN ? null : super.getPreProcessorForInputType(inputType);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        // The sequence pass computes act(x·W + b) and nothing else: a config edited to ask for more is refused, not ignored.
        if (!hasBias() || hasLayerNorm())
            throw new ZooException("SequenceDense: hasBias=" + hasBias() + ", hasLayerNorm=" + hasLayerNorm()
                    + " is not supported (expected a bias and no layer norm)");
        check(getActivationFn());
        return LayerWiring.wire(new SequenceDenseLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializeParams, initializer());
    }
}
