package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;

import java.util.ArrayList;
import java.util.Collection;

/**
 * Configuration of a softmax output layer over a sequence with integer labels: the same model as
 * DL4J's {@code RnnOutputLayer(softmax, LossSparseMCXENT)} — same parameters, same score, same
 * gradients (a test checks this) — computed by {@link FusedSoftmaxOutputLayer} in a few large
 * operations. On a 10k-word vocabulary DL4J's generic path (matmul computed twice, scalar exp,
 * one-hot labels, log of the softmax) dominated a PTB training step (docs/performance.md#output-layer-fused-softmax).
 */
public class FusedSoftmaxOutput extends RnnOutputLayer {

    /** For JSON deserialisation (checkpoints); use {@link #create}. */
    public FusedSoftmaxOutput() {}

    /** @param dropout probability of dropping an input activation (0 = none) */
    public static FusedSoftmaxOutput create(long nIn, long nOut, double dropout) {
        FusedSoftmaxOutput c = new FusedSoftmaxOutput();
        c.setNIn(nIn);
        c.setNOut(nOut);
        c.setLossFn(new LossSparseMCXENT());
        c.setActivationFn(Activation.SOFTMAX.getActivationFunction());
        c.setRnnDataFormat(RNNFormat.NCW);
        c.setHasBias(true);
        c.setRegularization(new ArrayList<>());
        c.setRegularizationBias(new ArrayList<>());
        if (dropout > 0) c.setIDropout(new Dropout(1.0 - dropout));
        return c;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new FusedSoftmaxOutputLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializeParams, initializer());
    }
}
