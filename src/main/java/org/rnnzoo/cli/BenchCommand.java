package org.rnnzoo.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.Zoo;
import org.rnnzoo.bench.ExampleTaskBenchmark;
import org.rnnzoo.bench.LanguageModelBenchmark;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.LanguageModelTask;
import org.rnnzoo.train.Seq2SeqTask;
import org.rnnzoo.train.SentenceClassificationTask;
import org.rnnzoo.train.Task;
import org.rnnzoo.train.Tasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Time training steps of a zoo model on real data; then scoring "
        + "and sampling (language models) or greedy and beam decoding (seq2seq).")
final class BenchCommand implements Runnable {
    @Parameters(paramLabel = "MODEL") String model;
    @Option(names = "--preset", description = "apply a named recipe from the card's presets (e.g. zaremba-small)")
    String preset;

    @Option(names = "--dataset", description = "default: the card's") String dataset;
    @Option(names = "--set", paramLabel = "KEY=VALUE") List<String> overrides = new ArrayList<>();
    @Option(names = "--warmup", description = "untimed training steps first, while the JIT compiles the kernels (default: 500 for a "
            + "language model, 100 for the others, whose steps are longer)") Integer warmup;
    @Option(names = "--steps", description = "timed training steps per repeat (default: ${DEFAULT-VALUE})") int steps = 30;
    @Option(names = "--repeats", description = "default: ${DEFAULT-VALUE}") int repeats = 5;
    @Option(names = "--sample-tokens", description = "tokens sampled per repeat (default: ${DEFAULT-VALUE})") int sampleTokens = 2000;
    @Option(names = "--decode-sources", description = "seq2seq: distinct test sources decoded per repeat (default: ${DEFAULT-VALUE})")
    int decodeSources = 500;
    @Option(names = "--beam", description = "seq2seq: the beam width timed beside greedy decoding (default: ${DEFAULT-VALUE})") int beam = 5;
    @Option(names = "--json", paramLabel = "PATH", description = "also write the figures as JSON") Path json;
    @Option(names = "--mirror", paramLabel = "DIR") Path mirror;
    @Option(names = "--checkpoint", paramLabel = "PATH", description = "bench a trained model (weights, card and "
            + "vocabulary from this checkpoint) instead of a fresh one: filtered sampling depends on how peaked its distributions are")
    Path checkpoint;

