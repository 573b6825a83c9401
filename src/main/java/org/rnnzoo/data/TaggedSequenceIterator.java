package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Sentences with one tag per token (tagging), right-padded to the longest in the batch and masked,
 * shuffled per pass with a seeded permutation. Each {@link MultiDataSet}: features {@code [batch, T]}
 * ids with mask {@code [batch, T]}; labels {@code [batch, 1, T]} tag ids with the same mask, so
 * padding is neither read as a word nor scored as a tag.
 */
public final class TaggedSequenceIterator extends ShuffledBatchIterator {
    public record Example(int[] ids, int[] tags) {}

    private final List<Example> examples;

    public TaggedSequenceIterator(List<Example> examples, int batch, boolean shuffle, long seed) {
        super(examples.size(), batch, shuffle, seed);
        this.examples = examples;
    }

    @Override
    protected MultiDataSet batch(int[] items) {
        int b = items.length, t = 1;
        for (int item : items) t = Math.max(t, examples.get(item).ids().length);
        float[] x = new float[b * t], y = new float[b * t], m = new float[b * t];
        for (int i = 0; i < b; i++) {
            Example e = examples.get(items[i]);
            for (int s = 0; s < e.ids().length; s++) {
                x[i * t + s] = e.ids()[s];
                y[i * t + s] = e.tags()[s];
                m[i * t + s] = 1f;
            }
        }
        INDArray mask = Nd4j.create(m, new long[]{b, t}, DataType.FLOAT);
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(x, new long[]{b, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(y, new long[]{b, 1, t}, DataType.FLOAT)},
                new INDArray[]{mask}, new INDArray[]{mask.dup()});
    }
}
