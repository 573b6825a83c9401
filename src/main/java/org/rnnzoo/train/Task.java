package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.data.Vocabularies;

import java.util.Map;

/**
 * What the one {@link Trainer} needs to know about a problem (fairseq's task): its batches, how to
 * count what a batch predicts, how to score a split, and which metric picks the best checkpoint.
 * The trainer itself deals only in loss and number of predicted targets; every name and unit it
 * prints, plots or writes comes from here. Tasks are made from a card by {@link Tasks}.
 */
public interface Task {
    /** The card's {@code task}, e.g. {@code language-model}; recorded in every checkpoint. */
    String kind();

    /**
     * Batches of one training epoch, in the order they must be seen. A contiguous stream comes as
     * one MultiDataSet holding the whole epoch: DL4J's truncated BPTT cuts it into segments and
     * carries the hidden state from one to the next — within a fit() call only, since
     * ComputationGraph clears recurrent state at the start of every fit() (docs/dl4j-notes.md).
     */
    MultiDataSetIterator trainBatches(int epoch);

    /**
     * The same training data cut for data-parallel workers, each piece at most {@code steps}
     * optimisation steps long. Independent batches come as they are (a piece is a batch); a
     * contiguous stream comes as consecutive column ranges of the same rows, so every row of a
     * piece is a contiguous slice of the stream and TBPTT carries the state within it.
     */
    default MultiDataSetIterator trainPieces(int epoch, int steps) { return trainBatches(epoch); }

    /** Optimisation steps in one epoch (TBPTT segments or batches), for progress reporting. */
    long stepsPerEpoch();

    /**
     * Predicted targets in one training batch: the labels mask's ones where there is a mask (so
     * padding never counts), else every label. For seq2seq these are the decoder's tokens, never
     * the source's.
     */
    default long targets(MultiDataSet batch) {
        INDArray mask = batch.getLabelsMaskArray(0);
        if (mask != null) return mask.sumNumber().longValue();
        INDArray labels = batch.getLabels(0);
        // sparse labels: [batch, 1] or [batch, 1, time] ids, one target per id
        return labels.rank() == 3 ? labels.size(0) * labels.size(2) : labels.size(0);
    }

    /** Metrics on a split ("valid", "test"); must contain {@link #selectionMetric()}. */
    Map<String, Double> evaluate(ComputationGraph net, String split);

    /**
     * {@link #evaluate}, and for a task with classes (a classifier, a tagger) the split's confusion
     * matrix drawn to {@code confusionPng} from the same predictions; other tasks ignore the path.
     */
    default Map<String, Double> evaluate(ComputationGraph net, String split, java.nio.file.Path confusionPng) {
        return evaluate(net, split);
    }

    /** The metric that picks the best checkpoint, and whose plateau decays the learning rate. */
    String selectionMetric();

    boolean lowerIsBetter();

    /**
     * The training figure shown per step and per epoch, from the mean loss per target (nats):
     * perplexity for models of tokens, the loss itself for a classifier.
     */
    default String trainMetric() { return "ppl"; }

    default double trainFigure(double lossPerTarget) { return Math.exp(lossPerTarget); }

    /** What a target is, for rates: {@code tokens} (written {@code tokens/s}, {@code tokens_per_s}). */
    default String unit() { return "tokens"; }

    /** The named vocabularies this task's network reads and writes, as a checkpoint stores them. */
    Vocabularies vocabularies();

    /** Figures worth printing next to ours (e.g. the optimal perplexity of a synthetic corpus). */
    Map<String, Double> references();

    /** What a result records about the data (name, sizes, dataset digest). */
    Map<String, Object> provenance();

    /** One line on the data, printed when training starts. */
    String describeData();

    /** One line for a split's metrics, as {@code zoo eval} prints it. */
    String describe(Map<String, Double> metrics);
}
