package org.rnnzoo.datasets;

import java.util.List;

/**
 * A language-modelling corpus as three token streams. Word level: sentences end with
 * {@code <eos>}; character level: one token per character (newlines included).
 *
 * @param name  dataset name as the user gave it (e.g. {@code ptb}, {@code text:book.txt})
 * @param level {@code word} or {@code char}
 */
public record TokenCorpus(String name, Level level, List<String> train, List<String> valid, List<String> test) {
    public enum Level { WORD, CHAR }

    /** The end-of-sentence token of word-level streams (also {@code Vocabulary.EOS}). */
    public static final String EOS = "<eos>";

    public List<String> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "valid" -> valid;
            case "test" -> test;
            default -> throw new org.rnnzoo.common.ZooException("unknown split '" + split + "' (expected train, valid or test)");
        };
    }
}
