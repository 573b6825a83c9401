package org.rnnzoo.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named vocabularies of one network, as a checkpoint carries them: {@code tokens} for a
 * language model; {@code source} and {@code target} for seq2seq; {@code tokens} and {@code labels}
 * for a classifier or tagger. Each name is bound to the graph inputs and outputs whose size it
 * fixes ({@code input:tokens}, {@code output:next}), so a loaded checkpoint can check every
 * vocabulary against the network before anything reads through it.
 *
 * <p>Token vocabularies start with the reserved ids ({@link Vocabulary}); label lists do not: a
 * label's index is its class id.
 */
public final class Vocabularies {
    public static final String TOKENS = "tokens", SOURCE = "source", TARGET = "target", LABELS = "labels";

    private final Map<String, List<String>> words = new LinkedHashMap<>();
    private final Map<String, List<String>> bindings = new LinkedHashMap<>();

    /** Adds a token vocabulary bound to graph ends such as {@code input:tokens} or {@code output:next}. */
    public Vocabularies tokens(String name, Vocabulary v, String... boundTo) {
        return add(name, v.words(), boundTo);
    }

    /** Adds a list of class names (index = class id) bound to graph ends. */
    public Vocabularies labels(String name, List<String> classes, String... boundTo) {
        return add(name, classes, boundTo);
    }

    public Vocabularies add(String name, List<String> entries, String... boundTo) {
        words.put(name, List.copyOf(entries));
        bindings.put(name, List.of(boundTo));
        return this;
    }

    public boolean has(String name) { return words.containsKey(name); }

    public List<String> names() { return List.copyOf(words.keySet()); }

    public List<String> entries(String name) {
        List<String> w = words.get(name);
        if (w == null) throw new IllegalArgumentException("no vocabulary '" + name + "' (have " + words.keySet() + ")");
        return w;
    }

    /** A token vocabulary by name ({@code tokens}, {@code source}, {@code target}). */
    public Vocabulary vocabulary(String name) { return Vocabulary.fromWords(entries(name)); }

    public int size(String name) { return entries(name).size(); }

    /** Graph ends this vocabulary fixes the size of: {@code input:NAME} (nIn) or {@code output:NAME} (nOut). */
    public List<String> bindings(String name) { return bindings.getOrDefault(name, List.of()); }

    /** Each vocabulary's size by name: what an architecture builds its graph from. */
    public Map<String, Integer> sizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        words.forEach((name, w) -> sizes.put(name, w.size()));
        return sizes;
    }

    public Map<String, List<String>> asMap() { return new LinkedHashMap<>(words); }

    public Map<String, List<String>> bindingsMap() { return new LinkedHashMap<>(bindings); }

    public static Vocabularies of(Map<String, List<String>> words, Map<String, List<String>> bindings) {
        Vocabularies v = new Vocabularies();
        words.forEach((name, w) -> v.add(name, w, bindings.getOrDefault(name, List.of()).toArray(new String[0])));
        return v;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        words.forEach((n, w) -> sb.append(sb.isEmpty() ? "" : ", ").append(n).append(' ').append(w.size()));
        return sb.toString();
    }
}
