package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;

import java.util.Map;

/** Next-token prediction over a contiguous stream: truncated BPTT, perplexity on valid/test. */
public final class LanguageModelTask extends TokenCorpusTask {
    public static final String KIND = "language-model";
    private final int[] train, valid, test;
    private final int batch, bptt, evalBatch;

    public LanguageModelTask(TokenCorpus corpus, Vocabulary vocab, int batch, int bptt, int evalBatch) {
        super(KIND, corpus, vocab);
        this.train = withBoundary(vocab.encode(corpus.train()));
        this.valid = withBoundary(vocab.encode(corpus.valid()));
        this.test = withBoundary(vocab.encode(corpus.test()));
        for (String split : new String[]{"train", "valid", "test"})
            if (corpus.split(split).isEmpty())
                throw new org.rnnzoo.common.ZooException(corpus.name() + " is too small: its " + split + " split has "
                        + corpus.split(split).size() + " tokens (a language model needs at least 1 per split)");
        // BatchifiedTokenStream would cut the rows to one target each and run fewer than asked for,
        // while the card (and result.json) kept the asked-for figure
        if (batch > train.length - 1)
            throw new org.rnnzoo.common.ZooException("bad value for batch: " + batch + " (the train split of " + corpus.name() + " has "
                    + (train.length - 1) + " targets, so at most " + (train.length - 1) + " rows)");
        this.batch = batch;
        this.bptt = bptt;
        this.evalBatch = evalBatch;
    }

    /**
     * Prepends a sentence boundary, so the first token of a split is predicted too (from "a
     * sentence starts") and every token counts: PTB test is 82,430 targets, as in Mikolov's tables.
     */
    static int[] withBoundary(int[] ids) {
        int[] out = new int[ids.length + 1];
        out[0] = Vocabulary.EOS_ID;
        System.arraycopy(ids, 0, out, 1, ids.length);
        return out;
    }

    public int[] ids(String split) { return pick(split, train, valid, test); }

    /** The split's array by name; shared by the tasks that keep three encoded splits. */
    static int[] pick(String split, int[] train, int[] valid, int[] test) {
        return switch (split) {
            case "train" -> train;
            case "valid" -> valid;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split " + split);
        };
    }

    @Override
    public MultiDataSetIterator trainBatches(int epoch) {
        return new BatchifiedTokenStream(train, batch, Integer.MAX_VALUE);   // the whole epoch; the graph's TBPTT length cuts it
    }

    @Override
    public MultiDataSetIterator trainPieces(int epoch, int steps) {
        return new BatchifiedTokenStream(train, batch, (int) Math.min(Integer.MAX_VALUE, (long) steps * bptt));
    }

    @Override
    public long stepsPerEpoch() { return new BatchifiedTokenStream(train, batch, bptt).segments(); }

    @Override
    public Map<String, Double> evaluate(ComputationGraph net, String split) {
        return PerplexityEvaluator.evaluate(net, ids(split), evalBatch, bptt).metrics();
    }
}
