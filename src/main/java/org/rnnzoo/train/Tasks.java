package org.rnnzoo.train;

import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Corpora;
import org.rnnzoo.datasets.TokenCorpus;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.LabelledSentences;
import org.rnnzoo.datasets.SentencePairs;
import org.rnnzoo.datasets.TaggedSentences;
import org.rnnzoo.models.ModelCard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task registry, as the model registry is for architectures (fairseq's register_task): a
 * card's {@code task} names how its data is loaded, batched and scored. Vocabularies are built
 * from the training split, or taken from a checkpoint so that ids mean what they meant in training.
 */
public final class Tasks {
    /** Count models are trained by counting, not by the trainer; they have a kind but no Task. */
    public static final String COUNT_LANGUAGE_MODEL = "count-language-model";

    @FunctionalInterface
    private interface Factory {
        /** @param saved vocabularies from a checkpoint, or null to build them from the training split */
        Task create(ModelCard card, DatasetStore store, Vocabularies saved);
    }

    private static final Map<String, Factory> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put(LanguageModelTask.KIND, Tasks::tokenCorpusTask);
        KINDS.put(NgramLanguageModelTask.KIND, Tasks::tokenCorpusTask);
        KINDS.put(SentenceClassificationTask.KIND, Tasks::sentenceClassification);
        KINDS.put(SequenceTaggingTask.KIND, Tasks::sequenceTagging);
        KINDS.put(Seq2SeqTask.KIND, Tasks::seq2seq);
    }

    private Tasks() {}

    /** Every kind a card may name, the count models' included. */
    public static List<String> kinds() {
        List<String> k = new ArrayList<>(KINDS.keySet());
        k.add(COUNT_LANGUAGE_MODEL);
        return k;
    }

    /** The task of a card, on the card's dataset. */
    public static Task create(ModelCard card, DatasetStore store, Vocabularies saved) {
        Factory f = KINDS.get(card.task());
        if (f == null) {
            if (card.task().equals(COUNT_LANGUAGE_MODEL))
                throw new ZooException(card.name() + " is a count model: it has no network to train or evaluate as a task");
            throw new ZooException(Names.unknown("task", card.task(), kinds()) + " in card " + card.name());
        }
        return f.create(card, store, saved);
    }

    private static Task tokenCorpusTask(ModelCard card, DatasetStore store, Vocabularies saved) {
        Corpora.Loaded loaded = Corpora.load(card.getString("dataset"), TokenCorpus.Level.valueOf(card.getString("level").toUpperCase()),
                card.getLong("seed"), card.getInt("grammar_tokens"), store);
        TokenCorpus corpus = loaded.corpus();
        Vocabulary vocab = saved != null ? saved.vocabulary(Vocabularies.TOKENS)
                : Vocabulary.build(corpus.train(), card.getInt("min_count"), card.getInt("max_size"));
        TokenCorpusTask task = onCorpus(card, corpus, vocab);
        if (loaded.grammar() != null) {
            task.references().put("optimal_valid_ppl", loaded.grammar().optimalPerplexity("valid"));
            task.references().put("optimal_test_ppl", loaded.grammar().optimalPerplexity("test"));
        }
        return task;
    }

    /** The card's language-model task over a given corpus (a split of its dataset, or any text file to score). */
    public static TokenCorpusTask onCorpus(ModelCard card, TokenCorpus corpus, Vocabulary vocab) {
        return card.task().equals(LanguageModelTask.KIND)
                ? new LanguageModelTask(corpus, vocab, card.getInt("batch"), card.getInt("bptt"), card.getInt("eval_batch"))
                : new NgramLanguageModelTask(corpus, vocab, card.getInt("context"), card.getInt("batch"), card.getInt("eval_batch"),
                card.getLong("seed"));
    }

    private static Task sentenceClassification(ModelCard card, DatasetStore store, Vocabularies saved) {
        LabelledSentences data = Corpora.labelled(card.getString("dataset"), card.getLong("seed"), card.getInt("examples"),
                card.has("fold") ? card.getInt("fold") : 0, store);
        Vocabulary vocab = tokenVocabulary(card, saved, Vocabularies.TOKENS, data.train().stream().map(LabelledSentences.Example::tokens).toList());
        sameLabels(saved, data.classes(), data.name());
        return new SentenceClassificationTask(data, vocab, card.getInt("batch"), card.getInt("eval_batch"), card.getLong("seed"));
    }

    private static Task sequenceTagging(ModelCard card, DatasetStore store, Vocabularies saved) {
        TaggedSentences data = Corpora.tagged(card.getString("dataset"), card.getLong("seed"), card.getInt("examples"), store);
        // a short run on a real corpus (the notebooks' ci scale): fewer training and validation sentences, the whole test split
        if (card.has("train_sentences")) data = data.first(card.getInt("train_sentences"), card.getInt("valid_sentences"));
        Vocabulary vocab = tokenVocabulary(card, saved, Vocabularies.TOKENS, data.train().stream().map(TaggedSentences.Example::tokens).toList());
        sameLabels(saved, data.tags(), data.name());
        return new SequenceTaggingTask(data, vocab, card.getInt("batch"), card.getInt("eval_batch"), card.getLong("seed"));
    }

    private static Task seq2seq(ModelCard card, DatasetStore store, Vocabularies saved) {
        int maxLength = card.getInt("max_length");
        SentencePairs data = Corpora.pairs(card.getString("dataset"), card.getLong("seed"), card.getInt("examples"), maxLength,
                // cards saved before these keys: every pair
                card.has("train_pairs") ? card.getInt("train_pairs") : 0, card.has("eval_sources") ? card.getInt("eval_sources") : 0, store);
        Vocabulary source = tokenVocabulary(card, saved, Vocabularies.SOURCE, data.train().stream().map(SentencePairs.Pair::source).toList());
        Vocabulary target = tokenVocabulary(card, saved, Vocabularies.TARGET, data.train().stream().map(SentencePairs.Pair::target).toList());
        return new Seq2SeqTask(data, source, target, card.getInt("batch"), card.getInt("eval_batch"), maxLength, card.getLong("seed"),
                card.has("select") ? card.getString("select") : "wer", card.has("beam") ? card.getInt("beam") : 1,
                card.has("alpha") ? card.getDouble("alpha") : 0.6);
    }

    /** The checkpoint's vocabulary of that name, or one built from the training sentences by the card's min_count and max_size. */
    private static Vocabulary tokenVocabulary(ModelCard card, Vocabularies saved, String name, List<List<String>> trainSentences) {
        if (saved != null) return saved.vocabulary(name);
        return Vocabulary.build(tokens(trainSentences), card.getInt("min_count"), card.getInt("max_size"));
    }

    /** A checkpoint's labels must be the dataset's, in the same order: a label id is its index. */
    private static void sameLabels(Vocabularies saved, List<String> labels, String dataset) {
        if (saved != null && !saved.entries(Vocabularies.LABELS).equals(labels))
            throw new ZooException("the checkpoint's labels " + saved.entries(Vocabularies.LABELS) + " are not " + dataset + "'s " + labels);
    }

    private static List<String> tokens(List<List<String>> sentences) {
        List<String> all = new ArrayList<>();
        sentences.forEach(all::addAll);
        return all;
    }
}
