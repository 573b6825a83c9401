package org.rnnzoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.datasets.DatasetStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Trained models by name, as the DL4J zoo offers pretrained weights: a checkpoint copied into
 * {@code $ZOO_HOME/models/} (default {@code ~/.rnnzoo/models}) with its sha256 recorded in
 * {@code index.json}, and verified against it every time it is loaded.
 *
 * <p>A name is {@code MODEL:DATASET}, optionally {@code MODEL:DATASET/ROW} ({@code lstm-lm:ptb},
 * {@code lstm-lm:ptb/lstm-small}); one file may carry several names. {@code zoo reproduce}
 * registers each results-table row, {@code zoo train --register NAME} any run.
 */
public final class ModelStore {
    /** One stored checkpoint: its names, its file in the store, and what made it. */
    public record Entry(List<String> names, String file, String sha256, long bytes, String registered, Map<String, Object> provenance) {}

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*:[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)?");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    /** The store under {@code $ZOO_HOME} (system property {@code zoo.home} first, for tests), else {@code ~/.rnnzoo}. */
    public ModelStore() { this(home().resolve("models")); }

    public ModelStore(Path dir) { this.dir = dir.toAbsolutePath().normalize(); }

    public Path dir() { return dir; }

    static Path home() { return org.rnnzoo.common.ZooHome.dir(); }

    /** Whether {@code s} is a trained-model name rather than a path. */
    public static boolean isName(String s) { return NAME.matcher(s).matches(); }

    public static void checkName(String name) {
        if (!isName(name))
            throw new ZooException("bad trained-model name '" + name + "' (expected MODEL:DATASET or MODEL:DATASET/ROW, "
                    + "lower-case letters, digits, - and _, e.g. lstm-lm:ptb)");
    }

    /**
     * Copies {@code checkpoint} into the store under {@code names} (the first one names the file),
     * hashing it on the way. A name registered before moves to the new file; a file left without
     * names is deleted.
     */
    public Entry register(List<String> names, Path checkpoint, Map<String, Object> provenance) {
        names.forEach(ModelStore::checkName);
        String file = names.get(0).replace(':', '.').replace('/', '.') + ".zip";
        Path target = dir.resolve(file);
        String sha;
        try (StagedFile tmp = StagedFile.beside(target)) {
            MessageDigest md = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(checkpoint), md);
                 OutputStream out = Files.newOutputStream(tmp.path())) {
                in.transferTo(out);
            }
            sha = HexFormat.of().formatHex(md.digest());
            tmp.commit();
        } catch (IOException e) {
            throw new ZooException("cannot copy " + checkpoint + " into " + dir + ": " + e.getMessage(), e);
        }
        Map<String, Object> source = new LinkedHashMap<>(provenance);
        source.put("checkpoint", checkpoint.toAbsolutePath().normalize().toString());
        Entry entry = new Entry(List.copyOf(names), file, sha, size(target),
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), source);
        List<Entry> kept = new ArrayList<>();
        for (Entry e : list()) {
            List<String> left = new ArrayList<>(e.names());
            left.removeAll(names);
            if (e.file().equals(file)) continue;
            if (left.isEmpty()) deleteQuietly(dir.resolve(e.file()));
            else kept.add(new Entry(left, e.file(), e.sha256(), e.bytes(), e.registered(), e.provenance()));
        }
        kept.add(entry);
        try {
            Checkpoint.writeAtomically(index(), JSON.writeValueAsString(kept) + "\n");
        } catch (IOException e) {
            throw new ZooException("cannot write " + index() + ": " + e.getMessage(), e);
        }
        return entry;
    }

    /** Every stored checkpoint, in the order registered. */
    public List<Entry> list() {
        if (!Files.isRegularFile(index())) return List.of();
        try {
            return JSON.readValue(index().toFile(), new TypeReference<List<Entry>>() {});
        } catch (IOException e) {
            throw new ZooException("cannot read " + index() + ": " + e.getMessage(), e);
        }
    }

    public Optional<Entry> find(String name) {
        return list().stream().filter(e -> e.names().contains(name)).findFirst();
    }

    /**
     * What a trained model's entry records from its run's result: the task's own metric
     * ({@code metric}: ppl, accuracy, wer ...) and its valid and test figures.
     */
    public static Map<String, Object> provenanceOf(Map<String, Object> result) {
        String metric = String.valueOf(result.getOrDefault("metric", "ppl"));
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("metric", metric);
        p.put("valid_" + metric, result.get("valid_" + metric));
        p.put("test_" + metric, result.get("test_" + metric));
        return p;
    }

    /** The entry's file, after its sha256 has been checked against the one recorded when it was registered. */
    public Path verified(String name, Entry entry) {
        Path p = dir.resolve(entry.file());
        if (!Files.isRegularFile(p))
            throw new ZooException("trained model " + name + ": " + p + " is missing (" + index() + " lists it); register it again");
        String sha;
        try {
            sha = DatasetStore.sha256(p);
        } catch (IOException e) {
            throw new ZooException("cannot read " + p + ": " + e.getMessage(), e);
        }
        if (!sha.equals(entry.sha256()))
            throw new ZooException("trained model " + name + " failed its sha256 check: " + p + " hashes to " + sha.substring(0, 12)
                    + "..., " + index().getFileName() + " records " + entry.sha256().substring(0, 12) + "... (the file changed after it was registered)");
        return p;
    }

    private Path index() { return dir.resolve("index.json"); }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new ZooException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // an orphan file costs disk space, not correctness: index.json no longer names it
        }
    }
}
