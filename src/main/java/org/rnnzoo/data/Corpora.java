package org.rnnzoo.data;

import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import org.rnnzoo.datasets.TextFileCorpus;
import org.rnnzoo.datasets.TokenCorpus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Resolves a corpus name to token streams: {@code grammar} (built-in, offline, with a known optimal
 * perplexity), {@code text:PATH} (any UTF-8 file) or a named dataset from {@code datasets/}.
 */
public final class Corpora {
    public static final String GRAMMAR = "grammar";

    private Corpora() {}

    /** A loaded corpus, plus the grammar when it is the synthetic one (for its optimal perplexity). */
    public record Loaded(TokenCorpus corpus, GrammarCorpus grammar) {}

    /**
     * @param grammarTokens training-split size of the grammar corpus (valid and test get a tenth each)
     */
    public static Loaded load(String name, TokenCorpus.Level level, long seed, int grammarTokens, DatasetStore store) {
        if (name.equals(GRAMMAR)) {
            GrammarCorpus g = GrammarCorpus.generate(seed, grammarTokens, grammarTokens / 10, grammarTokens / 10);
            return new Loaded(g.corpus(), g);
        }
        if (name.startsWith("text:")) return new Loaded(TextFileCorpus.load(Path.of(name.substring(5)), level), null);
        return new Loaded(Datasets.lm(name, store), null);
    }

    /**
     * A sentence-classification dataset: {@code negation} (built-in, {@code examples} training
     * sentences), a registered one (sst2, sst5, mr) or the phrase-level SST training sets read from
     * the treebank's trees (sst2-phrases, sst5-phrases: datasets/sst-trees.yaml). MR has no fixed split: fold {@code fold}
     * of its ten is the test set, and the last tenth of the rest is held out for validation (datasets/mr.yaml).
     *
     * @param fold the cross-validation fold, for a dataset that has folds (MR: 0-9); must be 0 for any other
     */
    public static org.rnnzoo.datasets.LabelledSentences labelled(String name, long seed, int examples, int fold, DatasetStore store) {
        org.rnnzoo.datasets.LabelledSentences d = name.equals(NegationSentiment.NAME) ? NegationSentiment.generate(seed, examples)
                : org.rnnzoo.datasets.SentimentTrees.NAMES.contains(name) ? org.rnnzoo.datasets.SentimentTrees.load(store, name)
                : Datasets.classification(name, store);
        if (d.folds() == 0) {
            if (fold != 0) throw new org.rnnzoo.common.ZooException("bad value for fold: " + fold + " (dataset '" + name
                    + "' has a fixed train/valid/test split; folds are for mr)");
            return d;
        }
        org.rnnzoo.datasets.LabelledSentences f = d.fold(fold);
        int cut = f.train().size() * 9 / 10;
        return new org.rnnzoo.datasets.LabelledSentences(f.name(), f.classes(), f.train().subList(0, cut),
                f.train().subList(cut, f.train().size()), f.test(), 0);
    }

    /**
     * A seq2seq dataset: {@code reverse} (built-in, {@code examples} training pairs) or a registered one
     * (cmudict-g2p, eng-fra), cut to pairs of at most {@code maxLength} tokens a side. CMUdict's standard
     * split is cut in train only: its dev and test words are the benchmark, all of them scored.
     *
     * @param trainPairs when above 0 and below the training split's size, train on a random subset of that many of its
     *                   pairs (drawn with {@code seed}, kept in file order), so a real dataset can train in seconds;
     *                   valid and test stay whole, so their figures compare with a full run's
     */
    public static org.rnnzoo.datasets.SentencePairs pairs(String name, long seed, int examples, int maxLength, int trainPairs,
                                                          DatasetStore store) {
        org.rnnzoo.datasets.SentencePairs pairs;
        if (name.equals(ReversalPairs.NAME)) pairs = ReversalPairs.generate(seed, examples, maxLength);
        else {
            org.rnnzoo.datasets.SentencePairs all = Datasets.pairs(name, store), cut = all.maxTokens(maxLength);
            pairs = name.equals(org.rnnzoo.datasets.CmudictG2p.NAME)
                    ? new org.rnnzoo.datasets.SentencePairs(name, cut.train(), all.valid(), all.test()) : cut;
        }
        if (trainPairs <= 0 || trainPairs >= pairs.train().size()) return pairs;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pairs.train().size(); i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        List<Integer> kept = new ArrayList<>(order.subList(0, trainPairs));
        Collections.sort(kept);
        return new org.rnnzoo.datasets.SentencePairs(pairs.name(), kept.stream().map(pairs.train()::get).toList(), pairs.valid(), pairs.test());
    }

    /**
     * A tagging dataset: {@code negation-tags} (built-in, {@code examples} training sentences) or
     * {@code brown-pos} (Brown's part-of-speech tags on the Bengio split: datasets/brown.yaml).
     */
    public static org.rnnzoo.datasets.TaggedSentences tagged(String name, long seed, int examples, DatasetStore store) {
        if (name.equals(NegationSentiment.TAGGED_NAME)) return NegationSentiment.tagged(seed, examples);
        java.util.List<String> known = java.util.List.of(NegationSentiment.TAGGED_NAME, org.rnnzoo.datasets.BrownCorpus.POS);
        if (!known.contains(name)) throw new org.rnnzoo.common.ZooException(org.rnnzoo.common.Names.unknown("tagging dataset", name, known));
        return Datasets.tagged(name, store);
    }

    /** Whether a dataset name is one of the corpora generated here (no download, no mirror). */
    public static boolean isBuiltIn(String name) {
        return java.util.List.of(GRAMMAR, NegationSentiment.NAME, NegationSentiment.TAGGED_NAME, ReversalPairs.NAME).contains(name);
    }
}