    @Override
    public void run() {
        if ((warmup != null && warmup < 0) || steps <= 0 || repeats <= 0 || sampleTokens <= 0 || decodeSources <= 0 || beam <= 0)
            throw new ZooException("--warmup must be >= 0 and --steps, --repeats, --sample-tokens, --decode-sources, --beam > 0");
        ModelCard card;
        Checkpoint c = null;
        if (checkpoint != null) {
            if (preset != null || dataset != null || !overrides.isEmpty())
                throw new ZooException("--checkpoint brings its own card: drop --preset, --dataset and --set");
            c = Checkpoint.load(checkpoint);
            if (!c.card().name().equals(model))
                throw new ZooException(checkpoint + " holds a " + c.card().name() + " model, not " + model);
            card = c.card();
        } else {
            card = Zoo.card(model);
            if (preset != null) card = card.withPreset(preset);
            if (dataset != null) card = card.with("dataset", dataset);
            card = card.withAll(overrides);
        }
        DatasetStore store = mirror != null ? new DatasetStore().withMirror(mirror) : new DatasetStore();
        Map<String, Object> r;
        if (card.task().equals(LanguageModelTask.KIND)) r = languageModel(card, c, store);
        else if (EXAMPLE_TASKS.contains(card.task())) r = examples(card, c, store);
        else throw new ZooException("zoo bench times language models, sentence classifiers and seq2seq models; " + model + " is a "
                    + card.task() + " model");
        if (checkpoint != null) r.put("checkpoint", checkpoint.toString());
        if (json != null) {
            try {
                Checkpoint.writeAtomically(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r) + "\n");
            } catch (java.io.IOException e) {
                throw new ZooException("cannot write " + json + ": " + e.getMessage());
            }
        }
    }

    private static final List<String> EXAMPLE_TASKS = List.of(SentenceClassificationTask.KIND, Seq2SeqTask.KIND);

    private Map<String, Object> languageModel(ModelCard card, Checkpoint c, DatasetStore store) {
        Vocabulary vocab = c != null ? c.vocabulary() : null;
        ComputationGraph net = c != null ? c.net() : null;
        TokenCorpus corpus = Zoo.corpus(card, store).corpus();
        if (vocab == null) vocab = Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        if (net == null) net = ModelRegistry.build(card, vocab.size());
        Map<String, Object> r = LanguageModelBenchmark.run(net, card, vocab, vocab.encode(corpus.train()), vocab.encode(corpus.valid()),
                new LanguageModelBenchmark.Settings(warmup != null ? warmup : 500, steps, repeats, sampleTokens));
        r.put("dataset", corpus.name());
        System.out.printf("%s on %s (batch %s, bptt %s, vocabulary %,d, %,d parameters)%n", model, corpus.name(), r.get("batch"),
                r.get("bptt"), vocab.size(), r.get("parameters"));
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
        return r;
    }

    /** A sentence classifier or a seq2seq model: training steps on its task's batches, and decoding for seq2seq. */
    private Map<String, Object> examples(ModelCard card, Checkpoint c, DatasetStore store) {
        Task task = Tasks.create(card, store, c != null ? c.vocabularies() : null);
        ComputationGraph net = c != null ? c.net() : ModelRegistry.build(card, task.vocabularies().sizes());
        Map<String, Object> r = ExampleTaskBenchmark.run(net, card, task,
                new ExampleTaskBenchmark.Settings(warmup != null ? warmup : 100, steps, repeats, decodeSources, beam));
        r.put("dataset", task.provenance().get("dataset"));
        r.put("data", task.provenance());   // split sizes: what the peers' train= counts
        boolean seq2seq = task instanceof Seq2SeqTask;
        System.out.printf("%s on %s (%s; batch %s, vocabularies %s, %,d parameters)%n", model, r.get("dataset"), task.describeData(),
                r.get("batch"), r.get("vocabularies"), (long) r.get("parameters"));
        System.out.printf("  training   %,10.1f %s/s   %,10.0f %s/s   %.1f ms/step (min %.1f, max %.1f over %d repeats of %d steps)%n",
                r.get("train_examples_per_s"), seq2seq ? "sequences" : "sentences", r.get(seq2seq ? "train_targets_per_s" : "train_input_tokens_per_s"),
                seq2seq ? "target tokens" : "tokens", r.get("train_ms_per_step"), r.get("train_ms_per_step_min"), r.get("train_ms_per_step_max"),
                repeats, steps);
        System.out.printf("             %,10.1f CPU ms/step (process CPU time: steadier than wall time on a shared machine)%n",
                r.get("train_cpu_ms_per_step"));
        if (seq2seq) {
            System.out.printf("  decoding   %,10.1f words/s greedy, %,.1f words/s at beam %d (%d test sources; mean output %.1f / %.1f tokens)%n",
                    r.get("greedy_words_per_s"), r.get("beam_words_per_s"), beam, r.get("decoded_sources"),
                    r.get("greedy_mean_output_length"), r.get("beam_mean_output_length"));
        }
        System.out.printf("  peak RSS   %,10.0f MiB   OMP_NUM_THREADS=%s%n", r.get("peak_rss_mb"), r.get("omp_num_threads"));
        // one machine-readable line, named as the PyTorch peers name theirs (bench/compare_*.sh read it)
        System.out.println(seq2seq
                ? String.format(java.util.Locale.ROOT, "RESULT model=%s dataset=%s batch=%s steps=%d tokens_per_s=%.0f seqs_per_s=%.1f ms_per_step=%.1f "
                        + "greedy_words_per_s=%.1f beam=%d beam_words_per_s=%.1f", model, r.get("dataset"), r.get("batch"), steps * repeats,
                        r.get("train_targets_per_s"), r.get("train_examples_per_s"), r.get("train_ms_per_step"), r.get("greedy_words_per_s"), beam,
                        r.get("beam_words_per_s"))
                : String.format(java.util.Locale.ROOT, "RESULT model=%s dataset=%s batch=%s steps=%d sents_per_s=%.1f tokens_per_s=%.0f ms_per_step=%.1f",
                        model, r.get("dataset"), r.get("batch"), steps * repeats, r.get("train_examples_per_s"), r.get("train_input_tokens_per_s"),
                        r.get("train_ms_per_step")));
        return r;
    }
}
