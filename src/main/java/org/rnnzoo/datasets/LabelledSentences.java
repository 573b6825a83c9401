package org.rnnzoo.datasets;

import java.util.ArrayList;
import java.util.List;

/**
 * A sentence-classification dataset: tokenised sentences with an integer label in
 * {@code [0, classes.size())}. Datasets without a standard split (MR) come as one shuffled list in
 * {@code train}, empty {@code valid}/{@code test}, and {@code folds > 0}: {@link #fold} gives the
 * cross-validation splits.
 *
 * @param classes class names, index = label
 * @param folds   number of cross-validation folds, 0 when the split is fixed
 */
public record LabelledSentences(String name, List<String> classes, List<Example> train, List<Example> valid,
                                List<Example> test, int folds) {
    public record Example(int label, List<String> tokens) {}

    public LabelledSentences {
        classes = List.copyOf(classes);
        train = List.copyOf(train);
        valid = List.copyOf(valid);
        test = List.copyOf(test);
    }

    public int numClasses() { return classes.size(); }

    public List<Example> split(String split) {
        return switch (split) {
            case "train" -> train;
            case "valid" -> valid;
            case "test" -> test;
            default -> throw new IllegalArgumentException("unknown split '" + split + "' (expected train, valid or test)");
        };
    }

    /**
     * Cross-validation fold {@code k} (0-based): test = the k-th of {@code folds} contiguous
     * blocks of the (already shuffled) examples, train = the rest, valid empty. Block k is
     * {@code [k·n/folds, (k+1)·n/folds)}, so the folds partition the data.
     */
    public LabelledSentences fold(int k) {
        if (folds == 0) throw new DatasetException("dataset '" + name + "' has a fixed train/valid/test split, no folds");
        if (k < 0 || k >= folds) throw new DatasetException("dataset '" + name + "': fold " + k + " does not exist (0.." + (folds - 1) + ")");
        int n = train.size(), from = (int) ((long) k * n / folds), to = (int) ((long) (k + 1) * n / folds);
        List<Example> rest = new ArrayList<>(train.subList(0, from));
        rest.addAll(train.subList(to, n));
        return new LabelledSentences(name + "/fold-" + k, classes, rest, List.of(), train.subList(from, to), 0);
    }
}
