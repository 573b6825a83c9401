package org.rnnzoo;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Corpora;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.decode.Predictor;
import org.rnnzoo.decode.Saliency;
import org.rnnzoo.decode.Sampler;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.KneserNeyLm;
import org.rnnzoo.models.NgramMixture;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.NgramLanguageModelTask;
import org.rnnzoo.train.PerplexityEvaluator;
import org.rnnzoo.train.SentenceClassificationTask;
import org.rnnzoo.train.SequenceTaggingTask;
import org.rnnzoo.train.Task;
import org.rnnzoo.train.Tasks;
import org.rnnzoo.train.TokenCorpusTask;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.train.RunDirectory;
import org.rnnzoo.train.Trainer;
import org.rnnzoo.train.EpochRunner;
import org.rnnzoo.spark.SparkEpochs;
import org.rnnzoo.ui.TrainingUi;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The library's front door: everything the CLI and the notebooks do goes through here.
 * <pre>{@code
 * ModelCard card = Zoo.card("lstm-lm").withAll(List.of("hidden=32", "epochs=1"));
 * Zoo.TrainedModel m = Zoo.train(card, Path.of("runs/demo"), System.out);
 * System.out.println(Zoo.sample(m.net(), m.vocabulary(), "the", 20, new Sampler.Settings(0.8, 0, 0.9, 1)));
 * }</pre>
 */
public final class Zoo {
    private Zoo() {}

    public static List<String> models() { return ModelRegistry.names(); }

    public static ModelCard card(String name) { return ModelRegistry.card(name); }

    /** A fresh ComputationGraph for a zoo model, e.g. {@code build("lstm-lm", 10000, "hidden=650")}. */
    public static ComputationGraph build(String name, int vocabSize, String... overrides) {
        return ModelRegistry.build(name, vocabSize, overrides);
    }

    /** A trained network with its named vocabularies; {@link #vocabulary()} is the {@code tokens} one. */
    public record TrainedModel(ComputationGraph net, Vocabularies vocabularies, ModelCard card, Map<String, Object> result) {
        public Vocabulary vocabulary() { return vocabularies.vocabulary(Vocabularies.TOKENS); }
    }

    /** Loads the card's {@code dataset} (a name, {@code grammar} or {@code text:PATH}) at its {@code level}. */
    public static Corpora.Loaded corpus(ModelCard card, DatasetStore store) {
        return Corpora.load(card.getString("dataset"), TokenCorpus.Level.valueOf(card.getString("level").toUpperCase()),
                card.getLong("seed"), card.getInt("grammar_tokens"), store);
    }

    /** The card's task on the card's dataset, with vocabularies built from its training split. */
    public static Task task(ModelCard card, DatasetStore store) { return Tasks.create(card, store, null); }

    /** Trains a zoo model from its card on the card's dataset; writes everything under runDir. */
    public static TrainedModel train(ModelCard card, Path runDir, PrintStream out) {
        return train(card, runDir, out, false, new DatasetStore());
    }

    public static TrainedModel train(ModelCard card, Path runDir, PrintStream out, boolean progressBar, DatasetStore store) {
        return train(card, runDir, out, progressBar, store, Where.HERE, null);
    }

    /**
     * Where a network trains besides its card: in this JVM or on a Spark master ({@code local[2]},
     * {@code spark://HOST:7077}; null: here), and whether DL4J's training UI serves the run on a
     * port (null: no UI). Either way the run directory, checkpoints and result.json are the same.
     */
    public record Where(String sparkMaster, Integer uiPort) {
        public static final Where HERE = new Where(null, null);
    }

    /** As {@link #train(ModelCard, Path, PrintStream, boolean, DatasetStore)}, on Spark or with the UI. */
    public static TrainedModel train(ModelCard card, Path runDir, PrintStream out, boolean progressBar, DatasetStore store, Where where) {
        return train(card, runDir, out, progressBar, store, where, null);
    }

