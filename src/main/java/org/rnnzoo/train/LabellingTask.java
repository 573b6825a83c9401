package org.rnnzoo.train;

import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;

import java.util.List;

/**
 * What the two tasks that predict labels (one per sentence, one per token) share: token ids in at
 * {@code tokens}, a softmax over the labels out, accuracy picks the best checkpoint, and the mean
 * loss is shown as it is while training (a perplexity over a handful of classes says little).
 *
 * @param <E> one encoded example
 */
abstract class LabellingTask<E> extends ExampleTask<E> {
    public static final String INPUT = "tokens";
    protected final Vocabulary vocab;
    protected final List<String> labels;
    private final String output;

    LabellingTask(String dataset, Vocabulary vocab, List<String> labels, String output, int batch, int evalBatch, long seed) {
        super(dataset, "sentences", batch, evalBatch, seed);
        this.vocab = vocab;
        this.labels = labels;
        this.output = output;
    }

    @Override
    public String selectionMetric() { return "accuracy"; }

    @Override
    public boolean lowerIsBetter() { return false; }

    @Override
    public String trainMetric() { return "loss"; }

    @Override
    public double trainFigure(double lossPerTarget) { return lossPerTarget; }

    @Override
    public Vocabularies vocabularies() {
        return new Vocabularies().tokens(Vocabularies.TOKENS, vocab, "input:" + INPUT)
                .labels(Vocabularies.LABELS, labels, "output:" + output);
    }
}
