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
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One training run on disk: {@code run.json} (what was asked for), {@code metrics.jsonl} (one JSON
 * object per evaluation), {@code checkpoints/epoch-NNN.zip} and {@code best.zip},
 * {@code result.json} (final figures) and {@code curve.png}; with {@code --ui}, {@code ui-stats.bin}.
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
    /** DL4J's training-UI record of a run trained with --ui (the ui package's TrainingUi). */
    public Path uiStats() { return dir.resolve("ui-stats.bin"); }

    /** The test split's confusion matrix of a classifier or tagger (true × predicted). */
    public Path confusion() { return dir.resolve("confusion.png"); }

    /** The newest epoch checkpoint, or null if training never finished an epoch. */
    public Path latestCheckpoint() {
        if (!Files.isDirectory(checkpoints())) return null;
        try (Stream<Path> s = Files.list(checkpoints())) {
            return s.filter(p -> p.getFileName().toString().matches("epoch-\\d+\\.zip")).sorted().reduce((a, b) -> b).orElse(null);
        } catch (IOException e) {
            throw new ZooException("cannot list " + checkpoints() + ": " + ZooException.reason(e), e);
        }
    }

    /** A run's own files, the only ones {@link #clear()} deletes (count models write model.arpa instead of checkpoints). */
    public static final List<String> RUN_FILES = List.of("run.json", "metrics.jsonl", "result.json", "curve.png", "confusion.png", "model.arpa", "ui-stats.bin", "checkpoints/");

    /** Whether a run started here: run.json exists. */
    public boolean holdsRun() { return Files.isRegularFile(spec()); }

    /**
     * The run files (see {@link #RUN_FILES}) in a folder without run.json: a user's own metrics.jsonl,
     * say. Such a folder is not a run directory, and a run must neither append to nor delete them.
     */
    public List<String> runFilesWithoutRun() {
        if (holdsRun()) return List.of();
        return RUN_FILES.stream().filter(f -> Files.exists(dir.resolve(f.endsWith("/") ? f.substring(0, f.length() - 1) : f))).toList();
    }

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
            throw new ZooException("cannot clear the old run in " + dir + ": " + ZooException.reason(e), e);
        }
    }

    /** Deletes the temporary files a killed write left in the run folder and in checkpoints/ (a resume has no use for them). */
    public void removeLeftovers() {
        try {
            if (Files.isDirectory(dir)) deleteLeftovers(dir);
            if (Files.isDirectory(checkpoints())) deleteLeftovers(checkpoints());
        } catch (IOException e) {
            throw new ZooException("cannot delete temporary files in " + dir + ": " + ZooException.reason(e), e);
        }
    }

    /**
     * Makes {@code best.zip} the checkpoint of {@code bestEpoch}, copying that epoch's own
     * {@code epoch-NNN.zip} over it where it is missing or holds another epoch. The trainer writes
     * epoch-NNN.zip first and best.zip second, so a kill between the two (or during the second)
     * leaves an older best.zip behind a trainer state that names the new epoch.
     *
     * @return the epoch best.zip held before (0: missing or unreadable), or -1 when it needed nothing
     */
    public int repairBest(int bestEpoch) {
        if (bestEpoch <= 0) return -1;
        Integer held = Checkpoint.epochOf(bestCheckpoint());
        if (held != null && held == bestEpoch) return -1;
        Path source = epochCheckpoint(bestEpoch);
        if (!Files.isRegularFile(source))
            throw new ZooException("cannot repair " + bestCheckpoint() + ": the trainer state names epoch " + bestEpoch
                    + " as the best, and its checkpoint " + source + " is missing");
        try (StagedFile staged = StagedFile.beside(bestCheckpoint())) {
            Files.copy(source, staged.path(), StandardCopyOption.REPLACE_EXISTING);
            staged.commit();
        } catch (IOException e) {
            throw new ZooException("cannot write " + bestCheckpoint() + ": " + ZooException.reason(e), e);
        }
        return held == null ? 0 : held;
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
            throw new ZooException("cannot read " + spec() + ": " + ZooException.reason(e), e);
        }
    }

    public void writeResult(Map<String, Object> result) { writeJson(result(), result); }

    /**
     * Adds one line; on resume, lines past the resumed epoch are dropped first. The file is rewritten
     * whole through a temporary file (a line per epoch, small): a kill mid-append would leave a
     * partial line that no resume could read.
     */
    public void appendMetrics(Map<String, Object> line) {
        try {
            String before = Files.isRegularFile(metrics()) ? Files.readString(metrics(), StandardCharsets.UTF_8) : "";
            Checkpoint.writeAtomically(metrics(), before + JSON.writeValueAsString(line) + "\n");
        } catch (IOException e) {
            throw new ZooException("cannot write " + metrics() + ": " + ZooException.reason(e), e);
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
            throw new ZooException("cannot read " + metrics() + ": " + ZooException.reason(e), e);
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
            throw new ZooException("cannot write " + p + ": " + ZooException.reason(e), e);
        }
    }
}
