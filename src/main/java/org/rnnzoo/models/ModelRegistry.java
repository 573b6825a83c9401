package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The one place a zoo name becomes a network (fairseq's register_model, DL4J zoo's init()).
 * A card's {@code architecture} names the builder; the CLI and notebooks go through here.
 */
public final class ModelRegistry {
    /** An architecture builds its graph from the card and the sizes of its named vocabularies. */
    private static final Map<String, BiFunction<ModelCard, Map<String, Integer>, ComputationGraph>> ARCHITECTURES = new LinkedHashMap<>();
    private static final List<String> NAMES = List.of("kn-lm", "nplm", "rnn-lm", "lstm-lm", "residual-lm", "highway-lm",
            "dense-lm", "rnn-sentiment", "birnn-sentiment", "rnn-tagger", "birnn-tagger", "seq2seq",
            "seq2seq-attention");

    static {
        ARCHITECTURES.put("Nplm", (card, v) -> Nplm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("RnnLm", (card, v) -> RnnLm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("LstmLm", (card, v) -> LstmLm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("RnnClassifier", (card, v) -> RnnClassifier.build(card, size(v, "tokens"), size(v, "labels")));
        ARCHITECTURES.put("RnnTagger", (card, v) -> RnnTagger.build(card, size(v, "tokens"), size(v, "labels")));
        ARCHITECTURES.put("Seq2Seq", (card, v) -> Seq2Seq.build(card, size(v, "source"), size(v, "target")));
        ARCHITECTURES.put("BiRnnClassifier", (card, v) -> BiRnnClassifier.build(card, size(v, "tokens"), size(v, "labels")));
        ARCHITECTURES.put("BiRnnTagger", (card, v) -> BiRnnTagger.build(card, size(v, "tokens"), size(v, "labels")));
        ARCHITECTURES.put("ResidualLm", (card, v) -> ResidualLm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("HighwayLm", (card, v) -> HighwayLm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("DenseLm", (card, v) -> DenseLm.build(card, size(v, "tokens")));
        ARCHITECTURES.put("Seq2SeqAttention", (card, v) -> Seq2SeqAttention.build(card, size(v, "source"), size(v, "target")));
    }

    private ModelRegistry() {}

    /** Zoo entries, in the order the lecture tells them. */
    public static List<String> names() { return NAMES; }

    public static ModelCard card(String name) {
        if (!NAMES.contains(name)) throw new ZooException(Names.unknown("model", name, NAMES));
        return ModelCard.load(name);
    }

    /** A freshly initialised language-model ComputationGraph for the card, with the given vocabulary size. */
    public static ComputationGraph build(ModelCard card, int vocabSize) { return build(card, Map.of("tokens", vocabSize)); }

    /**
     * A freshly initialised ComputationGraph for the card; {@code sizes} gives each named vocabulary's
     * size ({@code tokens}; {@code tokens} and {@code labels}; {@code source} and {@code target}).
     */
    public static ComputationGraph build(ModelCard card, Map<String, Integer> sizes) {
        if (card.task().equals("count-language-model"))
            throw new ZooException(card.name() + " is a count model, not a network: train it with `zoo train " + card.name() + "`");
        BiFunction<ModelCard, Map<String, Integer>, ComputationGraph> b = ARCHITECTURES.get(card.architecture());
        if (b == null) throw new ZooException(Names.unknown("architecture", card.architecture(), ARCHITECTURES.keySet())
                + " in card " + card.name());
        return b.apply(card, sizes);
    }

    private static int size(Map<String, Integer> sizes, String name) {
        Integer s = sizes.get(name);
        if (s == null) throw new ZooException("no size given for vocabulary '" + name + "' (have " + sizes.keySet() + ")");
        return s;
    }

    /** Builds a zoo model by name with overrides, e.g. {@code build("lstm-lm", 10000, "hidden=650")}. */
    public static ComputationGraph build(String name, int vocabSize, String... overrides) {
        return build(card(name).withAll(List.of(overrides)), vocabSize);
    }
}
