package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Fits one epoch somewhere other than the trainer's own loop: on a Spark cluster
 * (the spark package's {@code SparkEpochs}). Everything around the epoch — learning rate, validation,
 * checkpoints, metrics.jsonl, result.json, curve.png — stays the one {@link Trainer}'s, so a run
 * trained elsewhere leaves the same run directory as a local one.
 */
public interface EpochRunner extends AutoCloseable {
    /**
     * Fits the task's training data of {@code epoch} into {@code net}: afterwards {@code net}'s
     * parameters (and updater state) are the trained ones, as after the local loop.
     *
     * @param clipping the card's global-norm clipping, to run wherever the gradients are computed
     * @return the training loss summed over predicted targets (an estimate where the runner sees only
     *         summaries), the number of targets and the seconds taken
     */
    Epoch fit(ComputationGraph net, Task task, int epoch, GlobalNormClipping clipping);

    /** One line on where and how, printed at the start and recorded in result.json. */
    String describe();

    @Override
    void close();

    record Epoch(double nll, long targets, double seconds) {}
}
