package org.rnnzoo.data;

import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.datasets.Datasets;
import org.rnnzoo.datasets.TextFileCorpus;
import org.rnnzoo.datasets.TokenCorpus;

import java.nio.file.Path;

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
}
