package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the two tasks that predict labels (one per sentence, one per token) share: token ids in at
 * {@code tokens}, a softmax over the labels out, accuracy picks the best checkpoint, the mean
 * loss is shown as it is while training (a perplexity over a handful of classes says little), and
 * the confusion matrix of a split can be drawn.
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

    /** A split's predictions counted: the confusion matrix, and the metrics as {@link #evaluate} returns them. */
    protected record Scored(ClassificationMetrics confusion, Map<String, Double> metrics) {}

    protected abstract Scored score(ComputationGraph net, String split);

    @Override
    public Map<String, Double> evaluate(ComputationGraph net, String split) { return score(net, split).metrics(); }

    @Override
    public Map<String, Double> evaluate(ComputationGraph net, String split, Path confusionPng) {
        Scored s = score(net, split);
        if (confusionPng != null)
            ConfusionPlot.write(confusionPng, String.format("%s %s: accuracy %.4f", dataset, split, s.metrics().get("accuracy")),
                    labels, s.confusion().confusion());
        return s.metrics();
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
