package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.NoSuchElementException;

/**
 * Source/target pairs for an encoder–decoder trained with teacher forcing: the decoder reads the
 * true target shifted right by one ({@code <s> y1 … yn}) and predicts {@code y1 … yn <eos>}.
 *
 * <p>Each {@link MultiDataSet} has two inputs — source ids {@code [batch, S]} and decoder input
 * ids {@code [batch, T]} with their masks — and one label array of target ids
 * {@code [batch, 1, T]} with mask {@code [batch, T]}; all right-padded with {@code <pad>}.
 */
public final class Seq2SeqPairIterator implements MultiDataSetIterator {
    public record Pair(int[] source, int[] target) {}

    private final List<Pair> pairs;
    private final int batch;
    private final boolean shuffle;
    private final long seed;
    private int[] order;
    private int cursor, pass;
    private MultiDataSetPreProcessor preProcessor;

    public Seq2SeqPairIterator(List<Pair> pairs, int batch, boolean shuffle, long seed) {
        this.pairs = pairs;
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        reset();
    }

    @Override
    public boolean hasNext() { return cursor < order.length; }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) throw new NoSuchElementException();
        int b = Math.min(batch, order.length - cursor);
        int s = 1, t = 1;
        for (int i = 0; i < b; i++) {
            Pair p = pairs.get(order[cursor + i]);
            s = Math.max(s, p.source().length);
            t = Math.max(t, p.target().length + 1);
        }
        float[] src = new float[b * s], srcMask = new float[b * s];
        float[] dec = new float[b * t], tgt = new float[b * t], tgtMask = new float[b * t];
        for (int i = 0; i < b; i++) {
            Pair p = pairs.get(order[cursor + i]);
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
        cursor += b;
        INDArray decMask = Nd4j.create(tgtMask, new long[]{b, t}, DataType.FLOAT);
        MultiDataSet ds = new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(src, new long[]{b, s}, DataType.FLOAT), Nd4j.create(dec, new long[]{b, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(tgt, new long[]{b, 1, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(srcMask, new long[]{b, s}, DataType.FLOAT), decMask},
                new INDArray[]{decMask.dup()});
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    @Override
    public void reset() {
        order = Permutations.of(pairs.size(), shuffle, seed + pass++);
        cursor = 0;
    }

    @Override public MultiDataSet next(int num) { throw new UnsupportedOperationException(); }
    @Override public void setPreProcessor(MultiDataSetPreProcessor p) { this.preProcessor = p; }
    @Override public MultiDataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return true; }
}
