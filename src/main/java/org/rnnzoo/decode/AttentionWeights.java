package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.layers.GlobalAttention;

import java.util.List;
import java.util.Map;

/**
 * The attention weights of one decoded example, {@code [target step][source position]}: row t is the
 * distribution over the source with which the decoder, having read {@code <s> y1 … y_{t}}, predicted
 * y_{t+1} (the last row predicted {@code <eos>}). DL4J keeps no intermediates of a vertex, so the
 * example is run teacher-forced and the attention vertex recomputes its weights from what it read
 * (the decoder's and the encoder's states). One example, no padding: every row sums to 1.
 */
public final class AttentionWeights {
    private AttentionWeights() {}

    /** @param vertex the attention vertex's name; its inputs are queries, keys in that order */
    public static double[][] of(ComputationGraph net, String vertex, int[] source, int[] output) {
        List<String> inputs = net.getConfiguration().getVertexInputs().get(vertex);
        if (inputs == null || !(net.getVertex(vertex) instanceof GlobalAttention attention))
            throw new ZooException("this network has no attention vertex '" + vertex + "' (a checkpoint of an older seq2seq-attention?)");
        Map<String, INDArray> acts = activations(net, source, output);
        INDArray q = acts.get(inputs.get(0)), k = acts.get(inputs.get(1));   // row 0 of two identical rows
        INDArray w = attention.weights(q.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all()),
                k.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all()), null);
        return w.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    /** Every vertex's activations for one teacher-forced example {@code <s> output}, with its masks set (the vertex keeps stale ones). */
    static Map<String, INDArray> activations(ComputationGraph net, int[] source, int[] output) {
        if (source.length == 0) throw new ZooException("empty source: no attention to show");
        int t = output.length + 1;
        float[] x = new float[source.length], d = new float[t];
        for (int i = 0; i < source.length; i++) x[i] = source[i];
        d[0] = Vocabulary.BOS_ID;
        for (int i = 0; i < output.length; i++) d[i + 1] = output[i];
        // two identical rows, of which row 0 is read: a [1, 1] mask broke DL4J's mask reshapes (docs/dl4j-notes.md)
        INDArray src = Nd4j.create(x, new long[]{1, source.length}, DataType.FLOAT), dec = Nd4j.create(d, new long[]{1, 1, t}, DataType.FLOAT);
        net.clear();
        net.setLayerMaskArrays(new INDArray[]{Nd4j.ones(DataType.FLOAT, 2, source.length), Nd4j.ones(DataType.FLOAT, 2, t)}, null);
        Map<String, INDArray> acts = net.feedForward(new INDArray[]{Nd4j.concat(0, src, src), Nd4j.concat(0, dec, dec)}, false, false);
        net.clear();
        return acts;
    }
}
