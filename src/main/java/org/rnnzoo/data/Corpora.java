package org.rnnzoo.data;

import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import org.rnnzoo.datasets.SentencePairs;
import org.rnnzoo.datasets.TextFileCorpus;
import org.rnnzoo.datasets.TokenCorpus;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
     * @param trainPairs  when above 0, train on a random subset of that many training pairs (drawn with {@code seed}, kept
     *                    in file order), so a real dataset can train in seconds
     * @param evalSources when above 0, score valid and test on that many of their distinct sources each (drawn with
     *                    {@code seed}), every reference of a kept source kept: decoding all of CMUdict's 18,000 dev and test
     *                    words takes longer than a small model trains; the figures are then those of the sample
     */
    public static SentencePairs pairs(String name, long seed, int examples, int maxLength, int trainPairs, int evalSources,
                                      DatasetStore store) {
        SentencePairs pairs;
        if (name.equals(ReversalPairs.NAME)) pairs = ReversalPairs.generate(seed, examples, maxLength);
        else {
            SentencePairs all = Datasets.pairs(name, store), cut = all.maxTokens(maxLength);
            pairs = name.equals(org.rnnzoo.datasets.CmudictG2p.NAME)
                    ? new SentencePairs(name, cut.train(), all.valid(), all.test()) : cut;
        }
        List<SentencePairs.Pair> train = pairs.train(), valid = pairs.valid(), test = pairs.test();
        if (trainPairs > 0) train = sample(train, trainPairs, seed, false);
        if (evalSources > 0) {
            valid = sample(valid, evalSources, seed, true);
            test = sample(test, evalSources, seed, true);
        }
        return new SentencePairs(pairs.name(), train, valid, test);
    }

    /** n pairs drawn at random, or (bySource) the pairs of n distinct sources; all of them when there are no more; in file order. */
    private static List<SentencePairs.Pair> sample(List<SentencePairs.Pair> pairs, int n, long seed, boolean bySource) {
        Map<Object, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < pairs.size(); i++) groups.computeIfAbsent(bySource ? pairs.get(i).source() : i, k -> new ArrayList<>()).add(i);
        if (n >= groups.size()) return pairs;
        List<List<Integer>> drawn = new ArrayList<>(groups.values());
        Collections.shuffle(drawn, new Random(seed));
        List<Integer> kept = new ArrayList<>();
        drawn.subList(0, n).forEach(kept::addAll);
        Collections.sort(kept);
        return kept.stream().map(pairs::get).toList();
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
