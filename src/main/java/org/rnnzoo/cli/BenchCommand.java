package org.rnnzoo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.Zoo;
import org.rnnzoo.bench.LanguageModelBenchmark;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time training steps, scoring and sampling of a zoo model on real data.")
final class BenchCommand implements Runnable {
    @Parameters(paramLabel = "MODEL") String model;
    @Option(names = "--preset", description = "apply a named recipe from the card's presets (e.g. zaremba-small)")
    String preset;

    @Option(names = "--dataset", description = "default: the card's") String dataset;
    @Option(names = "--set", paramLabel = "KEY=VALUE") List<String> overrides = new ArrayList<>();
    @Option(names = "--warmup", description = "untimed training steps first, while the JIT compiles the kernels (default: ${DEFAULT-VALUE})") int warmup = 500;
    @Option(names = "--steps", description = "timed training steps per repeat (default: ${DEFAULT-VALUE})") int steps = 30;
    @Option(names = "--repeats", description = "default: ${DEFAULT-VALUE}") int repeats = 5;
    @Option(names = "--sample-tokens", description = "tokens sampled per repeat (default: ${DEFAULT-VALUE})") int sampleTokens = 2000;
    @Option(names = "--json", paramLabel = "PATH", description = "also write the figures as JSON") Path json;
    @Option(names = "--mirror", paramLabel = "DIR") Path mirror;
    @Option(names = "--checkpoint", paramLabel = "PATH", description = "bench a trained model (weights, card and "
            + "vocabulary from this checkpoint) instead of a fresh one: filtered sampling depends on how peaked its distributions are")
    Path checkpoint;

    @Override
    public void run() {
        if (warmup < 0 || steps <= 0 || repeats <= 0 || sampleTokens <= 0)
            throw new org.rnnzoo.common.ZooException("--warmup must be >= 0 and --steps, --repeats, --sample-tokens > 0");
        ModelCard card;
        Vocabulary vocab = null;
        ComputationGraph net = null;
        if (checkpoint != null) {
            if (preset != null || dataset != null || !overrides.isEmpty())
                throw new org.rnnzoo.common.ZooException("--checkpoint brings its own card: drop --preset, --dataset and --set");
            Checkpoint c = Checkpoint.load(checkpoint);
            if (!c.card().name().equals(model))
                throw new org.rnnzoo.common.ZooException(checkpoint + " holds a " + c.card().name() + " model, not " + model);
            card = c.card();
            vocab = c.vocabulary();
            net = c.net();
        } else {
            card = Zoo.card(model);
            if (preset != null) card = card.withPreset(preset);
            if (dataset != null) card = card.with("dataset", dataset);
            card = card.withAll(overrides);
        }
        if (!card.task().equals("language-model"))
            throw new org.rnnzoo.common.ZooException("zoo bench times recurrent language models; " + model + " is a " + card.task() + " model");
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        TokenCorpus corpus = Zoo.corpus(card, store).corpus();
        if (vocab == null) vocab = Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        if (net == null) net = ModelRegistry.build(card, vocab.size());
        Map<String, Object> r = LanguageModelBenchmark.run(net, card, vocab, vocab.encode(corpus.train()), vocab.encode(corpus.valid()),
                new LanguageModelBenchmark.Settings(warmup, steps, repeats, sampleTokens));
        r.put("dataset", corpus.name());
        if (checkpoint != null) r.put("checkpoint", checkpoint.toString());
        System.out.printf("%s on %s (batch %s, bptt %s, vocabulary %,d, %,d parameters)%n", model, corpus.name(), r.get("batch"),
                r.get("bptt"), vocab.size(), net.numParams());
        System.out.printf("  training   %,10.0f tokens/s   %.1f ms/step (min %.1f, max %.1f over %d repeats)   %.1f GFLOP/s%n",
                r.get("train_tokens_per_s"), r.get("train_ms_per_step"), r.get("train_ms_per_step_min"),
                r.get("train_ms_per_step_max"), repeats, r.get("train_gflops"));
        System.out.printf("             %,10.1f CPU ms/step (process CPU time: steadier than wall time on a shared machine)%n",
                r.get("train_cpu_ms_per_step"));
        System.out.printf("  scoring    %,10.0f tokens/s%n", r.get("score_tokens_per_s"));
        System.out.printf("  sampling   %,10.0f tokens/s (batch 1, %s)   %,.0f tokens per CPU second%n",
                r.get("sample_tokens_per_s"), r.get("sample_path"), r.get("sample_tokens_per_cpu_s"));
        if (r.get("sample_path").toString().contains("heap decoder"))
            System.out.printf("             %,10.0f tokens/s (the same draws from the float softmax; %.1f%% of the byte proposals kept, %d bounds broken)%n",
                    r.get("sample_float_softmax_tokens_per_s"), 100 * (double) r.get("sample_proposals_kept"), r.get("sample_bounds_broken"));
        if (r.get("sample_path").toString().contains("2 thread"))
            System.out.printf("             %,10.0f tokens/s (batch 1, heap decoder, 1 thread)   %,.0f tokens per CPU second%n",
                    r.get("sample_one_thread_tokens_per_s"), r.get("sample_one_thread_tokens_per_cpu_s"));
        System.out.printf("             %,10.0f tokens/s (batch 1, rnnTimeStep)   %,.0f tokens per CPU second%n",
                r.get("sample_rnn_time_step_tokens_per_s"), r.get("sample_rnn_time_step_tokens_per_cpu_s"));
        System.out.printf("             %,10.0f tokens/s (as `zoo sample --temperature 0.8 --top-p 0.9`)   %,.0f tokens per CPU second%n",
                r.get("sample_top_p_tokens_per_s"), r.get("sample_top_p_tokens_per_cpu_s"));
        System.out.printf("  peak RSS   %,10.0f MiB   OMP_NUM_THREADS=%s%n", r.get("peak_rss_mb"), r.get("omp_num_threads"));
        if (json != null) {
            try {
                Checkpoint.writeAtomically(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r) + "\n");
            } catch (java.io.IOException e) {
                throw new org.rnnzoo.common.ZooException("cannot write " + json + ": " + e.getMessage());
            }
        }
    }
}
