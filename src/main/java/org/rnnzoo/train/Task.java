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
    /** Batches of one training epoch, in the order they must be seen. */
    MultiDataSetIterator trainBatches(int epoch);

    /** True when batch k+1 continues batch k's sequences, so recurrent state must be carried over. */
    boolean carriesState();

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
