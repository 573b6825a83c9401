package org.rnnzoo.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import org.rnnzoo.common.Names;
import org.rnnzoo.common.ZooException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A zoo entry as data (nanoGPT-style config): architecture, hyper-parameters, data, training recipe
 * and the reference result it should reach. Immutable; {@link #with} returns an overridden copy,
 * which is what {@code --set key=value} does. Keys are unique across sections, so {@code hidden}
 * and {@code model.hidden} name the same value.
 */
public final class ModelCard {
    /** Sections whose values are overridable; everything else is descriptive. */
    public static final List<String> SECTIONS = List.of("model", "data", "recipe");
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.SPLIT_LINES).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Values that must be strictly positive integers / non-negative numbers / probabilities. */
    private static final Set<String> POSITIVE = Set.of("hidden", "layers", "embedding", "epochs", "batch", "bptt",
            "eval_batch", "order", "context", "max_size", "examples", "max_length");
    private static final Set<String> PROBABILITY = Set.of("dropout", "lr_decay", "valid_fraction");
    /** The values that may be negative: every other number is a size, a rate or a count. A highway gate bias starts negative. */
    private static final Set<String> SIGNED = Set.of("seed", "gate_bias");

    private final Map<String, Object> root;

    private ModelCard(Map<String, Object> root) { this.root = root; }

    /** Loads {@code models/NAME.yaml} from the classpath (the cards ship inside the jar). */
    public static ModelCard load(String name) {
        try (InputStream in = ModelCard.class.getResourceAsStream("/models/" + name + ".yaml")) {
            if (in == null) throw new ZooException(Names.unknown("model", name, ModelRegistry.names()));
            return new ModelCard(YAML.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IOException e) {
            throw new ZooException("cannot read card models/" + name + ".yaml: " + e.getMessage(), e);
        }
    }

    public static ModelCard fromJson(String json) {
        try {
            return new ModelCard(JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IOException e) {
            throw new ZooException("corrupt model card in checkpoint: " + e.getMessage(), e);
        }
    }

    public String toJson() {
        try { return JSON.writeValueAsString(root); } catch (IOException e) { throw new IllegalStateException(e); }
    }

    public String toYaml() {
        try { return YAML.writeValueAsString(root); } catch (IOException e) { throw new IllegalStateException(e); }
    }

    public Map<String, Object> asMap() { return deepCopy(root); }

    public String name() { return (String) root.get("name"); }
    public String architecture() { return (String) root.get("architecture"); }
    public String task() { return (String) root.getOrDefault("task", "language-model"); }
    public String summary() { return String.valueOf(root.getOrDefault("summary", "")); }

    @SuppressWarnings("unchecked")
    public Map<String, Object> reference() {
        Object r = root.get("reference");
        return r instanceof Map ? (Map<String, Object>) r : Map.of();
    }

    /** All overridable keys in card order. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (String s : SECTIONS) keys.addAll(section(s).keySet());
        return keys;
    }

    public boolean has(String key) { return sectionOf(key) != null; }

    public Object get(String key) {
        String s = sectionOf(key);
        if (s == null) throw new ZooException(Names.unknown("card key", key, keys()) + " in card " + name());
        return section(s).get(key);
    }

    public int getInt(String key) { return ((Number) get(key)).intValue(); }
    public long getLong(String key) { return ((Number) get(key)).longValue(); }
    public double getDouble(String key) { return ((Number) get(key)).doubleValue(); }
    public boolean getBool(String key) { return (Boolean) get(key); }
    public String getString(String key) { return String.valueOf(get(key)); }

    /**
     * Returns a copy with {@code key} set. A string value is parsed to the type of the card's
     * default (int, double, boolean, string) and range-checked; errors name the key and value.
     */
    public ModelCard with(String key, Object value) {
        String k = key.contains(".") ? key.substring(key.indexOf('.') + 1) : key;
        String s = sectionOf(k);
        if (s == null) throw new ZooException(Names.unknown("card key", key, keys()) + " in card " + name());
        Object typed = coerce(k, section(s).get(k), value);
        Map<String, Object> copy = deepCopy(root);
        sectionMap(copy, s).put(k, typed);
        return new ModelCard(copy);
    }

    /** Named sets of overrides in the card's {@code presets} section (e.g. a paper's recipe). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> presets() {
        Object p = root.get("presets");
        return p instanceof Map ? (Map<String, Object>) p : Map.of();
    }

    /** Applies a preset: every key it names is set as {@link #with} would. */
    @SuppressWarnings("unchecked")
    public ModelCard withPreset(String preset) {
        Object p = presets().get(preset);
        if (!(p instanceof Map)) throw new ZooException(Names.unknown("preset", preset, presets().keySet()) + " in card " + name());
        ModelCard c = this;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) p).entrySet()) c = c.with(e.getKey(), e.getValue());
        return c;
    }

    /** Applies {@code key=value} strings as given on the command line. */
    public ModelCard withAll(List<String> assignments) {
        ModelCard c = this;
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new ZooException("--set expects key=value, got '" + a + "'");
            c = c.with(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
        }
        return c;
    }

    private static Object coerce(String key, Object current, Object value) {
        String text = String.valueOf(value);
        Object typed;
        try {
            if (current instanceof Integer || current instanceof Long) typed = Integer.parseInt(text);
            else if (current instanceof Number) typed = Double.parseDouble(text);
            else if (current instanceof Boolean) {
                if (!text.equals("true") && !text.equals("false")) throw new NumberFormatException();
                typed = Boolean.parseBoolean(text);
            } else typed = text;
        } catch (NumberFormatException e) {
            String type = current instanceof Integer || current instanceof Long ? "an integer"
                    : current instanceof Number ? "a number" : "true or false";
            throw new ZooException("bad value for " + key + ": '" + text + "' is not " + type);
        }
        if (typed instanceof Number n) {
            // Java's parser takes "NaN" and "Infinity"; either trains a model that never moves or explodes
            if (!Double.isFinite(n.doubleValue()))
                throw new ZooException("bad value for " + key + ": '" + text + "' is not a finite number");
            if (POSITIVE.contains(key) && n.doubleValue() <= 0)
                throw new ZooException("bad value for " + key + ": " + text + " (must be > 0)");
            if (PROBABILITY.contains(key) && (n.doubleValue() < 0 || n.doubleValue() >= 1))
                throw new ZooException("bad value for " + key + ": " + text + " (must be in [0, 1))");
            if (n.doubleValue() < 0 && !SIGNED.contains(key))
                throw new ZooException("bad value for " + key + ": " + text + " (must be >= 0)");
        }
        return typed;
    }

    private String sectionOf(String key) {
        for (String s : SECTIONS) if (section(s).containsKey(key)) return s;
        return null;
    }

    private Map<String, Object> section(String s) { return sectionMap(root, s); }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sectionMap(Map<String, Object> root, String s) {
        Object m = root.get(s);
        return m instanceof Map ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map ? deepCopy((Map<String, Object>) v) : v));
        return out;
    }
}