    /**
     * As {@link #train(ModelCard, Path, PrintStream, boolean, DatasetStore)}, on Spark or with the UI ({@code where});
     * {@code vectors}, when not null, is a GloVe / word2vec text file whose vectors initialise the embedding rows of
     * the words it has (the others keep their random initialisation).
     */
    public static TrainedModel train(ModelCard card, Path runDir, PrintStream out, boolean progressBar, DatasetStore store, Where where,
                                     Path vectors) {
        RunDirectory run = new RunDirectory(runDir);
        if (card.task().equals(Tasks.COUNT_LANGUAGE_MODEL)) {
            if (!where.equals(Where.HERE))
                throw new ZooException(card.name() + " counts n-grams and has no training loop: --spark and --ui are for the neural models");
            Corpora.Loaded loaded = corpus(card, store);
            card = card.with("level", loaded.corpus().level().name().toLowerCase());
            if (vectors != null) throw new ZooException("--vectors initialises a network's embedding; " + card.name() + " is a count model");
            writeSpec(run, card, null);
            return fitCounts(card, loaded, run, out);
        }
        Task task = Tasks.create(card, store, null);
        // A dataset fixes its own level (tinyshakespeare is characters): record it, so a checkpoint samples right.
        if (task instanceof TokenCorpusTask t) card = card.with("level", t.corpus().level().name().toLowerCase());
        ComputationGraph net = ModelRegistry.build(card, task.vocabularies().sizes());
        Map<String, Object> loaded = vectors == null ? null : loadVectors(net, card, task.vocabularies(), vectors, out);
        writeSpec(run, card, loaded);
        return fit(net, card, task, run, null, out, progressBar, where);
    }

    /** Continues a run from its newest epoch checkpoint (an interrupted epoch restarts from its beginning). */
    public static TrainedModel resume(Path runDir, PrintStream out, boolean progressBar, DatasetStore store) {
        return resume(runDir, out, progressBar, store, Where.HERE);
    }

    /** As {@link #resume(Path, PrintStream, boolean, DatasetStore)}, on Spark or with the UI: a run may move between the two. */
    public static TrainedModel resume(Path runDir, PrintStream out, boolean progressBar, DatasetStore store, Where where) {
        RunDirectory run = new RunDirectory(runDir);
        Map<String, Object> spec = run.readSpec();
        Path last = run.latestCheckpoint();
        if (last == null)
            throw new ZooException("nothing to resume in " + runDir + ": it stopped before its first checkpoint (no checkpoints/epoch-*.zip);"
                    + " start it again with: zoo train " + spec.getOrDefault("model", "MODEL") + " --run-dir " + runDir);
        Checkpoint ckpt = Checkpoint.load(last);
        Task task = Tasks.create(ckpt.card(), store, ckpt.vocabularies());
        return fit(ckpt.net(), ckpt.card(), task, run, ckpt.state(), out, progressBar, where);
    }

    /** A checkpoint's metrics on a split of the dataset it was trained on, scored by the task that trained it. */
    public static Map<String, Double> evaluate(Checkpoint checkpoint, String split, DatasetStore store) {
        return Tasks.create(checkpoint.card(), store, checkpoint.vocabularies()).evaluate(checkpoint.net(), split);
    }

