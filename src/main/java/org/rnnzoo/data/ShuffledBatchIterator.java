package org.rnnzoo.data;

import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Batches over {@code size} independent items (windows, sentences, pairs), visited in a seeded
 * Fisher–Yates order that changes every pass and is the same for the same seed: reproducible
 * shuffling for every iterator whose items carry no state from one batch to the next.
 *
 * <p>Hand-written rather than DL4J's {@code RecordReaderMultiDataSetIterator} over the DataVec
 * readers (which give the same batches unshuffled: {@code DataVecPipelineTest}): that iterator reads
 * its records in order and cannot draw a new seeded order each epoch, gives ids as
 * {@code [batch, 1, T]} and leaves out the mask of a batch without padding.
 */
abstract class ShuffledBatchIterator implements MultiDataSetIterator {
    private final int size, batch;
    private final boolean shuffle;
    private final long seed;
    private int[] order;
    private int cursor, pass;
    private MultiDataSetPreProcessor preProcessor;

    ShuffledBatchIterator(int size, int batch, boolean shuffle, long seed) {
        this.size = size;
        this.batch = batch;
        this.shuffle = shuffle;
        this.seed = seed;
        reset();
    }

    /** Builds one batch from the items with these indices. */
    protected abstract MultiDataSet batch(int[] items);

    @Override
    public boolean hasNext() { return cursor < order.length; }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) throw new NoSuchElementException();
        int[] items = Arrays.copyOfRange(order, cursor, Math.min(order.length, cursor + batch));
        cursor += items.length;
        MultiDataSet ds = batch(items);
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    @Override
    public void reset() {
        order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        if (shuffle) {
            SplittableRandom r = new SplittableRandom(seed + pass);
            for (int i = size - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
        }
        pass++;
        cursor = 0;
    }

    @Override public MultiDataSet next(int num) { throw new UnsupportedOperationException("batches have a fixed size"); }
    @Override public void setPreProcessor(MultiDataSetPreProcessor p) { this.preProcessor = p; }
    @Override public MultiDataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return true; }
}
