package org.rnnzoo.bench;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.decode.Sampler;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.FusedAdamUpdater;
import org.rnnzoo.train.FusedUpdater;
import org.rnnzoo.train.GlobalNormClipping;
import org.rnnzoo.train.PerplexityEvaluator;
import org.rnnzoo.decode.HeapLstmDecoder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.rnnzoo.bench.Measurements.cpuNanos;
import static org.rnnzoo.bench.Measurements.median;
import static org.rnnzoo.bench.Measurements.peakRssMb;

/**
 * Times a language model the way the trainer runs it: fit() on consecutive TBPTT segments of real
 * data with the state carried over and global-norm clipping on; then scoring (rnnTimeStep over
 * segments: the targets' log-probabilities only, and the full probabilities for comparison) and
 * batch-1 sampling. Each figure is the median of several timed repeats after warm-up.
 */
public final class LanguageModelBenchmark {
    public record Settings(int warmupSteps, int steps, int repeats, int sampleTokens) {}

    private LanguageModelBenchmark() {}

    public static Map<String, Object> run(ComputationGraph net, ModelCard card, Vocabulary vocab, int[] train, int[] valid, Settings s) {
        int batch = card.getInt("batch"), bptt = card.getInt("bptt");
        net.setListeners(new GlobalNormClipping(card.getDouble("clip")));
        boolean fused = FusedUpdater.install(net);   // as the trainer does
        // As in training: one fit() over many consecutive segments (DL4J's TBPTT carries the state).
        int tokensNeeded = batch * bptt * (s.warmupSteps() + s.steps()) + 1;
        if (train.length < tokensNeeded) throw new org.rnnzoo.common.ZooException("training split too small for "
                + (s.warmupSteps() + s.steps()) + " steps of " + batch + "x" + bptt + " tokens");
        MultiDataSet warm = new BatchifiedTokenStream(Arrays.copyOf(train, batch * bptt * Math.max(1, s.warmupSteps()) + 1), batch, Integer.MAX_VALUE).next();
        MultiDataSet timed = new BatchifiedTokenStream(Arrays.copyOfRange(train, 0, batch * bptt * s.steps() + 1), batch, Integer.MAX_VALUE).next();
        if (s.warmupSteps() > 0) net.fit(warm);
        double[] stepMs = new double[s.repeats()], stepCpuMs = new double[s.repeats()];
        for (int r = 0; r < s.repeats(); r++) {
            long t0 = System.nanoTime(), c0 = cpuNanos();
            net.fit(timed);
            stepMs[r] = (System.nanoTime() - t0) / 1e6 / s.steps();
            stepCpuMs[r] = (cpuNanos() - c0) / 1e6 / s.steps();
        }
        double ms = median(stepMs);
        long tokensPerStep = (long) batch * bptt;
        double flops = trainingFlopsPerToken(card, vocab.size()) * tokensPerStep;

        // Scoring: perplexity over a prefix of valid, state carried across segments.
        int evalBatch = card.getInt("eval_batch");
        int[] evalIds = Arrays.copyOf(valid, Math.min(valid.length, evalBatch * bptt * 20 + 1));
        // Alternated with the full-probability path it replaced for our output layer, so the ratio
        // comes from one machine state (docs/performance.md, "Scoring: target log-probabilities only").
        PerplexityEvaluator.evaluate(net, evalIds, evalBatch, bptt);   // warm-up
        PerplexityEvaluator.evaluateFromProbabilities(net, evalIds, evalBatch, bptt);
        double[] scoreTps = new double[s.repeats()], probabilityTps = new double[s.repeats()];
        double[] scorePpl = new double[2];
        for (int r = 0; r < s.repeats(); r++) {
            long t0 = System.nanoTime();
            PerplexityEvaluator e = PerplexityEvaluator.evaluate(net, evalIds, evalBatch, bptt);
            scoreTps[r] = e.tokens() / ((System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            PerplexityEvaluator f = PerplexityEvaluator.evaluateFromProbabilities(net, evalIds, evalBatch, bptt);
            probabilityTps[r] = f.tokens() / ((System.nanoTime() - t0) / 1e9);
            scorePpl[0] = e.perplexity();
            scorePpl[1] = f.perplexity();
        }

        // Sampling, batch 1: as `zoo sample` runs it (the heap decoder where the graph has its shape,
        // on this machine's default threads), on one thread, through rnnTimeStep for comparison, and
        // with the README's filtering (T 0.8, top-p 0.9).
        Sampler.Settings plain = new Sampler.Settings(1.0, 0, 1.0, 1), filtered = new Sampler.Settings(0.8, 0, 0.9, 1);
        boolean decoder = HeapLstmDecoder.of(net, 1).isPresent();
        Sampler main = new Sampler(net, vocab, HeapLstmDecoder.defaultThreads(), true);
        double[] sample = sampleRate(main, plain, s);
        double[] floats = decoder ? sampleRate(new Sampler(net, vocab, HeapLstmDecoder.defaultThreads(), false), plain, s) : sample;
        double[] oneThread = decoder ? sampleRate(new Sampler(net, vocab, 1), plain, s) : sample;
        double[] stepped = sampleRate(new Sampler(net, vocab, 0), plain, s);
        double[] nucleus = sampleRate(new Sampler(net, vocab), filtered, s);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", card.name());
        out.put("batch", batch);
        out.put("bptt", bptt);
        out.put("vocabulary", vocab.size());
        out.put("parameters", net.params().length());   // numParams() leaves out vertex parameters (a highway gate)
        out.put("train_tokens_per_s", tokensPerStep / (ms / 1e3));
        out.put("train_ms_per_step", ms);
        out.put("train_ms_per_step_min", Arrays.stream(stepMs).min().orElse(0));
        out.put("train_ms_per_step_max", Arrays.stream(stepMs).max().orElse(0));
        out.put("train_gflops", flops / (ms / 1e3) / 1e9);
        // Each repeat's figure in the order timed: on a shared host the speed moves in stretches of
        // seconds to a minute, which min/max alone cannot show (docs/performance.md#shared-host-noise).
        out.put("train_tokens_per_s_repeats", Arrays.stream(stepMs).mapToLong(m -> Math.round(tokensPerStep / (m / 1e3))).toArray());
        // CPU time of this process per step: on a machine shared with other jobs it moves far less
        // than wall time (with one thread it equals wall time on a quiet machine).
        out.put("train_cpu_ms_per_step", median(stepCpuMs));
        out.put("score_tokens_per_s", median(scoreTps));
        out.put("score_tokens_per_s_repeats", Arrays.stream(scoreTps).mapToLong(Math::round).toArray());
        out.put("score_to_train_ratio", median(scoreTps) / (tokensPerStep / (ms / 1e3)));
        out.put("score_from_probabilities_tokens_per_s", median(probabilityTps));
        out.put("score_valid_prefix_ppl", scorePpl[0]);
        out.put("score_valid_prefix_ppl_from_probabilities", scorePpl[1]);
        out.put("update", !fused ? "DL4J's updater and step"
                : net.getUpdater() instanceof FusedAdamUpdater ? "fused Adam, two lanes" : "fused SGD, two lanes");
        out.put("sample_path", decoder ? "heap decoder, " + HeapLstmDecoder.defaultThreads() + " thread(s), byte proposals" : "rnnTimeStep");
        out.put("sample_tokens_per_s", sample[0]);
        out.put("sample_tokens_per_cpu_s", sample[1]);
        // the same draws from the float distribution instead of byte proposals (HeapLstmDecoder#sample)
        out.put("sample_float_softmax_tokens_per_s", floats[0]);
        out.put("sample_float_softmax_tokens_per_cpu_s", floats[1]);
        out.put("sample_proposals_kept", main.keptFraction());   // NaN without the decoder: no proposals
        out.put("sample_bounds_broken", main.boundsBroken());
        out.put("sample_one_thread_tokens_per_s", oneThread[0]);
        out.put("sample_one_thread_tokens_per_cpu_s", oneThread[1]);
        out.put("sample_rnn_time_step_tokens_per_s", stepped[0]);
        out.put("sample_rnn_time_step_tokens_per_cpu_s", stepped[1]);
        out.put("sample_top_p_tokens_per_s", nucleus[0]);
        out.put("sample_top_p_tokens_per_cpu_s", nucleus[1]);
        out.put("peak_rss_mb", peakRssMb());
        out.put("omp_num_threads", System.getenv().getOrDefault("OMP_NUM_THREADS", "(unset)"));
        out.put("repeats", s.repeats());
        out.put("steps_per_repeat", s.steps());
        return out;
    }

    /** Median tokens per wall second and per process CPU second of sampling, after a warm-up. */
    private static double[] sampleRate(Sampler sampler, Sampler.Settings ss, Settings s) {
        sampler.sample(List.of(), Math.min(200, s.sampleTokens()), ss);   // warm-up
        double[] wall = new double[s.repeats()], cpu = new double[s.repeats()];
        for (int r = 0; r < s.repeats(); r++) {
            long t0 = System.nanoTime(), c0 = cpuNanos();
            sampler.sample(List.of(), s.sampleTokens(), ss);
            wall[r] = s.sampleTokens() / ((System.nanoTime() - t0) / 1e9);
            cpu[r] = s.sampleTokens() / ((cpuNanos() - c0) / 1e9);
        }
        return new double[]{median(wall), median(cpu)};
    }

    /**
     * Matmul FLOPs per predicted token for one training step (forward + backward ≈ 3× forward):
     * each recurrent layer multiplies [x_t, h_{t-1}] by its gate matrix, the output layer h_t by
     * [H, V]. Element-wise work, and the projections, gates and wider inputs of the deep stacks' connections, are
     * ignored, so this is a lower bound of the work done.
     */
    public static double trainingFlopsPerToken(ModelCard card, int vocab) {
        // plain stacks count "layers"; the deep stacks (residual-lm, ...) "depth" and choose their cell
        int e = card.getInt("embedding"), h = card.getInt("hidden"), layers = card.has("depth") ? card.getInt("depth") : card.getInt("layers");
        int gates = card.architecture().equals("LstmLm") || "lstm".equals(card.has("depth") ? card.getString("cell") : "") ? 4 : 1;
        double fwd = 0;
        for (int l = 0; l < layers; l++) fwd += 2.0 * ((l == 0 ? e : h) + h) * gates * h;
        fwd += 2.0 * h * vocab;
        return 3 * fwd;
    }
}
