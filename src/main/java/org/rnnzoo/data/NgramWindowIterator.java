package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.NoSuchElementException;

/**
 * Fixed windows of n−1 context ids → the next id, for the neural n-gram model (Bengio et al.
 * 2003). Every position of the stream from the first is a target; positions with fewer than n−1
 * predecessors are left-padded with {@code <eos>} (the stream starts at a sentence boundary).
 * Windows are shuffled once per pass with a seeded permutation (the MLP has no state to carry).
 *
 * <p>Each {@link MultiDataSet}: features {@code [batch, n−1]} ids, labels {@code [batch, 1]} ids.
 */
public final class NgramWindowIterator implements MultiDataSetIterator {
    private final int[] ids;
    private final int context, batch;
    private final boolean shuffle;
    private final long seed;
    private int[] order;
    private int cursor, pass;
    private MultiDataSetPreProcessor preProcessor;

    public NgramWindowIterator(int[] ids, int context, int batch, boolean shuffle, long seed) {
        if (context < 1) throw new IllegalArgumentException("context must be >= 1, got " + context);
        this.ids = ids;
        this.context = context;
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        reset();
    }

    /** Number of predicted targets per pass (every token of the stream). */
    public long targets() { return ids.length; }

    @Override
    public boolean hasNext() { return cursor < order.length; }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) throw new NoSuchElementException();
        int b = Math.min(batch, order.length - cursor);
        float[] x = new float[b * context], y = new float[b];
        for (int i = 0; i < b; i++) {
            int target = order[cursor + i];
            for (int c = 0; c < context; c++) {
                int p = target - context + c;
                x[i * context + c] = p < 0 ? Vocabulary.EOS_ID : ids[p];
            }
            y[i] = ids[target];
        }
        cursor += b;
        MultiDataSet ds = new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(x, new long[]{b, context}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(y, new long[]{b, 1}, DataType.FLOAT)});
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    @Override
    public void reset() {
        // a different permutation per pass, the same for the same seed
        order = Permutations.of(ids.length, shuffle, seed + pass++);
        cursor = 0;
    }

    @Override public MultiDataSet next(int num) { throw new UnsupportedOperationException(); }
    @Override public void setPreProcessor(MultiDataSetPreProcessor p) { this.preProcessor = p; }
    @Override public MultiDataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return true; }
}
