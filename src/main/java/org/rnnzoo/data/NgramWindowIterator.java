package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;


/**
 * Fixed windows of n−1 context ids → the next id, for the neural n-gram model (Bengio et al.
 * 2003). Every position of the stream from the first is a target; positions with fewer than n−1
 * predecessors are left-padded with {@code <eos>} (the stream starts at a sentence boundary).
 * Windows are shuffled once per pass with a seeded permutation (the MLP has no state to carry).
 *
 * <p>Each {@link MultiDataSet}: features {@code [batch, n−1]} ids, labels {@code [batch, 1]} ids.
 */
public final class NgramWindowIterator extends ShuffledBatchIterator {
    private final int[] ids;
    private final int context;

    public NgramWindowIterator(int[] ids, int context, int batch, boolean shuffle, long seed) {
        super(ids.length, batch, shuffle, seed);
        if (context < 1) throw new IllegalArgumentException("context must be >= 1, got " + context);
        this.ids = ids;
        this.context = context;
    }

    /** Number of predicted targets per pass (every token of the stream). */
    public long targets() { return ids.length; }

    @Override
    protected MultiDataSet batch(int[] items) {
        int b = items.length;
        float[] x = new float[b * context], y = new float[b];
        for (int i = 0; i < b; i++) {
            int target = items[i];
            for (int c = 0; c < context; c++) {
                int p = target - context + c;
                x[i * context + c] = p < 0 ? Vocabulary.EOS_ID : ids[p];
            }
            y[i] = ids[target];
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(x, new long[]{b, context}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(y, new long[]{b, 1}, DataType.FLOAT)});
    }
}
