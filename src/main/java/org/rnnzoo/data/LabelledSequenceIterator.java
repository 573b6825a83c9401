package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * Variable-length labelled sequences (sentence classification), right-padded with {@code <pad>}
 * to the longest in the batch and masked. Shuffled per pass with a seeded permutation.
 *
 * <p>Each {@link MultiDataSet}: features {@code [batch, T]} ids with feature mask
 * {@code [batch, T]}; labels {@code [batch, 1]} integer class ids (sparse cross-entropy). The
 * mask matters: DL4J's LSTM inside a ComputationGraph does not see it on the forward pass, so a
 * model must pick the last real step through it (e.g. LastTimeStep / the mask-aware reverse).
 */
public final class LabelledSequenceIterator extends ShuffledBatchIterator {
    public record Example(int label, int[] ids) {}

    private final List<Example> examples;

    public LabelledSequenceIterator(List<Example> examples, int batch, boolean shuffle, long seed) {
        super(examples.size(), batch, shuffle, seed);
        for (Example e : examples)
            if (e.ids().length == 0) throw new IllegalArgumentException("empty sequence (label " + e.label() + ")");
        this.examples = examples;
    }

    @Override
    protected MultiDataSet batch(int[] items) {
        int b = items.length;
        int t = 0;
        for (int item : items) t = Math.max(t, examples.get(item).ids().length);
        float[] x = new float[b * t], m = new float[b * t], y = new float[b];
        for (int i = 0; i < b; i++) {
            Example e = examples.get(items[i]);
            for (int s = 0; s < e.ids().length; s++) {
                x[i * t + s] = e.ids()[s];
                m[i * t + s] = 1f;
            }
            y[i] = e.label();
        }
        return new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{Nd4j.create(x, new long[]{b, t}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(y, new long[]{b, 1}, DataType.FLOAT)},
                new INDArray[]{Nd4j.create(m, new long[]{b, t}, DataType.FLOAT)}, null);
    }
}
