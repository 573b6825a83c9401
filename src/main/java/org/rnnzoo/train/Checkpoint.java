package org.rnnzoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabularies;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The one checkpoint format of every task: a DL4J ModelSerializer zip (network + updater state)
 * that also carries, as JSON, the task kind, the named vocabularies ({@link Vocabularies}), the
 * resolved card and the trainer's state (Tribuo-style provenance), so a checkpoint alone can be
 * evaluated, sampled or resumed. Written to a temp file and renamed: a crash mid-write never leaves
 * a corrupt checkpoint under the real name.
 *
 * <p>Loading reads only DL4J's JSON configuration and its two ND4J arrays, never a Java-serialized
 * entry (ModelSerializer would deserialize a {@code preprocessor.bin} it finds, and a checkpoint
 * may come from a stranger), and checks every vocabulary against the network's sizes before use.
 */
public record Checkpoint(ComputationGraph net, ModelCard card, String task, Vocabularies vocabularies,
                         Map<String, Object> state) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CARD = "rnnzoo-card.json", STATE = "rnnzoo-state.json";
    /** Format 2: named vocabularies and the task kind. */
    private static final String VOCABS = "rnnzoo-vocabularies.json", TASK = "rnnzoo-task.json";
    /** Format 1 (language models only): one token list. Still read. */
    private static final String LEGACY_VOCAB = "rnnzoo-vocab.json";
    private static final String DL4J_CONFIG = "configuration.json", DL4J_PARAMS = "coefficients.bin", DL4J_UPDATER = "updaterState.bin";
    private static final int FORMAT = 2;

    /** The {@code tokens} vocabulary (every language model has one). */
    public Vocabulary vocabulary() { return vocabularies.vocabulary(Vocabularies.TOKENS); }

    public void save(Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            StagedFile staged = StagedFile.beside(path);
            Path tmp = staged.path();
            try {
                ModelSerializer.writeModel(net, tmp.toFile(), true);
                try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + tmp.toUri()), Map.of())) {
                    // Flat names: ModelSerializer's reader rejects any directory entry in the zip.
                    Files.writeString(zip.getPath(CARD), card.toJson());
                    Files.writeString(zip.getPath(VOCABS), JSON.writeValueAsString(vocabularies.asMap()));
                    Map<String, Object> task = new LinkedHashMap<>();
                    task.put("format", FORMAT);
                    task.put("task", this.task);
                    task.put("bindings", vocabularies.bindingsMap());
                    Files.writeString(zip.getPath(TASK), JSON.writeValueAsString(task));
                    Files.writeString(zip.getPath(STATE), JSON.writeValueAsString(state));
                }
                staged.commit();
            } finally {
                staged.close();
            }
        } catch (IOException e) {
            throw new ZooException("cannot write checkpoint " + path + ": " + ZooException.reason(e), e);
        }
    }

    public static Checkpoint load(Path path) {
        notACheckpoint(path);
        if (!Files.isRegularFile(path)) throw new ZooException("checkpoint not found: " + path);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(path.toFile())) {
            // read by name only: nothing is extracted, so a "../" entry has nowhere to go
            for (String name : List.of(CARD, STATE, VOCABS, TASK, LEGACY_VOCAB, DL4J_CONFIG, DL4J_PARAMS, DL4J_UPDATER)) {
                ZipEntry e = zip.getEntry(name);
                if (e == null) continue;
                try (InputStream in = zip.getInputStream(e)) { entries.put(name, in.readAllBytes()); }
            }
        } catch (IOException e) {
            throw new ZooException("cannot read checkpoint " + path + ": not a valid zip file (" + e.getMessage() + ")", e);
        }
        for (String name : List.of(CARD, STATE, DL4J_CONFIG, DL4J_PARAMS))
            if (!entries.containsKey(name)) throw new ZooException("not an rnn-zoo checkpoint: " + path + " (no " + name + " inside)");
        if (!entries.containsKey(VOCABS) && !entries.containsKey(LEGACY_VOCAB))
            throw new ZooException("not an rnn-zoo checkpoint: " + path + " (no " + VOCABS + " inside)");

        String where = "checkpoint " + path;
        ModelCard card;
        try {
            card = ModelCard.fromJson(text(entries, CARD));
            card.task();
        } catch (ZooException | ClassCastException e) {
            throw new ZooException(where + ": corrupt " + CARD + " (" + firstLine(String.valueOf(e.getMessage())) + ")", e);
        }
        Map<String, Object> state = json(where, STATE, text(entries, STATE), new TypeReference<LinkedHashMap<String, Object>>() {});
        String task;
        Vocabularies vocabs;
        if (entries.containsKey(VOCABS)) {
            Map<String, Object> meta = entries.containsKey(TASK)
                    ? json(where, TASK, text(entries, TASK), new TypeReference<LinkedHashMap<String, Object>>() {}) : Map.of();
            task = meta.get("task") instanceof String s ? s : card.task();
            if (!task.equals(card.task()))
                throw new ZooException(where + ": its " + CARD + " is a " + card.task() + " card (" + card.name() + ") but the checkpoint holds a "
                        + task + " network (a card from another model?)");
            Map<String, List<String>> words = json(where, VOCABS, text(entries, VOCABS), new TypeReference<LinkedHashMap<String, List<String>>>() {});
            Map<String, List<String>> bindings = new LinkedHashMap<>();
            if (meta.get("bindings") instanceof Map<?, ?> b)
                b.forEach((k, v) -> bindings.put(String.valueOf(k), v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of()));
            vocabs = Vocabularies.of(words, bindings);
        } else {
            // format 1: a language model's token list; its graph reads tokens at input 0 and predicts them at output 0
            task = card.task();
            List<String> words = json(where, LEGACY_VOCAB, text(entries, LEGACY_VOCAB), new TypeReference<List<String>>() {});
            vocabs = new Vocabularies().add(Vocabularies.TOKENS, words, "input:#0", "output:#0");
        }
        ComputationGraph net = network(path, entries);
        validate(path, net, vocabs);
        return new Checkpoint(net, card, task, vocabs, state);
    }

    /** The epoch in a checkpoint's trainer state, read without loading the network; null when missing or unreadable. */
    public static Integer epochOf(Path path) {
        if (!Files.isRegularFile(path)) return null;
        try (ZipFile zip = new ZipFile(path.toFile())) {
            ZipEntry e = zip.getEntry(STATE);
            if (e == null) return null;
            try (InputStream in = zip.getInputStream(e)) {
                Object epoch = JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {}).get("epoch");
                return epoch instanceof Number n ? n.intValue() : null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * What people pass where a checkpoint goes and is none: a run directory (its checkpoint is
     * inside), a kn-lm run or its ARPA file (a count model: no network to load).
     */
    private static void notACheckpoint(Path path) {
        if (Files.isDirectory(path)) {
            Path best = path.resolve("checkpoints").resolve("best.zip");
            if (Files.isRegularFile(best)) throw new ZooException(path + " is a run directory; pass its checkpoint " + best);
            if (Files.isRegularFile(path.resolve("model.arpa")))
                throw new ZooException(path + " is a kn-lm run: its model.arpa is an ARPA n-gram model, not a network checkpoint; its "
                        + "figures are in " + path.resolve("result.json") + " (KenLM's query scores the ARPA file)");
            throw new ZooException(path + " is a directory, not a checkpoint (.zip)");
        }
        if (!Files.isRegularFile(path)) return;
        byte[] head = new byte[64];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new ZooException("cannot read checkpoint " + path + ": " + e.getMessage(), e);
        }
        if (new String(head, 0, n, StandardCharsets.ISO_8859_1).stripLeading().startsWith("\\data\\"))
            throw new ZooException(path + " is an ARPA n-gram model (kn-lm writes one), not a network checkpoint: zoo eval / sample / info "
                    + "take a .zip; kn-lm's figures are in its run's result.json (KenLM's query scores the ARPA file)");
    }

    /** The network from DL4J's own entries, as ModelSerializer builds it, without its Java-deserialized extras. */
    private static ComputationGraph network(Path path, Map<String, byte[]> entries) {
        ComputationGraphConfiguration conf;
        try {
            conf = ComputationGraphConfiguration.fromJson(text(entries, DL4J_CONFIG));
        } catch (RuntimeException e) {
            throw new ZooException("cannot read checkpoint " + path + ": corrupt " + DL4J_CONFIG + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
        if (conf.getNetworkInputs() == null || conf.getVertices() == null || conf.getVertices().isEmpty())
            throw new ZooException("checkpoint " + path + ": " + DL4J_CONFIG + " is not a ComputationGraph configuration");
        try {
            INDArray params = read(entries.get(DL4J_PARAMS));
            conf.setDataType(params.dataType());
            ComputationGraph net = new ComputationGraph(conf);
            net.init(params, false);
            if (entries.containsKey(DL4J_UPDATER)) net.getUpdater().setStateViewArray(read(entries.get(DL4J_UPDATER)));
            return net;
        } catch (ZooException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new ZooException("cannot read checkpoint " + path + ": corrupt network (" + DL4J_PARAMS + " or " + DL4J_UPDATER
                    + " does not fit " + DL4J_CONFIG + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage())) + ")", e);
        }
    }

    /**
     * Every vocabulary must have exactly as many entries as the graph ends it is bound to: the
     * embedding's nIn behind an input, the output layer's nOut. A cut or swapped vocabulary would
     * otherwise give wrong figures with exit 0, or an index error deep in a sampler.
     */
    static void validate(Path path, ComputationGraph net, Vocabularies vocabs) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        for (String name : vocabs.names()) {
            int size = vocabs.size(name);
            if (size == 0) throw new ZooException("checkpoint " + path + ": vocabulary '" + name + "' is empty");
            for (String end : vocabs.bindings(name)) {
                long expected = graphEndSize(conf, end);
                if (expected >= 0 && expected != size)
                    throw new ZooException("checkpoint " + path + ": vocabulary '" + name + "' has " + size + " entries but the network's "
                            + end + " has " + expected + " (a vocabulary from another model?)");
            }
        }
    }

    /** nIn of the layer reading a graph input, nOut of an output layer; -1 when the vertex has no such size. */
    private static long graphEndSize(ComputationGraphConfiguration conf, String end) {
        boolean input = end.startsWith("input:");
        String name = end.substring(end.indexOf(':') + 1);
        List<String> ends = input ? conf.getNetworkInputs() : conf.getNetworkOutputs();
        if (name.startsWith("#")) {   // by position (format-1 checkpoints)
            int i = Integer.parseInt(name.substring(1));
            if (i >= ends.size()) return -1;
            name = ends.get(i);
        }
        if (!ends.contains(name)) throw new ZooException("checkpoint binds a vocabulary to " + end + ", which the network does not have");
        if (!input) return size(conf.getVertices().get(name), false);
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (!e.getValue().contains(name)) continue;
            long s = size(conf.getVertices().get(e.getKey()), true);
            if (s >= 0) return s;
        }
        return -1;
    }

    private static long size(GraphVertex v, boolean in) {
        if (!(v instanceof LayerVertex lv)) return -1;
        if (lv.getLayerConf().getLayer() instanceof EmbeddingSequenceLayer emb) return in ? emb.getNIn() : emb.getNOut();
        if (lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff) return in ? -1 : ff.getNOut();
        return -1;
    }

    private static INDArray read(byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            return Nd4j.read(in);
        }
    }

    private static String text(Map<String, byte[]> entries, String name) {
        return new String(entries.get(name), StandardCharsets.UTF_8);
    }

    private static <T> T json(String where, String entry, String text, TypeReference<T> type) {
        try {
            T value = JSON.readValue(text, type);
            if (value == null) throw new IOException("empty");
            return value;
        } catch (IOException e) {
            throw new ZooException(where + ": corrupt " + entry + " (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Lists what a checkpoint holds, for {@code zoo info}. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("task: " + task);
        for (String name : vocabularies.names())
            lines.add("vocabulary " + name + ": " + vocabularies.size(name) + " entries, bound to " + vocabularies.bindings(name)
                    + (name.equals(Vocabularies.LABELS) ? " " + vocabularies.entries(name) : ""));
        lines.add("trainer state: " + state);
        return lines;
    }

    /** Writes small text files the same way: temp file in the same directory, then rename. */
    public static void writeAtomically(Path path, String content) {
        try {
            StagedFile.writeString(path, content);
        } catch (IOException e) {
            throw new ZooException("cannot write " + path + ": " + ZooException.reason(e), e);
        }
    }
}
