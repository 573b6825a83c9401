package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Source/target pairs for an encoder–decoder trained with teacher forcing: the decoder reads the
 * true target shifted right by one ({@code <s> y1 … yn}) and predicts {@code y1 … yn <eos>}.
 *
 * <p>Each {@link MultiDataSet} has two inputs — source ids {@code [batch, S]} and decoder input
 * ids {@code [batch, 1, T]} with their masks (rank 3 because DL4J's DuplicateToTimeSeriesVertex
 * reads the time length from a network input's third dimension) — and one label array of target ids
 * {@code [batch, 1, T]} with mask {@code [batch, T]}; all right-padded with {@code <pad>}.
 */
public final class Seq2SeqPairIterator extends ShuffledBatchIterator {
    public record Pair(int[] source, int[] target) {}

    private final List<Pair> pairs;

    public Seq2SeqPairIterator(List<Pair> pairs, int batch, boolean shuffle, long seed) {
        super(pairs.size(), batch, shuffle, seed);
        this.pairs = pairs;
    }

    @Override
    protected MultiDataSet batch(int[] items) {
        int b = items.length;
        int s = 1, t = 1;
        for (int item : items) {
            Pair p = pairs.get(item);
            s = Math.max(s, p.source().length);
            t = Math.max(t, p.target().length + 1);
        }
        float[] src = new float[b * s], srcMask = new float[b * s];
        float[] dec = new float[b * t], tgt = new float[b * t], tgtMask = new float[b * t];
        for (int i = 0; i < b; i++) {
            Pair p = pairs.get(items[i]);
            for (int k = 0; k < p.source().length; k++) {
                src[i * s + k] = p.source()[k];
                srcMask[i * s + k] = 1f;
            }
            int n = p.target().length;
            for (int k = 0; k <= n; k++) {
                dec[i * t + k] = k == 0 ? Vocabulary.BOS_ID : p.target()[k - 1];   // teacher forcing
                tgt[i * t + k] = k == n ? Vocabulary.EOS_ID : p.target()[k];
                tgtMask[i * t + k] = 1f;
            }
        }
        INDArray decMask = Nd4j.create(tgtMask, new long[]{b, t}, DataType.FLOAT);
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(src, new long[]{b, s}, DataType.FLOAT), Nd4j.create(dec, new long[]{b, 1, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(tgt, new long[]{b, 1, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(srcMask, new long[]{b, s}, DataType.FLOAT), decMask},
                new INDArray[]{decMask.dup()});
    }
}
