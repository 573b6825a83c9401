package org.rnnzoo.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.common.StagedFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "A checkpoint resumed after a kill reaches the same perplexity", to the bit: `zoo train` in a
 * child JVM is killed (SIGKILL) at random moments, mid-epoch and while a checkpoint is being
 * written, resumed each time, and ends with the figures of a run that was never interrupted.
 *
 * <p>The children run with {@code -Drnnzoo.noVectorApi=true}: the Vector API's {@code exp} rounds
 * differently before and after the JIT compiles it, so with it two runs of the same seed differ by
 * ~1e-9 relative after one epoch, and a resumed JVM (cold JIT) is one of them. Without it a run
 * repeats to the bit (README, Training). Dropout is on, so the RNG state matters too.
 * The card trains with Adam, through {@link FusedAdamUpdater}: its moments must come back from the
 * checkpoint and carry over every epoch's re-install.
 */
class KillAndResumeTest {
    @TempDir
    Path tmp;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SETTINGS = List.of("--no-progress", "--set", "epochs=3", "--set", "grammar_tokens=12000",
            "--set", "hidden=16", "--set", "embedding=8", "--set", "batch=8", "--set", "bptt=10", "--set", "dropout=0.3");

    private Process zoo(Path log, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Drnnzoo.noVectorApi=true", "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), "org.rnnzoo.cli.ZooCommand"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private List<String> train(Path dir) {
        List<String> a = new ArrayList<>(List.of("train", "lstm-lm", "--run-dir", dir.toString()));
        a.addAll(SETTINGS);
        return a;
    }

    private static List<String> resume(Path dir) { return List.of("train", "lstm-lm", "--no-progress", "--resume", dir.toString()); }

    private static int finish(Process p, Path log) throws Exception {
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child still running; log: " + Files.readString(log));
        return p.exitValue();
    }

    /** Waits until {@code when} holds (polling every millisecond), then kills; false if the child ended first. */
    private static boolean killWhen(Process p, BooleanSupplier when) throws InterruptedException {
        while (p.isAlive() && !when.getAsBoolean()) Thread.sleep(0, 500_000);
        if (!p.isAlive()) return false;
        p.destroyForcibly().waitFor();
        return true;
    }

    private static boolean writingACheckpoint(RunDirectory run) {
        if (!Files.isDirectory(run.checkpoints())) return false;
        try (Stream<Path> s = Files.list(run.checkpoints())) {
            return s.anyMatch(f -> StagedFile.isLeftover(f.getFileName().toString()));
        } catch (IOException e) {
            return false;   // a temp file renamed while listed
        }
    }

    private static Map<String, Object> json(Path p) throws IOException {
        return JSON.readValue(p.toFile(), new TypeReference<LinkedHashMap<String, Object>>() {});
    }

    @Test
    void aRunKilledAtRandomMomentsAndResumedEndsWithTheFiguresOfAnUninterruptedOne() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path log = tmp.resolve("children.log");
        RunDirectory reference = new RunDirectory(tmp.resolve("reference")), run = new RunDirectory(tmp.resolve("killed"));
        Process ref = zoo(log, train(reference.path()));   // runs while the victim is killed: both share the 2 cores
        List<String> kills = new ArrayList<>();

        // 1. mid-epoch 2, a random moment after epoch 1's checkpoint
        Process p = zoo(log, train(run.path()));
        long delay = random.nextInt(400);
        if (killWhen(p, () -> Files.exists(run.epochCheckpoint(1)))) {
            Thread.sleep(delay);
            p.destroyForcibly().waitFor();
            kills.add("epoch 1 + " + delay + " ms");
        }
        // 2. while a checkpoint is being written (a temp file in checkpoints/)
        p = zoo(log, resume(run.path()));
        if (killWhen(p, () -> writingACheckpoint(run))) kills.add("during a checkpoint write");
        // 3. anywhere in a resumed process
        p = zoo(log, resume(run.path()));
        delay = 300 + random.nextInt(2500);
        if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            kills.add(delay + " ms after a start");
        }
        String what = "kills: " + kills + " (random seed " + seed + ")";
        assertEquals(0, finish(zoo(log, resume(run.path())), log), what + "; log: " + Files.readString(log));
        assertEquals(0, finish(ref, log), Files.readString(log));

        Map<String, Object> expected = json(reference.result()), actual = json(run.result());
        for (String k : List.of("valid_ppl", "test_ppl", "best_epoch"))
            assertEquals(expected.get(k), actual.get(k), k + ", " + what);
        List<Map<String, Object>> a = run.readMetrics(), b = reference.readMetrics();
        assertEquals(b.size(), a.size(), what);
        for (int e = 0; e < b.size(); e++)
            for (String k : List.of("epoch", "lr", "train_ppl", "valid_ppl"))
                assertEquals(b.get(e).get(k), a.get(e).get(k), "epoch " + (e + 1) + " " + k + ", " + what);
        assertEquals(Checkpoint.epochOf(reference.bestCheckpoint()), Checkpoint.epochOf(run.bestCheckpoint()), what);
        assertTrue(!writingACheckpoint(run), "no temp file left after the last resume; " + what);
        assertTrue(kills.size() >= 2, "most kills land before the child finishes: " + what);
    }
}
