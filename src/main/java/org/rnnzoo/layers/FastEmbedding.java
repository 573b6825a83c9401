package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collection;

/**
 * Configuration of DL4J's {@link EmbeddingSequenceLayer} (token ids → vectors, no bias)
 * whose backward pass is {@link FastEmbeddingLayer}'s: same parameters, same forward pass, same
 * gradient (a test checks it against DL4J's layer). DL4J's backward pass recomputes the forward
 * gather and scatters through a strided native op; this one does neither
 * (docs/performance.md#embedding-backward).
 * The decoder and every tool that knows DL4J's embedding layer accept this one (it is a subclass).
 */
public class FastEmbedding extends EmbeddingSequenceLayer {

    /** For JSON deserialisation (checkpoints); use {@link #create}. */
    public FastEmbedding() {}

    /** What {@code new EmbeddingSequenceLayer.Builder().nIn(vocab).nOut(size).outputDataFormat(format).build()} configures. */
    public static FastEmbedding create(long vocabSize, long size, RNNFormat format) {
        FastEmbedding c = new FastEmbedding();
        c.setNIn(vocabSize);
        c.setNOut(size);
        c.setActivationFn(Activation.IDENTITY.getActivationFunction());
        c.setHasBias(false);
        c.setInputLength(1);
        c.setInferInputLength(true);
        c.setOutputFormat(format);
        LayerWiring.leaveDefaultsUnset(c);
        return c;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType networkDataType) {
        return LayerWiring.wire(new FastEmbeddingLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView, initializeParams, initializer());
    }
}
