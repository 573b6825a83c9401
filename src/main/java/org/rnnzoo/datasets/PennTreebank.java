package org.rnnzoo.datasets;


import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Mikolov's Penn Treebank LM files (Mikolov et al. 2010): whitespace tokens and one {@code <eos>}
 * per line, the convention of every PTB perplexity table (Zaremba et al. 2014 included).
 */
public final class PennTreebank {
    public static final String NAME = "ptb";

    private PennTreebank() {}

    public static TokenCorpus load(DatasetStore store) {
        return new TokenCorpus(NAME, TokenCorpus.Level.WORD, split(store, "ptb.train.txt"), split(store, "ptb.valid.txt"),
                split(store, "ptb.test.txt"));
    }

    private static List<String> split(DatasetStore store, String file) {
        List<String> tokens = new ArrayList<>();
        for (String line : TextLines.read(store.path(NAME, file), StandardCharsets.UTF_8)) {
            for (String t : line.trim().split("\\s+")) if (!t.isEmpty()) tokens.add(t);
            tokens.add("<eos>");
        }
        return tokens;
    }
}
