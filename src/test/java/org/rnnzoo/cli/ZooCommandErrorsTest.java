package org.rnnzoo.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: a one-line error naming the culprit, exit code 2, nothing on disk lost. */
class ZooCommandErrorsTest {
    @TempDir
    Path tmp;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() { System.setErr(savedErr); }

    private String failWith(String... args) {
        int code = ZooCommand.execute(args);
        String out = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals(2, code, out);
        assertEquals(1, out.lines().count(), "one line: " + out);
        assertTrue(out.startsWith("zoo: error: "), out);
        return out;
    }

    @Test
    void everyCommandHasTheHelpItsErrorsPointTo() {
        PrintStream savedOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            for (String[] cmd : new String[][]{{"train"}, {"eval"}, {"sample"}, {"bench"}, {"info"}, {"list"},
                    {"reproduce"}, {"models"}, {"data"}, {"data", "verify"}, {"data", "fetch"}}) {
                String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
                args[cmd.length] = "--help";
                out.reset();
                assertEquals(0, ZooCommand.execute(args), String.join(" ", args) + ": " + err);
                assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("Usage: zoo " + String.join(" ", cmd)), out.toString());
            }
        } finally {
            System.setOut(savedOut);
        }
    }

    @Test
    void unknownModelListsCloseMatches() {
        assertTrue(failWith("train", "lstm").contains("did you mean lstm-lm"));
    }

    @Test
    void unknownSetKeyListsCloseMatches() {
        assertTrue(failWith("train", "lstm-lm", "--set", "hiden=650").contains("did you mean hidden"));
    }

    @Test
    void negativeHiddenSizeIsRejected() {
        assertTrue(failWith("info", "lstm-lm", "--set", "hidden=-3").contains("bad value for hidden: -3"));
    }

    @Test
    void missingTextFileIsNamed() {
        Path missing = tmp.resolve("no-such-book.txt");
        assertTrue(failWith("train", "lstm-lm", "--text", missing.toString(), "--run-dir", tmp.resolve("r").toString())
                .contains(missing.toString()));
        assertTrue(Files.notExists(tmp.resolve("r")), "a failed start writes nothing");
    }

    @Test
    void emptyTextFileIsNamed() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.txt"));
        assertTrue(failWith("train", "lstm-lm", "--text", empty.toString(), "--run-dir", tmp.resolve("r").toString()).contains(empty.toString()));
        assertTrue(Files.notExists(tmp.resolve("r")), "a failed start writes nothing");
    }

    @Test
    void binaryTextFileIsNamed() throws Exception {
        Path bin = Files.write(tmp.resolve("image.bin"), new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, (byte) 0xff, (byte) 0xfe});
        assertTrue(failWith("train", "lstm-lm", "--text", bin.toString(), "--run-dir", tmp.resolve("r").toString()).contains(bin.toString()));
        assertTrue(Files.notExists(tmp.resolve("r")), "a failed start writes nothing");
    }

    @Test
    void benchCheckpointBringsItsOwnCard() {
        Path missing = tmp.resolve("best.zip");
        assertTrue(failWith("bench", "lstm-lm", "--checkpoint", missing.toString(), "--preset", "zaremba-small").contains("--checkpoint brings its own card"));
    }

    @Test
    void benchMissingCheckpointIsNamed() {
        Path missing = tmp.resolve("best.zip");
        assertTrue(failWith("bench", "lstm-lm", "--checkpoint", missing.toString()).contains(missing.toString()));
    }

    @Test
    void unreadableCheckpointIsNamed() throws Exception {
        Path junk = Files.writeString(tmp.resolve("model.zip"), "not a zip");
        assertTrue(failWith("eval", junk.toString()).contains(junk.toString()));
        assertEquals("not a zip", Files.readString(junk), "the file is left as it was");
    }

    @Test
    void anExistingRunIsNeverOverwritten() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve("run.json"), "{\"model\":\"lstm-lm\"}");
        Files.writeString(Files.createDirectories(run.resolve("checkpoints")).resolve("epoch-001.zip"), "a finished epoch");
        assertTrue(failWith("train", "lstm-lm", "--run-dir", run.toString()).contains("--resume"));
        assertEquals("{\"model\":\"lstm-lm\"}", Files.readString(run.resolve("run.json")));
    }

    @Test
    void aFolderWithOnlyAUsersMetricsFileIsNotARunDirectory() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Path metrics = Files.writeString(dir.resolve("metrics.jsonl"), "{\"loss\": 1.5}\n");
        for (String force : new String[]{"--no-progress", "--force"}) {
            String message = failWith("train", "lstm-lm", "--run-dir", dir.toString(), force);
            assertTrue(message.contains("not a run directory") && message.contains("metrics.jsonl"), message);
            err.reset();
        }
        assertEquals("{\"loss\": 1.5}\n", Files.readString(metrics), "neither appended to nor deleted");
        assertEquals(1, Files.list(dir).count(), "nothing written beside it");
    }

    @Test
    void anUnwritableRunDirectorySaysWhy() throws Exception {
        if (Files.isDirectory(Path.of("/proc/self"))) {   // Linux: /proc refuses new files with "no such file"
            String message = failWith("train", "lstm-lm", "--run-dir", "/proc/x", "--set", "grammar_tokens=2000");
            assertTrue(message.contains("/proc/x") && message.contains("proc file system"), message);
            err.reset();
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String message = failWith("train", "lstm-lm", "--run-dir", file.resolve("run").toString(), "--set", "grammar_tokens=2000");
        assertTrue(message.contains(file + ": is a file, not a directory"), message);
    }

    @Test
    void aBatchLargerThanTheTrainingSplitIsRefusedNotCapped() {
        String message = failWith("train", "lstm-lm", "--run-dir", tmp.resolve("big").toString(), "--set", "grammar_tokens=2000",
                "--set", "batch=100000");
        assertTrue(message.contains("bad value for batch: 100000") && message.contains("at most"), message);
    }

    @Test
    void resumingARunThatStoppedBeforeItsFirstCheckpointSaysHowToStartIt() throws Exception {
        Path run = Files.createDirectories(tmp.resolve("early"));
        Files.writeString(run.resolve("run.json"), "{\"model\":\"rnn-lm\"}");
        String message = failWith("train", "rnn-lm", "--resume", run.toString());
        assertTrue(message.contains("zoo train rnn-lm --run-dir " + run), message);
    }

    @Test
    void aDivergingRunStopsWithANonZeroExitNamingTheStep() {
        String message = failWith("train", "lstm-lm", "--no-progress", "--run-dir", tmp.resolve("lr").toString(), "--set", "grammar_tokens=2000",
                "--set", "hidden=8", "--set", "embedding=8", "--set", "lr=1e9");
        assertTrue(message.contains("training diverged in epoch 1: ") && message.contains(" at step ") && message.contains("lr 1.0E9")
                && message.contains("no checkpoint was kept"), message);
    }

    @Test
    void badSamplingFlagsAreNamed() {
        assertTrue(failWith("sample", tmp.resolve("x.zip").toString(), "--temperature", "0").contains("--temperature"));
    }
}
