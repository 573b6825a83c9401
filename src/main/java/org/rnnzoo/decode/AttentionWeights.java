package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Seq2SeqPairIterator;
import org.rnnzoo.layers.GlobalAttention;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The attention weights of decoded or reference examples, {@code [target step][source position]}: row t
 * is the distribution over the source with which the decoder, having read {@code <s> y1 … y_{t}},
 * predicted y_{t+1} (the last row predicted {@code <eos>}). DL4J keeps no intermediates of a vertex, so
 * the examples are run teacher-forced and the attention vertex recomputes its weights from what it read
 * (the decoder's and the encoder's states). Padded source positions weigh exactly 0 and are cut off
 * with the padded steps: every row has the example's own source length and sums to 1.
 */
public final class AttentionWeights {
    private AttentionWeights() {}

    /** @param vertex the attention vertex's name; its inputs are queries, keys in that order */
    public static double[][] of(ComputationGraph net, String vertex, int[] source, int[] output) {
        return teacherForced(net, vertex, List.of(new Seq2SeqPairIterator.Pair(source, output)), 1).get(0);
    }

    /**
     * The weights of every pair, the decoder fed each pair's target ({@code <s> target}, so
     * {@code target.length + 1} rows), {@code batch} pairs to a padded forward pass.
     */
    public static List<double[][]> teacherForced(ComputationGraph net, String vertex, List<Seq2SeqPairIterator.Pair> pairs, int batch) {
        List<String> inputs = net.getConfiguration().getVertexInputs().get(vertex);
        if (inputs == null || !(net.getVertex(vertex) instanceof GlobalAttention attention))
            throw new ZooException("this network has no attention vertex '" + vertex + "' (a checkpoint of an older seq2seq-attention?)");
        if (batch < 1) throw new IllegalArgumentException("batch " + batch);
        List<double[][]> maps = new ArrayList<>(pairs.size());
        for (int from = 0; from < pairs.size(); from += batch) {
            List<Seq2SeqPairIterator.Pair> chunk = pairs.subList(from, Math.min(pairs.size(), from + batch));
            MultiDataSet ds = batch(chunk);
            Map<String, INDArray> acts = activations(net, ds);
            INDArray w = attention.weights(acts.get(inputs.get(0)), acts.get(inputs.get(1)), ds.getFeaturesMaskArray(0));   // [b, T, S]
            int t = (int) w.size(1), s = (int) w.size(2);
            double[] flat = w.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            for (int i = 0; i < chunk.size(); i++) {
                int rows = chunk.get(i).target().length + 1, cols = chunk.get(i).source().length;
                double[][] map = new double[rows][cols];
                for (int r = 0; r < rows; r++) System.arraycopy(flat, (i * t + r) * s, map[r], 0, cols);
                maps.add(map);
            }
        }
        return maps;
    }

    /** Every vertex's activations for one teacher-forced example {@code <s> output}. */
    static Map<String, INDArray> activations(ComputationGraph net, int[] source, int[] output) {
        return activations(net, batch(List.of(new Seq2SeqPairIterator.Pair(source, output))));
    }

    /** The pairs as one teacher-forced batch, right-padded, with their masks. */
    private static MultiDataSet batch(List<Seq2SeqPairIterator.Pair> pairs) {
        for (Seq2SeqPairIterator.Pair p : pairs) if (p.source().length == 0) throw new ZooException("empty source: no attention to show");
        // one pair runs as two identical rows, of which row 0 is read: a [1, 1] mask broke DL4J's mask reshapes (docs/dl4j-notes.md)
        List<Seq2SeqPairIterator.Pair> rows = pairs.size() == 1 ? List.of(pairs.get(0), pairs.get(0)) : pairs;
        return new Seq2SeqPairIterator(rows, rows.size(), false, 0).next();
    }

    /** Every vertex's activations for a batch, with its masks set (the vertex keeps stale ones). */
    private static Map<String, INDArray> activations(ComputationGraph net, MultiDataSet ds) {
        net.clear();
        net.setLayerMaskArrays(ds.getFeaturesMaskArrays(), null);
        Map<String, INDArray> acts = net.feedForward(ds.getFeatures(), false, false);
        net.clear();
        return acts;
    }
}
