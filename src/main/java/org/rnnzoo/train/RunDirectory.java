package org.rnnzoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.rnnzoo.common.StagedFile;
import org.rnnzoo.common.ZooException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One training run on disk: {@code run.json} (what was asked for), {@code metrics.jsonl} (one JSON
 * object per evaluation), {@code checkpoints/epoch-NNN.zip} and {@code best.zip},
 * {@code result.json} (final figures) and {@code curve.png}.
 */
public final class RunDirectory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    public RunDirectory(Path dir) { this.dir = dir; }

    public Path path() { return dir; }
    public Path checkpoints() { return dir.resolve("checkpoints"); }
    public Path epochCheckpoint(int epoch) { return checkpoints().resolve(String.format("epoch-%03d.zip", epoch)); }
    public Path bestCheckpoint() { return checkpoints().resolve("best.zip"); }
    public Path metrics() { return dir.resolve("metrics.jsonl"); }
    public Path result() { return dir.resolve("result.json"); }
    public Path spec() { return dir.resolve("run.json"); }
    public Path curve() { return dir.resolve("curve.png"); }

    /** The newest epoch checkpoint, or null if training never finished an epoch. */
    public Path latestCheckpoint() {
        if (!Files.isDirectory(checkpoints())) return null;
        try (Stream<Path> s = Files.list(checkpoints())) {
            return s.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.zip")).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            throw new ZooException("cannot list " + checkpoints() + ": " + e.getMessage(), e);
        }
    }

    /** A run's own files, the only ones {@link #clear()} deletes (count models write model.arpa instead of checkpoints). */
    public static final List<String> RUN_FILES = List.of("run.json", "metrics.jsonl", "result.json", "curve.png", "model.arpa", "checkpoints/");

    /** Whether a run started here: run.json exists. */
    public boolean holdsRun() { return Files.isRegularFile(spec()); }

    /** A run that stopped before anything worth keeping: no finished epoch, no result. */
    public boolean stoppedBeforeFirstCheckpoint() {
        return holdsRun() && latestCheckpoint() == null && !Files.exists(result());
    }

    /**
     * Deletes the files a run writes ({@link #RUN_FILES}, and temporary files a killed write left
     * behind) and nothing else: a file of the user's in the same folder stays.
     */
    public void clear() {
        try {
            for (String f : RUN_FILES) if (!f.endsWith("/")) Files.deleteIfExists(dir.resolve(f));
            deleteLeftovers(dir);
            if (Files.isDirectory(checkpoints())) {
                try (Stream<Path> s = Files.list(checkpoints())) {
                    for (Path p : s.toList())
                        if (p.getFileName().toString().matches("epoch-\\d+\\.zip|best\\.zip")) Files.delete(p);
                }
                deleteLeftovers(checkpoints());
                try (Stream<Path> s = Files.list(checkpoints())) {
                    if (s.findAny().isEmpty()) Files.delete(checkpoints());
                }
            }
        } catch (IOException e) {
            throw new ZooException("cannot clear the old run in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void deleteLeftovers(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.toList()) if (StagedFile.isLeftover(p.getFileName().toString())) Files.delete(p);
        }
    }

    public void writeSpec(Map<String, Object> spec) { writeJson(spec(), spec); }

    public Map<String, Object> readSpec() {
        if (!Files.isRegularFile(spec())) throw new ZooException("not a run directory (no run.json): " + dir);
        try {
            return JSON.readValue(spec().toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new ZooException("cannot read " + spec() + ": " + e.getMessage(), e);
        }
    }

    public void writeResult(Map<String, Object> result) { writeJson(result(), result); }

    /** Appends one line; on resume, lines past the resumed epoch are dropped first. */
    public void appendMetrics(Map<String, Object> line) {
        try {
            Files.createDirectories(dir);
            Files.writeString(metrics(), JSON.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ZooException("cannot write " + metrics() + ": " + e.getMessage(), e);
        }
    }

    public List<Map<String, Object>> readMetrics() {
        List<Map<String, Object>> out = new ArrayList<>();
        if (!Files.isRegularFile(metrics())) return out;
        try {
            for (String l : Files.readAllLines(metrics())) {
                if (!l.isBlank()) out.add(JSON.readValue(l, new TypeReference<LinkedHashMap<String, Object>>() {}));
            }
        } catch (IOException e) {
            throw new ZooException("cannot read " + metrics() + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Keeps only metric lines up to {@code epoch} (an interrupted epoch is re-run from its start). */
    public void truncateMetricsAfter(int epoch) {
        List<Map<String, Object>> keep = new ArrayList<>();
        for (Map<String, Object> m : readMetrics()) if (((Number) m.get("epoch")).doubleValue() <= epoch) keep.add(m);
        StringBuilder sb = new StringBuilder();
        try {
            for (Map<String, Object> m : keep) sb.append(JSON.writeValueAsString(m)).append('\n');
        } catch (IOException e) { throw new IllegalStateException(e); }
        Checkpoint.writeAtomically(metrics(), sb.toString());
    }

    private static void writeJson(Path p, Map<String, Object> m) {
        try {
            Checkpoint.writeAtomically(p, PRETTY.writeValueAsString(m) + "\n");
        } catch (IOException e) {
            throw new ZooException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }
}
