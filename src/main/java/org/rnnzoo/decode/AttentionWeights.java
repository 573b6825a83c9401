package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;

import java.util.List;
import java.util.Map;

/**
 * The attention weights of one decoded example, {@code [target step][source position]}: row t is the
 * distribution over the source with which the decoder, having read {@code <s> y1 … y_{t}}, predicted
 * y_{t+1} (the last row predicted {@code <eos>}). DL4J's AttentionVertex does not expose its weights
 * (docs: dl4j-notes.md), so they are recomputed from what it read — the decoder's and the encoder's
 * activations — and its query/key projections: softmax_s((W_q q_t) · (W_k k_s) / √d), d the projected
 * width (W = identity, d = hidden, without projections). One example, no padding: every row sums to 1.
 */
public final class AttentionWeights {
    private AttentionWeights() {}

    /** @param vertex the attention vertex's name; its inputs are queries, keys, values in that order */
    public static double[][] of(ComputationGraph net, String vertex, int[] source, int[] output) {
        List<String> inputs = net.getConfiguration().getVertexInputs().get(vertex);
        if (inputs == null || inputs.size() != 3) throw new ZooException("this network has no attention vertex '" + vertex + "'");
        Map<String, INDArray> acts = activations(net, source, output);
        INDArray q = acts.get(inputs.get(0)).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());   // [H, T]
        INDArray k = acts.get(inputs.get(1)).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());   // [H, S]
        Map<String, INDArray> params = net.getVertex(vertex).paramTable(false);
        if (params != null && params.containsKey("Wq")) {
            if (params.get("Wq").size(0) != 1) throw new ZooException("attention weights of one head only; this vertex has " + params.get("Wq").size(0));
            q = params.get("Wq").get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).mmul(q);   // [d, T]
            k = params.get("Wk").get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all()).mmul(k);   // [d, S]
        }
        double[][] scores = q.transpose().mmul(k).castTo(DataType.DOUBLE).toDoubleMatrix();   // [T, S]
        double scale = Math.sqrt(q.size(0));
        for (double[] row : scores) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (double s : row) max = Math.max(max, s / scale);
            for (int j = 0; j < row.length; j++) { row[j] = Math.exp(row[j] / scale - max); sum += row[j]; }
            for (int j = 0; j < row.length; j++) row[j] /= sum;
        }
        return scores;
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
