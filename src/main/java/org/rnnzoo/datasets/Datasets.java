package org.rnnzoo.datasets;

import org.datavec.api.records.reader.RecordReader;
import org.datavec.api.transform.TransformProcess;
import org.datavec.api.transform.schema.Schema;
import org.rnnzoo.common.Names;

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
 * RecordReader sst2 = Datasets.reader("sst2", "train");   // DataVec records: [text, label]
 * }</pre>
 */
public final class Datasets {
    /** What a dataset loads as. */
    public enum Kind {
        LANGUAGE_MODEL("language-model corpus", "Datasets.lm"),
        CLASSIFICATION("sentence-classification dataset", "Datasets.classification"),
        PAIRS("sentence-pair dataset", "Datasets.pairs"),
        TAGGING("sequence-tagging dataset", "Datasets.tagged");

        final String what, loader;

        Kind(String what, String loader) { this.what = what; this.loader = loader; }
    }

    private static final Map<String, Kind> KINDS = new LinkedHashMap<>();
    /** Datasets read from another card's files (no card, files or cache folder of their own): name → that card. */
    private static final Map<String, String> VIEWS = Map.of(BrownCorpus.POS, BrownCorpus.NAME);

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
    public static final List<String> SPLITS = List.of("train", "valid", "test");

    private Datasets() {}

    /** Every dataset card, in the order of the lecture (language models, classification, pairs). */
    public static List<String> names() { return List.copyOf(KINDS.keySet()); }

    /** The datasets read from another card's files ({@code brown-pos}: {@code brown}'s), see {@link #card}. */
    public static List<String> views() { return VIEWS.keySet().stream().sorted().toList(); }

    /** The card whose files and recipe a dataset reads: its own, or for a view the card it is a view of. */
    public static String card(String name) {
        kind(name);
        return VIEWS.getOrDefault(name, name);
    }

    public static Kind kind(String name) {
        if (name.startsWith(TEXT_PREFIX)) return Kind.LANGUAGE_MODEL;
        if (VIEWS.containsKey(name)) return Kind.TAGGING;
        Kind k = KINDS.get(name);
        if (k == null) {
            List<String> all = new java.util.ArrayList<>(names());
            all.addAll(views());
            throw new DatasetException(Names.unknown("dataset", name, all) + "; or text:PATH for a text file");
        }
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

    /** A part-of-speech tagging dataset: {@code brown-pos} (datasets/brown.yaml, {@code pos}). */
    public static TaggedSentences tagged(String name, DatasetStore store) {
        return switch (require(name, Kind.TAGGING)) {
            case BrownCorpus.POS -> BrownCorpus.tagged(store);
            default -> throw new IllegalStateException(name);
        };
    }

    /**
     * One split of a dataset as a DataVec reader over the raw reader's records (see
     * {@link DatasetRecords}): a {@link org.datavec.api.records.reader.SequenceRecordReader} of
     * tokens for a language-model corpus, a reader of [text, label] for a classification dataset, of
     * [source, target] for a pair dataset, of [text, tags] for a tagging dataset. {@link #schema} describes the columns.
     *
     * @param split {@code train}, {@code valid} or {@code test} (MR's sentences are all in {@code train};
     *              {@code DatasetRecords.reader(Datasets.classification("mr", store).fold(k), split)} reads a fold)
     */
    public static RecordReader reader(String name, String split, DatasetStore store) {
        if (!SPLITS.contains(split)) throw new DatasetException("unknown split '" + split + "' (expected " + String.join(", ", SPLITS) + ")");
        return readers(name, store).get(split);
    }

    /** {@link #reader} for every split, from one load of the dataset: split name → reader, in the order of {@link #SPLITS}. */
    public static Map<String, RecordReader> readers(String name, DatasetStore store) {
        Map<String, RecordReader> out = new LinkedHashMap<>();
        switch (kind(name)) {
            case LANGUAGE_MODEL -> {
                TokenCorpus c = lm(name, store);
                for (String s : SPLITS) out.put(s, DatasetRecords.reader(c, s));
            }
            case CLASSIFICATION -> {
                LabelledSentences c = classification(name, store);
                for (String s : SPLITS) out.put(s, DatasetRecords.reader(c, s));
            }
            case PAIRS -> {
                SentencePairs c = pairs(name, store);
                for (String s : SPLITS) out.put(s, DatasetRecords.reader(c, s));
            }
            case TAGGING -> {
                TaggedSentences c = tagged(name, store);
                for (String s : SPLITS) out.put(s, DatasetRecords.reader(c, s));
            }
        }
        return out;
    }

    /** As {@link #reader(String, String, DatasetStore)} with the default store (cache, mirror, downloads). */
    public static RecordReader reader(String name, String split) { return reader(name, split, new DatasetStore()); }

    /** The columns of {@link #reader}'s records for this dataset (a {@code SequenceSchema} for a token stream). */
    public static Schema schema(String name) {
        return switch (kind(name)) {
            case LANGUAGE_MODEL -> DatasetRecords.streamSchema();
            case CLASSIFICATION -> DatasetRecords.sentenceSchema(classes(name));
            case PAIRS -> DatasetRecords.pairSchema();
            case TAGGING -> DatasetRecords.taggedSchema();
        };
    }

    /** A classification dataset's normalisation as a DataVec {@link TransformProcess}: lower-cased text, integer label. */
    public static TransformProcess transform(String name) {
        return DatasetRecords.sentenceNormalisation(classes(require(name, Kind.CLASSIFICATION)));
    }

    private static List<String> classes(String name) {
        return switch (name) {
            case "sst2" -> StanfordSentiment.BINARY;
            case "sst5" -> StanfordSentiment.FINE;
            case "mr" -> MovieReviews.CLASSES;
            default -> throw new IllegalStateException(name);
        };
    }

    /** Loads a dataset and counts it per split: tokens, sentences or pairs (the numbers {@code zoo data info} prints). */
    public static Map<String, Integer> counts(String name, DatasetStore store) {
        Map<String, Integer> out = new LinkedHashMap<>();
        switch (kind(name)) {
            case LANGUAGE_MODEL -> {
                TokenCorpus c = lm(name, store);
                for (String s : SPLITS) out.put(s, c.split(s).size());
            }
            case CLASSIFICATION -> {
                LabelledSentences c = classification(name, store);
                for (String s : SPLITS) out.put(s, c.split(s).size());
            }
            case PAIRS -> {
                SentencePairs c = pairs(name, store);
                for (String s : SPLITS) out.put(s, c.split(s).size());
            }
            case TAGGING -> {   // tokens, as a tagger is scored
                TaggedSentences c = tagged(name, store);
                for (String s : SPLITS) out.put(s, c.split(s).stream().mapToInt(e -> e.tokens().size()).sum());
            }
        }
        return out;
    }

    private static String require(String name, Kind wanted) {
        Kind k = kind(name);
        if (k != wanted)
            throw new DatasetException("dataset '" + name + "' is a " + k.what + ", not a " + wanted.what + ": load it with "
                    + k.loader + "; " + wanted.what + "s: " + String.join(", ",
                    java.util.stream.Stream.concat(KINDS.keySet().stream(), VIEWS.keySet().stream())
                            .filter(n -> kind(n) == wanted).toList()));
        return name;
    }
}
