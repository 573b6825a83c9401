package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.rnnzoo.Names;
import org.rnnzoo.ZooException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The one place a zoo name becomes a network (fairseq's register_model, DL4J zoo's init()).
 * A card's {@code architecture} names the builder; the CLI and notebooks go through here.
 */
public final class ModelRegistry {
    private static final Map<String, BiFunction<ModelCard, Integer, ComputationGraph>> ARCHITECTURES = new LinkedHashMap<>();
    private static final List<String> NAMES = List.of("kn-lm", "nplm", "rnn-lm", "lstm-lm");

    static {
        ARCHITECTURES.put("Nplm", Nplm::build);
        ARCHITECTURES.put("RnnLm", RnnLm::build);
        ARCHITECTURES.put("LstmLm", LstmLm::build);
    }

    private ModelRegistry() {}

    /** Zoo entries, in the order the lecture tells them. */
    public static List<String> names() { return NAMES; }

    public static ModelCard card(String name) {
        if (!NAMES.contains(name)) throw new ZooException(Names.unknown("model", name, NAMES));
        return ModelCard.load(name);
    }

    /** A freshly initialised ComputationGraph for the card, with the given vocabulary size. */
    public static ComputationGraph build(ModelCard card, int vocabSize) {
        if (card.task().equals("count-language-model"))
            throw new ZooException(card.name() + " is a count model, not a network: train it with `zoo train " + card.name() + "`");
        BiFunction<ModelCard, Integer, ComputationGraph> b = ARCHITECTURES.get(card.architecture());
        if (b == null) throw new ZooException(Names.unknown("architecture", card.architecture(), ARCHITECTURES.keySet())
                + " in card " + card.name());
        return b.apply(card, vocabSize);
    }

    /** Builds a zoo model by name with overrides, e.g. {@code build("lstm-lm", 10000, "hidden=650")}. */
    public static ComputationGraph build(String name, int vocabSize, String... overrides) {
        return build(card(name).withAll(List.of(overrides)), vocabSize);
    }
}
