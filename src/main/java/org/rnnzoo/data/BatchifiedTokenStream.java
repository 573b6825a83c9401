package org.rnnzoo.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

import java.util.NoSuchElementException;

/**
 * One contiguous token stream cut into {@code batch} parallel rows, read left to right in
 * segments of {@code bptt} steps: the PTB "batchify" scheme (Zaremba et al. 2014; PyTorch's
 * word_language_model). Segment k+1 of row b continues exactly where segment k stopped, so the
 * hidden state can be carried across segments — truncated BPTT over the whole corpus. With
 * {@code bptt = Integer.MAX_VALUE} the whole stream is one MultiDataSet, which is how the trainer
 * feeds DL4J (whose TBPTT carries state between segments only inside one fit() call).
 *
 * <p>Unlike the usual batchify, the tail is not dropped: the last row is padded and masked, so
 * every target of the stream is predicted exactly once (test perplexity counts every token).
 *
 * <p>Hand-written rather than a DataVec reader: rows that continue one another across segments
 * (state carried between batches) have no counterpart in RecordReaderMultiDataSetIterator, which
 * pads and batches independent records.
 *
 * <p>Each {@link MultiDataSet}: features {@code [batch, 1, T]} ids (teacher forcing: the input at t is
 * the true token t), labels {@code [batch, 1, T]} ids of token t+1, label mask {@code [batch, T]}.
 */
public final class BatchifiedTokenStream implements MultiDataSetIterator {
    private final int[] ids;
    private final int batch, bptt, rowLen, pairs;
    private int column;
    private MultiDataSetPreProcessor preProcessor;

    public BatchifiedTokenStream(int[] ids, int batch, int bptt) {
        if (ids.length < 2) throw new IllegalArgumentException("a token stream needs at least 2 tokens, got " + ids.length);
        this.ids = ids;
        this.pairs = ids.length - 1;
        this.batch = Math.min(batch, pairs);
        this.bptt = bptt;
        this.rowLen = (pairs + this.batch - 1) / this.batch;
    }

    public int rows() { return batch; }

    /** Number of segments in one pass. */
    public int segments() { return (int) ((rowLen + (long) bptt - 1) / bptt); }

    /** Number of predicted (non-padding) targets in one pass: every token but the first. */
    public long targets() { return pairs; }

    @Override
    public boolean hasNext() { return column < rowLen; }

    @Override
    public MultiDataSet next() {
        if (!hasNext()) throw new NoSuchElementException();
        int t = Math.min(bptt, rowLen - column);
        float[] x = new float[batch * t], y = new float[batch * t], m = new float[batch * t];
        boolean anyPadding = false;
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < t; s++) {
                int p = b * rowLen + column + s;   // index of the (input, target) pair
                int k = b * t + s;
                if (p < pairs) {
                    x[k] = ids[p];
                    y[k] = ids[p + 1];
                    m[k] = 1f;
                } else {
                    anyPadding = true;              // x = y = 0 (<pad>), masked out
                }
            }
        }
        column += t;
        // [batch, 1, T], not [batch, T]: DL4J's TBPTT cuts only rank-3 arrays into segments, so a
        // rank-2 id matrix would reach the embedding whole while the labels are cut.
        INDArray features = Nd4j.create(x, new long[]{batch, 1, t}, DataType.FLOAT);
        INDArray labels = Nd4j.create(y, new long[]{batch, 1, t}, DataType.FLOAT);
        INDArray mask = anyPadding ? Nd4j.create(m, new long[]{batch, t}, DataType.FLOAT) : null;
        MultiDataSet ds = new org.nd4j.linalg.dataset.MultiDataSet(
                new INDArray[]{features}, new INDArray[]{labels}, null, mask == null ? null : new INDArray[]{mask});
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    @Override
    public MultiDataSet next(int num) { throw new UnsupportedOperationException("segments have a fixed size"); }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) { this.preProcessor = preProcessor; }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() { return preProcessor; }

    @Override
    public boolean resetSupported() { return true; }

    @Override
    public boolean asyncSupported() { return true; }

    @Override
    public void reset() { column = 0; }
}
