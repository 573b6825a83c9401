package org.rnnzoo.datasets;

import java.util.List;

/**
 * A sequence-tagging dataset: tokenised sentences with one tag per token (part-of-speech tags),
 * per split.
 *
 * @param tags tag names, index = tag id
 */
public record TaggedSentences(String name, List<String> tags, List<Example> train, List<Example> valid, List<Example> test) {
    /** Tokens and their tags' ids, of equal length. */
    public record Example(List<String> tokens, int[] tags) {
        public Example {
            if (tokens.size() != tags.length)
                throw new IllegalArgumentException(tokens.size() + " tokens but " + tags.length + " tags");
        }
    }

    public TaggedSentences {
        tags = List.copyOf(tags);
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
    }

    /**
     * The same dataset with only the first {@code trainN} training and {@code validN} validation sentences (0, or more
     * than the split has: all of them); test unchanged, so a short run is still scored on the whole test split.
     */
    public TaggedSentences first(int trainN, int validN) {
        return new TaggedSentences(name, tags, head(train, trainN), head(valid, validN), test);
    }

    private static List<Example> head(List<Example> split, int n) { return n > 0 && n < split.size() ? split.subList(0, n) : split; }

    public List<Example> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "valid" -> valid;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split '" + split + "' (expected train, valid or test)");
        };
    }
}
