package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;

import java.util.Map;

/**
 * What the one {@link Trainer} needs to know about a problem: its batches and how to score a
 * split. Language modelling is the first; sentence classification (masked label at the last step)
 * and seq2seq (source/target pairs with a shifted decoder input) plug in here without a second
 * trainer.
 */
public interface Task {
    /**
     * Batches of one training epoch, in the order they must be seen. A contiguous stream comes as
     * one MultiDataSet holding the whole epoch: DL4J's truncated BPTT cuts it into segments and
     * carries the hidden state from one to the next — within a fit() call only, since
     * ComputationGraph clears recurrent state at the start of every fit() (M2.1, whatever
     * setClearTbpttState says).
     */
    MultiDataSetIterator trainBatches(int epoch);

    /** Optimisation steps in one epoch (TBPTT segments or batches), for progress reporting. */
    long stepsPerEpoch();

    /** Predicted targets in one training epoch (for tokens/s). */
    long targetsPerEpoch();

    /** Metrics on a split ("valid", "test"); must contain {@link #selectionMetric()}. */
    Map<String, Double> evaluate(ComputationGraph net, String split);

    /** The metric that picks the best checkpoint, and whose plateau decays the learning rate. */
    String selectionMetric();

    boolean lowerIsBetter();

    /** Number of predicted targets in one training batch (padding excluded). */
    long targets(org.nd4j.linalg.dataset.api.MultiDataSet batch);

    /** Figures worth printing next to ours (e.g. the optimal perplexity of a synthetic corpus). */
    Map<String, Double> references();
}
