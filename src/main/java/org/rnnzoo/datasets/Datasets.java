package org.rnnzoo.datasets;

import org.rnnzoo.Names;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place a dataset name becomes data. Names are the cards in {@code datasets/}; language
 * models also accept {@code text:PATH} (any UTF-8 file).
 * <pre>{@code
 * TokenCorpus ptb = Datasets.lm("ptb", new DatasetStore());
 * LabelledSentences mr = Datasets.classification("mr", store); mr.fold(3);
 * SentencePairs g2p = Datasets.pairs("cmudict-g2p", store);
 * }</pre>
 */
public final class Datasets {
    /** What a dataset loads as. */
    public enum Kind {
        LANGUAGE_MODEL("language-model corpus", "Datasets.lm"),
        CLASSIFICATION("sentence-classification dataset", "Datasets.classification"),
        PAIRS("sentence-pair dataset", "Datasets.pairs");

        final String what, loader;

        Kind(String what, String loader) { this.what = what; this.loader = loader; }
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("ptb", Kind.LANGUAGE_MODEL);
        KINDS.put("brown", Kind.LANGUAGE_MODEL);
        KINDS.put("tinyshakespeare", Kind.LANGUAGE_MODEL);
        KINDS.put("sst2", Kind.CLASSIFICATION);
        KINDS.put("sst5", Kind.CLASSIFICATION);
        KINDS.put("mr", Kind.CLASSIFICATION);
        KINDS.put("cmudict-g2p", Kind.PAIRS);
        KINDS.put("eng-fra", Kind.PAIRS);
    }

    public static final String TEXT_PREFIX = "text:";

    private Datasets() {}

    /** Every named dataset, in the order of the lecture (language models, classification, pairs). */
    public static List<String> names() { return List.copyOf(KINDS.keySet()); }

    public static Kind kind(String name) {
        if (name.startsWith(TEXT_PREFIX)) return Kind.LANGUAGE_MODEL;
        Kind k = KINDS.get(name);
        if (k == null) throw new DatasetException(Names.unknown("dataset", name, names()) + "; or text:PATH for a text file");
        return k;
    }

    /** A language-model corpus: {@code ptb}, {@code brown}, {@code tinyshakespeare}, or {@code text:PATH} at word level. */
    public static TokenCorpus lm(String name, DatasetStore store) {
        if (name.startsWith(TEXT_PREFIX)) return TextFileCorpus.load(Path.of(name.substring(TEXT_PREFIX.length())), TokenCorpus.Level.WORD);
        return switch (require(name, Kind.LANGUAGE_MODEL)) {
            case "ptb" -> PennTreebank.load(store);
            case "brown" -> BrownCorpus.load(store);
            case "tinyshakespeare" -> TinyShakespeare.load(store);
            default -> throw new IllegalStateException(name);
        };
    }

    /** As {@link #lm(String, DatasetStore)}; {@code level} picks word or char for {@code text:PATH} and must match a named corpus. */
    public static TokenCorpus lm(String name, TokenCorpus.Level level, DatasetStore store) {
        if (name.startsWith(TEXT_PREFIX)) return TextFileCorpus.load(Path.of(name.substring(TEXT_PREFIX.length())), level);
        TokenCorpus c = lm(name, store);
        if (c.level() != level)
            throw new DatasetException("dataset '" + name + "' is " + c.level().name().toLowerCase() + " level, not "
                    + level.name().toLowerCase() + " (use level=" + c.level().name().toLowerCase() + ")");
        return c;
    }

    public static LabelledSentences classification(String name, DatasetStore store) {
        return switch (require(name, Kind.CLASSIFICATION)) {
            case "sst2", "sst5" -> StanfordSentiment.load(store, name);
            case "mr" -> MovieReviews.load(store);
            default -> throw new IllegalStateException(name);
        };
    }

    public static SentencePairs pairs(String name, DatasetStore store) {
        return switch (require(name, Kind.PAIRS)) {
            case "cmudict-g2p" -> CmudictG2p.load(store);
            case "eng-fra" -> EnglishFrench.load(store);
            default -> throw new IllegalStateException(name);
        };
    }

    /** Loads a dataset and counts it per split: tokens, sentences or pairs (the numbers {@code zoo data info} prints). */
    public static Map<String, Integer> counts(String name, DatasetStore store) {
        Map<String, Integer> out = new LinkedHashMap<>();
        switch (kind(name)) {
            case LANGUAGE_MODEL -> {
                TokenCorpus c = lm(name, store);
                for (String s : List.of("train", "valid", "test")) out.put(s, c.split(s).size());
            }
            case CLASSIFICATION -> {
                LabelledSentences c = classification(name, store);
                for (String s : List.of("train", "valid", "test")) out.put(s, c.split(s).size());
            }
            case PAIRS -> {
                SentencePairs c = pairs(name, store);
                for (String s : List.of("train", "valid", "test")) out.put(s, c.split(s).size());
            }
        }
        return out;
    }

    private static String require(String name, Kind wanted) {
        Kind k = kind(name);
        if (k != wanted)
            throw new DatasetException("dataset '" + name + "' is a " + k.what + ", not a " + wanted.what + ": load it with "
                    + k.loader + "; " + wanted.what + "s: " + String.join(", ",
                    KINDS.entrySet().stream().filter(e -> e.getValue() == wanted).map(Map.Entry::getKey).toList()));
        return name;
    }
}
