package org.rnnzoo.train;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.models.ModelCard;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one trainer of the zoo. Per epoch: fit every batch of the {@link Task} (a contiguous stream
 * comes as one batch that DL4J's truncated BPTT cuts into segments, carrying the state), evaluate on
 * validation, checkpoint, adjust the learning rate, maybe stop early. At the end the best
 * checkpoint is scored on test and {@code result.json} + {@code curve.png} (and, for a task with
 * classes, {@code confusion.png}) are written.
 *
 * <p>Teacher forcing is in the data: the input at step t is the true token t, never a sample.
 */
public final class Trainer {
    private final PrintStream out;
    private final boolean progressBar;
    /** The running epoch's step counter: a divergence is reported at its step. */
    private StepProgress lastProgress;

    /** The best-on-validation network of the last {@link #train}, as loaded back from best.zip and scored on test. */
    private ComputationGraph bestNet;

    public ComputationGraph bestNetwork() { return bestNet; }

    /** Where epochs are fitted when not in this JVM's loop (Spark), or null. */
    private EpochRunner runner;
    /** Listeners added to the local loop's own (e.g. the training UI's StatsListener). */
    private List<TrainingListener> listeners = List.of();

    /** Fits every epoch with {@code runner} instead of the local loop; the rest of the run is unchanged. */
    public Trainer fittingWith(EpochRunner runner) {
        this.runner = runner;
        return this;
    }

    /** Also calls these listeners at every local step (a runner takes its own). */
    public Trainer listeningWith(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
        return this;
    }

    public Trainer(PrintStream out, boolean progressBar) {
        this.out = out;
        this.progressBar = progressBar;
    }

    /**
     * @param state trainer state from a checkpoint to resume from, or null for a fresh run
     * @param provenance what to record about the data (name, level, sha256 ...) in result.json
     * @return the final figures, as written to result.json
     */
    public Map<String, Object> train(ComputationGraph net, ModelCard card, Task task, RunDirectory run, Map<String, Object> state) {
        Map<String, Object> provenance = task.provenance();
        String rateKey = task.unit().replace(' ', '_') + "_per_s";
        long wallStart = System.nanoTime();
        int epochs = card.getInt("epochs"), patience = card.getInt("patience");
        LearningRateSchedule schedule = new LearningRateSchedule(card.getDouble("lr"), card.getDouble("lr_decay"),
                card.getInt("decay_after"), card.getBool("plateau_decay"));
        GlobalNormClipping clipping = new GlobalNormClipping(card.getDouble("clip"));

        int firstEpoch = 1;
        double lr = schedule.initial();
        double best = Double.NaN;
        int bestEpoch = 0, badEpochs = 0;
        double trainSeconds = 0;
        long trainTargets = 0;
        if (state != null) {
            firstEpoch = ((Number) state.get("epoch")).intValue() + 1;
            lr = ((Number) state.get("next_lr")).doubleValue();
            best = ((Number) state.get("best")).doubleValue();
            bestEpoch = ((Number) state.get("best_epoch")).intValue();
            badEpochs = ((Number) state.get("bad_epochs")).intValue();
            trainSeconds = ((Number) state.get("train_seconds")).doubleValue();
            trainTargets = ((Number) state.get("train_targets")).longValue();
            run.truncateMetricsAfter(firstEpoch - 1);
            run.removeLeftovers();
            // A kill between writing epoch-NNN.zip and best.zip leaves an older best.zip: the state wins.
            int held = run.repairBest(bestEpoch);
            if (held >= 0)
                out.printf("repaired %s: it held %s, the trainer state names epoch %d (copied from %s)%n", run.bestCheckpoint(),
                        held == 0 ? "nothing readable" : "epoch " + held + "'s weights", bestEpoch, run.epochCheckpoint(bestEpoch).getFileName());
            out.printf("resuming %s at epoch %d (lr %.4g, best valid %s %.3f at epoch %d)%n",
                    run.path(), firstEpoch, lr, task.selectionMetric(), best, bestEpoch);
        }

        boolean stopped = false;
        for (int epoch = firstEpoch; epoch <= epochs && !stopped && badEpochs < patience; epoch++) {
            // Dropout masks from seed + epoch at every epoch start (the task's shuffles depend on (seed, epoch) too),
            // so an epoch re-run after a kill draws what the uninterrupted run drew.
            Nd4j.getRandom().setSeed(card.getLong("seed") + epoch);
            net.setLearningRate(lr);
            EpochRunner.Epoch stats;
            try {
                stats = runner != null ? runner.fit(net, task, epoch, clipping) : fitEpoch(net, task, epoch, epochs, clipping);
            } catch (Divergence d) {
                String where = runner != null ? "" : " at step " + (lastProgress.step + 1) + " of " + task.stepsPerEpoch();
                throw diverged(run, card, task, epoch, lr, d.getMessage() + where, best, bestEpoch);
            }
            trainSeconds += stats.seconds();
            trainTargets += stats.targets();
            // a runner may have no loss to report (Spark's gradient sharing gives the master no score): no train figure then
            boolean reported = runner == null || !Double.isNaN(stats.nll());
            double trainFigure = reported ? task.trainFigure(stats.nll() / Math.max(1, stats.targets())) : Double.NaN;
            if (reported && !Double.isFinite(trainFigure))
                throw diverged(run, card, task, epoch, lr, "the train " + task.trainMetric() + " is " + trainFigure
                        + " (mean loss " + stats.nll() / Math.max(1, stats.targets()) + " per target)", best, bestEpoch);

            Map<String, Double> valid = task.evaluate(net, "valid");
            double v = valid.get(task.selectionMetric());
            if (!Double.isFinite(v))   // never a best
                throw diverged(run, card, task, epoch, lr, "the valid " + task.selectionMetric() + " is " + v, best, bestEpoch);
            boolean improved = Double.isNaN(best) || (task.lowerIsBetter() ? v < best : v > best);
            if (improved) { best = v; bestEpoch = epoch; badEpochs = 0; } else badEpochs++;
            double nextLr = schedule.next(lr, epoch, improved);

            Map<String, Object> line = new LinkedHashMap<>();
            line.put("epoch", epoch);
            line.put("lr", lr);
            if (reported) line.put("train_" + task.trainMetric(), trainFigure);
            valid.forEach((k, x) -> line.put("valid_" + k, x));
            line.put(rateKey, stats.targets() / stats.seconds());
            // a runner clips in its workers' copies of the listener: the driver's saw no gradient
            if (runner == null) line.put("grad_norm_last", clipping.lastNorm());
            run.appendMetrics(line);
            out.printf("epoch %d/%d  lr %.4g  train %s %s  valid %s %.3f%s  %.0f %s/s%n", epoch, epochs, lr,
                    task.trainMetric(), reported ? String.format("%.2f", trainFigure) : "- (not reported)", task.selectionMetric(), v,
                    improved ? " *" : "",
                    stats.targets() / stats.seconds(), task.unit());

            Map<String, Object> s = new LinkedHashMap<>();
            s.put("epoch", epoch);
            s.put("next_lr", nextLr);
            s.put("best", best);
            s.put("best_epoch", bestEpoch);
            s.put("bad_epochs", badEpochs);
            s.put("train_seconds", trainSeconds);
            s.put("train_targets", trainTargets);
            s.put("data", provenance);          // which bytes it learned from (dataset card digest)
            Checkpoint ckpt = new Checkpoint(net, card, task.kind(), task.vocabularies(), s);
            ckpt.save(run.epochCheckpoint(epoch));
            if (improved) ckpt.save(run.bestCheckpoint());
            lr = nextLr;
            if (badEpochs >= patience && epoch < epochs)
                out.printf("early stop: no improvement for %d epochs%n", patience);
        }

        // Score the best-on-validation weights on test, as the papers do.
        Checkpoint bestCkpt = Checkpoint.load(run.bestCheckpoint());
        bestNet = bestCkpt.net();
        Map<String, Double> test = task.evaluate(bestCkpt.net(), "test", run.confusion());
        Map<String, Double> validBest = task.evaluate(bestCkpt.net(), "valid");

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", card.name());
        result.put("task", task.kind());
        result.put("metric", task.selectionMetric());
        result.put("data", provenance);
        result.put("valid_" + task.selectionMetric(), validBest.get(task.selectionMetric()));
        result.put("test_" + task.selectionMetric(), test.get(task.selectionMetric()));
        validBest.forEach((k, x) -> result.putIfAbsent("valid_" + k, x));
        test.forEach((k, x) -> result.putIfAbsent("test_" + k, x));
        task.references().forEach(result::put);
        result.put("best_epoch", bestEpoch);
        result.put(rateKey, trainTargets / Math.max(1e-9, trainSeconds));
        result.put("train_seconds", trainSeconds);
        result.put("wall_seconds_this_process", (System.nanoTime() - wallStart) / 1e9);
        result.put("parameters", net.params().length());   // numParams() leaves out vertex parameters (attention)
        if (task.vocabularies().has(Vocabularies.TOKENS)) result.put("vocabulary", task.vocabularies().size(Vocabularies.TOKENS));
        result.put("vocabularies", task.vocabularies().sizes());
        result.put("checkpoint", run.bestCheckpoint().toString());
        result.put("card", card.asMap());
        if (runner != null) result.put("trained_on", runner.describe());
        run.writeResult(result);
        CurvePlot.write(run.curve(), card.name() + " on " + provenance.getOrDefault("dataset", "?"), run.readMetrics(),
                task.trainMetric(), task.selectionMetric(), task.references());
        return result;
    }

    /**
     * The one-line error for a run whose loss or gradient stopped being a number: where, the likely
     * cause, and which checkpoint stays the best (nothing of the diverged epoch is written).
     */
    private static ZooException diverged(RunDirectory run, ModelCard card, Task task, int epoch, double lr, String what,
                                         double best, int bestEpoch) {
        // DL4J leaves the workspaces of the interrupted fit() open on this thread
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        String cause = "likely cause: a learning rate too high for this model (lr " + lr + "; try a smaller --set lr=...)"
                + (card.getDouble("clip") > 0 ? "" : " with gradient clipping off (clip=0)");
        String kept = bestEpoch > 0
                ? "the best checkpoint stays epoch " + bestEpoch + "'s (valid " + task.selectionMetric() + " " + String.format("%.3f", best)
                        + "): " + run.bestCheckpoint()
                : "no checkpoint was kept (the first epoch diverged)";
        return new ZooException("training diverged in epoch " + epoch + ": " + what + "; " + cause + "; " + kept);
    }

    private EpochRunner.Epoch fitEpoch(ComputationGraph net, Task task, int epoch, int epochs, GlobalNormClipping clipping) {
        MultiDataSetIterator batches = task.trainBatches(epoch);
        long start = System.nanoTime();
        StepProgress progress = new StepProgress(task.stepsPerEpoch(), start);
        lastProgress = progress;
        List<TrainingListener> all = new ArrayList<>(List.of(clipping, progress));
        all.addAll(listeners);
        net.setListeners(all);
        FusedUpdater.install(net);   // again every epoch: setLearningRate put DL4J's updater back
        net.rnnClearPreviousState();
        long targets = 0;
        progress.unit = task.unit();
        progress.metric = task.trainMetric();
        progress.figure = task::trainFigure;
        try (ProgressBar bar = progressBar ? new ProgressBarBuilder().setTaskName(String.format("epoch %d/%d", epoch, epochs))
                .setInitialMax(task.stepsPerEpoch()).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null) {
            progress.bar = bar;
            progress.label = "epoch " + epoch;
            while (batches.hasNext()) {
                MultiDataSet ds = batches.next();
                progress.batchTargets = task.targets(ds);
                net.fit(ds);
                targets += progress.batchTargets;
            }
        }
        return new EpochRunner.Epoch(progress.nll, targets, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Counts DL4J optimisation steps: one per fit() for independent batches, one per TBPTT segment
     * when a whole stream goes through a single fit() (DL4J splits it and carries the state).
     */
    private static final double MAX_LOSS_PER_TARGET = Math.log(Double.MAX_VALUE);

    private final class StepProgress extends BaseTrainingListener {
        final long total, start;
        ProgressBar bar;
        String label, unit, metric;
        java.util.function.DoubleUnaryOperator figure;
        double nll;
        long tokens, step, lastLog, batchTargets;

        StepProgress(long total, long start) {
            this.total = total;
            this.start = start;
            this.lastLog = start;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            ComputationGraph g = (ComputationGraph) model;
            boolean segments = g.getConfiguration().getBackpropType() == BackpropType.TruncatedBPTT;
            long b = g.getInput(0).size(0);
            // targets predicted in this step: a TBPTT segment's every position, else the whole batch's (padding excluded)
            long stepTargets = segments ? b * g.getInput(0).size(g.getInput(0).rank() - 1) : batchTargets;
            tokens += stepTargets;
            // DL4J's score: the loss summed over time steps and averaged over examples (no regulariser here).
            double score = model.score(), perTarget = score * b / Math.max(1, stepTargets);
            if (!Double.isFinite(score)) throw new Divergence("the loss is " + score);
            // A finite loss can be diverged too (lr=1e9: weights in the billions, every target at probability ~0):
            // beyond 709 nats a target, the perplexity exp(loss) is past a double's range.
            if (perTarget > MAX_LOSS_PER_TARGET)
                throw new Divergence(String.format("the loss is %.4g nats per target (a perplexity beyond a double's range)", perTarget));
            nll += score * b;
            step++;
            double secs = (System.nanoTime() - start) / 1e9;
            String rate = String.format("%,.0f %s/s", tokens / secs, unit.equals("tokens") ? "tok" : unit);
            String msg = metric.equals("loss") ? String.format("loss %.3f %s", nll / tokens, rate)
                    : String.format("loss %.3f %s %.1f %s", nll / tokens, metric, figure.applyAsDouble(nll / tokens), rate);
            if (bar != null) {
                bar.stepTo(step);
                bar.setExtraMessage(" " + msg);
            } else if (System.nanoTime() - lastLog > 30e9) {
                // No terminal (CI, logs): a line every 30 s instead of a redrawn bar.
                lastLog = System.nanoTime();
                out.printf("  %s step %d/%d  %s%n", label, step, total, msg);
            }
        }
    }
}
