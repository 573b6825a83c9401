package org.rnnzoo.datasets;

import java.util.List;

/** A sequence-to-sequence dataset: (source tokens, target tokens) pairs per split. */
public record SentencePairs(String name, List<Pair> train, List<Pair> valid, List<Pair> test) {
    public record Pair(List<String> source, List<String> target) {}

    public SentencePairs {
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
    }

    /** The pairs whose source and target both have at most {@code maxTokens} tokens (a common seq2seq filter). */
    public SentencePairs maxTokens(int maxTokens) {
        return new SentencePairs(name, shortOnes(train, maxTokens), shortOnes(valid, maxTokens), shortOnes(test, maxTokens));
    }

    private static List<Pair> shortOnes(List<Pair> pairs, int max) {
        return pairs.stream().filter(p -> p.source().size() <= max && p.target().size() <= max).toList();
    }

    public List<Pair> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "valid" -> valid;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split '" + split + "' (expected train, valid or test)");
        };
    }
}