    private static void writeSpec(RunDirectory run, ModelCard card, Map<String, Object> vectors) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("model", card.name());
        spec.put("card", card.asMap());
        if (vectors != null) spec.put("vectors", vectors);
        run.writeSpec(spec);
    }

    /**
     * Copies the vectors of a file into the rows of the word embedding ({@code embed}, {@code [vocabulary, width]})
     * for the words of the token vocabulary that the file has; returns what the run records of it.
     */
    static Map<String, Object> loadVectors(ComputationGraph net, ModelCard card, Vocabularies vocabularies, Path file, PrintStream out) {
        if (!vocabularies.has(Vocabularies.TOKENS) || net.getConfiguration().getVertices().get("embed") == null || !card.has("embedding"))
            throw new ZooException("--vectors initialises the word embedding of a model with one token vocabulary; " + card.name()
                    + " has " + vocabularies.names());
        Vocabulary vocab = vocabularies.vocabulary(Vocabularies.TOKENS);
        int dim = card.getInt("embedding");
        java.util.Set<String> words = new java.util.HashSet<>(vocab.words().subList(Vocabulary.BOS_ID + 1, vocab.size()));
        Map<String, float[]> found = org.rnnzoo.datasets.WordVectorsFile.read(file, dim, words);
        org.nd4j.linalg.api.ndarray.INDArray w = net.getLayer("embed").getParam("W");
        found.forEach((word, v) -> w.putRow(vocab.id(word), org.nd4j.linalg.factory.Nd4j.create(v).castTo(w.dataType())));
        out.printf("vectors: %,d of the %,d words found in %s (the others keep their random initialisation)%n", found.size(), words.size(), file);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("file", file.toString());
        record.put("found", found.size());
        record.put("words", words.size());
        return record;
    }


    private static TrainedModel fit(ComputationGraph net, ModelCard card, Task task, RunDirectory run, Map<String, Object> state,
                                    PrintStream out, boolean progressBar, Where where) {
        out.printf("%s on %s: %s, %,d parameters, run dir %s%n", card.name(), task.provenance().get("dataset"), task.describeData(),
                net.params().length(), run.path());
        Trainer trainer = new Trainer(out, progressBar);
        Map<String, Object> result;
        try (TrainingUi ui = where.uiPort() == null ? null : TrainingUi.forTraining(run.path(), where.uiPort());
             EpochRunner runner = where.sparkMaster() == null ? null : spark(where.sparkMaster(), card, ui)) {
            if (ui != null) out.printf("training UI: %s (stats in %s; reopen with: zoo ui %s)%n", ui.url(),
                    run.path().resolve(TrainingUi.STATS_FILE), run.path());
            if (runner != null) {
                out.println(runner.describe());
                trainer.fittingWith(runner);
            } else if (ui != null) {
                trainer.listeningWith(List.of(ui.listener()));
            }
            result = trainer.train(net, card, task, run, state);
        }
        ComputationGraph best = trainer.bestNetwork();   // loaded back from best.zip once, by the trainer
        if (task instanceof NgramLanguageModelTask ngram && card.has("mixture_order") && card.getInt("mixture_order") > 0) {
            mixWithKneserNey(ngram, best, card.getInt("mixture_order"), ngram.vocabulary(), ngram.corpus(), result, out);
            run.writeResult(result);
        }
        return new TrainedModel(best, task.vocabularies(), card, result);
    }

    /** Spark's runner; its classes are needed only here (they are optional at run time: docs/spark.md). */
    private static EpochRunner spark(String master, ModelCard card, TrainingUi ui) {
        try {
            return ui == null ? new SparkEpochs(master, card, null, List.of())
                    : new SparkEpochs(master, card, ui.router(), List.of(ui.workerListener()));
        } catch (NoClassDefFoundError e) {
            throw new ZooException("--spark needs dl4j-spark and spark-core on the classpath (./zoo has them; a library user adds them: "
                    + "docs/spark.md); missing: " + e.getMessage(), e);
        }
    }

    /**
     * Count models have no training loop: count, smooth, score with the same perplexity code as the
     * networks, export ARPA. {@code TrainedModel.net()} is null for them.
     */
    private static TrainedModel fitCounts(ModelCard card, Corpora.Loaded loaded, RunDirectory run, PrintStream out) {
        TokenCorpus corpus = loaded.corpus();
        Vocabulary vocab = Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        long t0 = System.nanoTime();
        KneserNeyLm lm = KneserNeyLm.train(sentences(vocab.encode(corpus.train())), vocab.size(), card.getInt("order"),
                Vocabulary.BOS_ID, Vocabulary.EOS_ID);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", card.name());
        result.put("data", TokenCorpusTask.provenance(corpus));
        for (String split : List.of("valid", "test")) {
            PerplexityEvaluator e = new PerplexityEvaluator();
            for (int[] sentence : sentences(vocab.encode(corpus.split(split)))) {
                int[] history = new int[sentence.length + 1];
                history[0] = Vocabulary.BOS_ID;
                for (int i = 0; i <= sentence.length; i++) {
                    int next = i < sentence.length ? sentence[i] : Vocabulary.EOS_ID;
                    e.add(Math.exp(lm.logProb(history, i + 1, next)));
                    if (i < sentence.length) history[i + 1] = sentence[i];
                }
            }
            result.put(split + "_ppl", e.perplexity());
            result.put(split + "_targets", e.tokens());
        }
        if (loaded.grammar() != null) result.put("optimal_test_ppl", loaded.grammar().optimalPerplexity("test"));
        result.put("train_seconds", seconds);
        result.put("vocabulary", vocab.size());
        Path arpa = run.path().resolve("model.arpa");
        try {
            lm.writeArpa(arpa, arpaWords(vocab));
        } catch (java.io.IOException e) {
            throw new ZooException("cannot write " + arpa + ": " + ZooException.reason(e), e);
        }
        result.put("arpa", arpa.toString());
        result.put("card", card.asMap());
        run.writeResult(result);
        out.printf("%s (order %d) on %s: %,d training tokens, vocabulary %,d, counted in %.1f s; ARPA %s%n", card.name(),
                card.getInt("order"), corpus.name(), corpus.train().size(), vocab.size(), seconds, arpa);
        return new TrainedModel(null, new Vocabularies().tokens(Vocabularies.TOKENS, vocab), card, result);
    }

    /**
     * The words of an ARPA file: the standard {@code <s>}, {@code </s>} and {@code <unk>} for our
     * boundary and unknown ids, nothing for {@code <pad>} (no text holds it); a whitespace character
     * (a character-level token, or Unicode whitespace that {@code \s} does not split words at),
     * which would split an ARPA line, is written as {@code <U+0020>} etc.
     */
    static String[] arpaWords(Vocabulary vocab) {
        String[] words = vocab.words().toArray(new String[0]);
        words[Vocabulary.PAD_ID] = null;
        words[Vocabulary.EOS_ID] = "</s>";
        words[Vocabulary.BOS_ID] = "<s>";
        words[Vocabulary.UNK_ID] = "<unk>";
        for (int i = Vocabulary.BOS_ID + 1; i < words.length; i++) {
            StringBuilder w = new StringBuilder();
            words[i].codePoints().forEach(c -> w.append(Character.isWhitespace(c) ? String.format("<U+%04X>", c) : Character.toString(c)));
            words[i] = w.toString();
        }
        return words;
    }

    /** Bengio et al. 2003's mixture of the neural model with an interpolated n-gram, weight fitted on valid. */
    private static void mixWithKneserNey(NgramLanguageModelTask task, ComputationGraph net, int order, Vocabulary vocab,
                                         TokenCorpus corpus, Map<String, Object> result, PrintStream out) {
        KneserNeyLm kn = KneserNeyLm.train(sentences(vocab.encode(corpus.train())), vocab.size(), order,
                Vocabulary.BOS_ID, Vocabulary.EOS_ID);
        double[] nnValid = task.targetProbabilities(net, "valid"), nnTest = task.targetProbabilities(net, "test");
        double[] knValid = NgramMixture.streamProbabilities(kn, task.ids("valid"));
        double[] knTest = NgramMixture.streamProbabilities(kn, task.ids("test"));
        double lambda = NgramMixture.fitWeight(nnValid, knValid);
        result.put("kn" + order + "_test_ppl", NgramMixture.perplexity(nnTest, knTest, 0.0));
        result.put("mixture_weight", lambda);
        result.put("mixture_valid_ppl", NgramMixture.perplexity(nnValid, knValid, lambda));
        result.put("mixture_test_ppl", NgramMixture.perplexity(nnTest, knTest, lambda));
        out.printf("mixture with interpolated KN %d-gram (weight %.3f on the network, fitted on valid): test perplexity %.3f%n",
                order, lambda, (Double) result.get("mixture_test_ppl"));
    }

    /** Cuts a stream at {@code <eos>} into sentences without the marker (a trailing partial sentence is kept). */
    static List<int[]> sentences(int[] ids) {
        List<int[]> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= ids.length; i++) {
            if (i == ids.length || ids[i] == Vocabulary.EOS_ID) {
                if (i > start || i < ids.length) out.add(java.util.Arrays.copyOfRange(ids, start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * A classifier's label and every class's probability, or a tagger's tag distribution at every
     * word, for raw sentences: lower-cased and tokenised like SST ({@link Predictor#tokenize}),
     * unknown words as {@code <unk>}. A sentence with no words is an error naming it (1-based).
     */
    public static List<Predictor.Prediction> predict(Checkpoint checkpoint, List<String> sentences) {
        boolean tagger = checkpoint.task().equals(SequenceTaggingTask.KIND);
        if (!tagger && !checkpoint.task().equals(SentenceClassificationTask.KIND))
            throw new ZooException("predict takes a sentence classifier or a tagger; this is a " + checkpoint.task()
                    + " checkpoint (" + checkpoint.card().name() + ")");
        Predictor p = new Predictor(checkpoint.net(), checkpoint.vocabulary(), checkpoint.vocabularies().entries(Vocabularies.LABELS), tagger);
        List<List<String>> tokens = new java.util.ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            List<String> t = p.tokenize(sentences.get(i));
            if (t.isEmpty()) throw new ZooException("sentence " + (i + 1) + " is empty: nothing to predict");
            tokens.add(t);
        }
        return p.predictTokens(tokens);
    }

    /**
     * A sentence classifier's prediction for each sentence, with each token's gradient × input for the predicted
     * class's log-probability ({@link Saliency}); tokenised as {@link #predict} does. Only classifiers: a tagger has a
     * label per word, not one to explain.
     */
    public static List<Saliency.Explained> saliency(Checkpoint checkpoint, List<String> sentences) {
        if (!checkpoint.task().equals(SentenceClassificationTask.KIND))
            throw new ZooException("--saliency explains a sentence classifier's label; this is a " + checkpoint.task()
                    + " checkpoint (" + checkpoint.card().name() + ")");
        Saliency s = new Saliency(checkpoint.net(), checkpoint.vocabulary(), checkpoint.vocabularies().entries(Vocabularies.LABELS));
        List<Saliency.Explained> out = new java.util.ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            List<String> t = s.tokenize(sentences.get(i));
            if (t.isEmpty()) throw new ZooException("sentence " + (i + 1) + " is empty: nothing to predict");
            out.add(s.explain(t));
        }
        return out;
    }

    /** Samples a continuation of {@code prompt} (space-separated words, or characters at char level). */
    public static String sample(ComputationGraph net, Vocabulary vocab, ModelCard card, String prompt, int length, Sampler.Settings s) {
        if (card.getString("level").equals("char"))   // no prompt: a new line of the model's own (Sampler#sampleCharacters)
            return Sampler.detokenize(new Sampler(net, vocab).sampleCharacters(prompt, length, s), true);
        List<String> tokens = List.of(prompt.trim().isEmpty() ? new String[0] : prompt.trim().split("\\s+"));
        return Sampler.detokenize(new Sampler(net, vocab).sample(tokens, length, s), false);
    }
}
