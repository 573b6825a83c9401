package org.rnnzoo.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.FusedAdamUpdater;
import org.rnnzoo.train.FusedUpdater;
import org.rnnzoo.train.GlobalNormClipping;
import org.rnnzoo.train.Seq2SeqTask;
import org.rnnzoo.train.Task;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.rnnzoo.bench.Measurements.cpuNanos;
import static org.rnnzoo.bench.Measurements.median;
import static org.rnnzoo.bench.Measurements.peakRssMb;

/**
 * Times a model of a task over independent examples — a sentence classifier, an encoder–decoder —
 * the way the trainer runs it: fit() on the task's own shuffled, padded training batches, one after
 * the other across epochs, with global-norm clipping on. Each timed step includes building its batch,
 * as the PyTorch peers' do. For seq2seq it then decodes test sources greedily and with a beam, as the
 * task's evaluation does ({@link Seq2SeqTask#decode}). Figures are medians of the timed repeats.
 */
public final class ExampleTaskBenchmark {
    /**
     * @param decodeSources distinct test sources decoded per repeat (seq2seq only)
     * @param beam          the beam width timed beside greedy decoding (seq2seq only)
     */
    public record Settings(int warmupSteps, int steps, int repeats, int decodeSources, int beam) {}

    private ExampleTaskBenchmark() {}

    public static Map<String, Object> run(ComputationGraph net, ModelCard card, Task task, Settings s) {
        net.setListeners(new GlobalNormClipping(card.getDouble("clip")));
        boolean fused = FusedUpdater.install(net);   // as the trainer does
        Nd4j.getRandom().setSeed(card.getLong("seed") + 1);   // the dropout masks of a first epoch
        Batches batches = new Batches(task);
        for (int i = 0; i < s.warmupSteps(); i++) batches.fit(net);
        double[] examples = new double[s.repeats()], tokens = new double[s.repeats()], targets = new double[s.repeats()];
        double[] stepMs = new double[s.repeats()], stepCpuMs = new double[s.repeats()];
        for (int r = 0; r < s.repeats(); r++) {
            long[] counted = new long[3];
            double seconds = 0;
            long c0 = cpuNanos();
            for (int i = 0; i < s.steps(); i++) {
                seconds += batches.fit(net);
                counted[0] += batches.examples;
                counted[1] += batches.tokens;
                counted[2] += batches.targets;
            }
            examples[r] = counted[0] / seconds;
            tokens[r] = counted[1] / seconds;
            targets[r] = counted[2] / seconds;
            stepMs[r] = seconds * 1e3 / s.steps();
            stepCpuMs[r] = (cpuNanos() - c0) / 1e6 / s.steps();
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", card.name());
        out.put("task", task.kind());
        out.put("batch", card.getInt("batch"));
        out.put("parameters", net.params().length());   // numParams() leaves out vertex parameters (attention)
        out.put("vocabularies", task.vocabularies().sizes());
        out.put("train_examples_per_s", median(examples));
        // the input's real tokens (padding excluded), as the classifier peer counts them
        out.put("train_input_tokens_per_s", median(tokens));
        // what the loss is over: one label per sentence, the decoder's tokens (phonemes + <eos>) of a pair
        out.put("train_targets_per_s", median(targets));
        out.put("train_ms_per_step", median(stepMs));
        out.put("train_ms_per_step_min", Arrays.stream(stepMs).min().orElse(0));
        out.put("train_ms_per_step_max", Arrays.stream(stepMs).max().orElse(0));
        out.put("train_examples_per_s_repeats", Arrays.stream(examples).mapToLong(Math::round).toArray());
        out.put("train_cpu_ms_per_step", median(stepCpuMs));
        out.put("update", !fused ? "DL4J's updater and step"
                : net.getUpdater() instanceof FusedAdamUpdater ? "fused Adam, two lanes" : "fused SGD, two lanes");
        if (task instanceof Seq2SeqTask seq2seq) decodeRates(net, seq2seq, s, out);
        out.put("peak_rss_mb", peakRssMb());
        out.put("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
        out.put("warmup_steps", s.warmupSteps());
        out.put("repeats", s.repeats());
        out.put("steps_per_repeat", s.steps());
        return out;
    }

    /** Greedy and beam decoding of the first distinct test sources: sources (words) per second, medians over the repeats. */
    private static void decodeRates(ComputationGraph net, Seq2SeqTask task, Settings s, Map<String, Object> out) {
        net.clear();   // fit() leaves labels and masks set (docs/dl4j-notes.md)
        List<int[]> all = task.distinctSources("test");
        List<int[]> sources = all.subList(0, Math.min(all.size(), s.decodeSources()));
        for (int width : new int[]{1, s.beam()}) {
            task.decode(net, sources.subList(0, Math.min(sources.size(), 32)), width);   // warm-up
            double[] rate = new double[s.repeats()];
            long outputTokens = 0;
            for (int r = 0; r < s.repeats(); r++) {
                long t0 = System.nanoTime();
                List<int[]> outputs = task.decode(net, sources, width);
                rate[r] = sources.size() / ((System.nanoTime() - t0) / 1e9);
                outputTokens = outputs.stream().mapToLong(o -> o.length).sum();
            }
            String key = width == 1 ? "greedy" : "beam";
            out.put(key + "_words_per_s", median(rate));
            // how long the outputs were: an untrained model's run on to the length limit and cost more
            out.put(key + "_mean_output_length", (double) outputTokens / sources.size());
        }
        out.put("beam", s.beam());
        out.put("decoded_sources", sources.size());
    }

    /** The task's training batches, epoch after epoch, as the trainer draws them; counts what the last one held. */
    private static final class Batches {
        private final Task task;
        private int epoch = 1;
        private MultiDataSetIterator it;
        long examples, tokens, targets;

        Batches(Task task) {
            this.task = task;
            this.it = task.trainBatches(epoch);
        }

        /** One training step on the next batch; its wall seconds (batch building and fit()). */
        double fit(ComputationGraph net) {
            long t0 = System.nanoTime();
            if (!it.hasNext()) it = task.trainBatches(++epoch);
            MultiDataSet ds = it.next();
            net.fit(ds);
            double seconds = (System.nanoTime() - t0) / 1e9;
            examples = ds.getFeatures(0).size(0);
            INDArray mask = ds.getFeaturesMaskArray(0);
            tokens = mask != null ? mask.sumNumber().longValue() : ds.getFeatures(0).length();
            targets = task.targets(ds);
            return seconds;
        }
    }
}
