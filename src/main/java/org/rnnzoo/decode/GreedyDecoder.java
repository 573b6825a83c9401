package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.data.Vocabulary;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy decoding of an encoder–decoder graph (inputs: source ids, decoder input ids; output:
 * target probabilities {@code [batch, vocab, time]}): start from {@code <s>}, append the most
 * probable token, stop at {@code <eos>}. Each step re-runs the graph on the prefix, so the result
 * is exactly what the teacher-forced network scores; beam search and an incremental decoder are
 * the seq2seq issue's to add.
 */
public final class GreedyDecoder {
    private GreedyDecoder() {}

    /** Decodes every source, {@code batch} at a time; outputs exclude {@code <eos>}, at most {@code maxLength} tokens. */
    public static List<int[]> decode(ComputationGraph net, List<int[]> sources, int batch, int maxLength) {
        List<int[]> out = new ArrayList<>(sources.size());
        net.clear();   // fit() leaves labels and masks set (docs/dl4j-notes.md)
        for (int from = 0; from < sources.size(); from += batch) {
            List<int[]> chunk = sources.subList(from, Math.min(sources.size(), from + batch));
            // a lone source runs beside a copy of itself: a [1, 1] mask broke DL4J's mask reshapes (docs/dl4j-notes.md)
            if (chunk.size() == 1) out.add(decodeBatch(net, List.of(chunk.get(0), chunk.get(0)), maxLength).get(0));
            else out.addAll(decodeBatch(net, chunk, maxLength));
        }
        net.clear();
        return out;
    }

    private static List<int[]> decodeBatch(ComputationGraph net, List<int[]> sources, int maxLength) {
        int b = sources.size(), s = 1;
        for (int[] src : sources) s = Math.max(s, src.length);
        float[] x = new float[b * s], xm = new float[b * s];
        for (int i = 0; i < b; i++)
            for (int k = 0; k < sources.get(i).length; k++) {
                x[i * s + k] = sources.get(i)[k];
                xm[i * s + k] = 1f;
            }
        INDArray src = Nd4j.create(x, new long[]{b, s}, DataType.FLOAT), srcMask = Nd4j.create(xm, new long[]{b, s}, DataType.FLOAT);
        int[][] prefix = new int[b][maxLength + 1];
        int[] length = new int[b];
        boolean[] done = new boolean[b];
        for (int i = 0; i < b; i++) prefix[i][0] = Vocabulary.BOS_ID;
        for (int t = 1; t <= maxLength; t++) {
            float[] d = new float[b * t];
            for (int i = 0; i < b; i++) for (int k = 0; k < t; k++) d[i * t + k] = prefix[i][k];
            INDArray dec = Nd4j.create(d, new long[]{b, 1, t}, DataType.FLOAT);   // rank 3, as the pair iterator makes it
            INDArray probs = net.output(false, new INDArray[]{src, dec}, new INDArray[]{srcMask, Nd4j.ones(DataType.FLOAT, b, t)})[0];
            INDArray last = probs.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(t - 1));
            int[] next = last.argMax(1).toIntVector();
            boolean all = true;
            for (int i = 0; i < b; i++) {
                if (done[i]) continue;
                prefix[i][t] = next[i];
                if (next[i] == Vocabulary.EOS_ID) done[i] = true;
                else length[i]++;
                all &= done[i];
            }
            if (all) break;
        }
        List<int[]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) out.add(Arrays.copyOfRange(prefix[i], 1, 1 + length[i]));
        return out;
    }
}
