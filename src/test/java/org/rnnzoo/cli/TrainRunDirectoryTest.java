package org.rnnzoo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.train.RunDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `zoo train --run-dir`: an old run is never overwritten by accident, --force starts over, a run that never got going restarts. */
class TrainRunDirectoryTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    /** The smallest run that finishes an epoch: a few seconds. */
    static final List<String> TINY = List.of("train", "lstm-lm", "--no-progress", "--set", "epochs=1", "--set", "grammar_tokens=2000",
            "--set", "hidden=8", "--set", "embedding=8");

    private int train(Path runDir, String... more) {
        List<String> args = new java.util.ArrayList<>(TINY);
        args.addAll(List.of("--run-dir", runDir.toString()));
        args.addAll(List.of(more));
        return ZooCommand.execute(args.toArray(new String[0]));
    }

    @Test
    void aSecondTrainRefusesAndForceStartsOverKeepingForeignFiles() throws Exception {
        Path dir = tmp.resolve("run");
        assertEquals(0, train(dir), console.stderr());
        RunDirectory run = new RunDirectory(dir);
        String firstResult = Files.readString(run.result());
        Path mine = Files.writeString(dir.resolve("notes.txt"), "my notes");

        console.reset();
        assertEquals(2, train(dir));
        String message = console.stderr();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains("--force") && message.contains("--resume " + dir), message);
        assertEquals(firstResult, Files.readString(run.result()), "the refused run left the old one alone");

        Files.writeString(run.checkpoints().resolve("epoch-007.zip"), "from the old run");
        assertEquals(0, train(dir, "--force"), console.stderr());
        assertFalse(Files.exists(run.epochCheckpoint(7)), "the old run's checkpoints are gone");
        assertTrue(Files.isRegularFile(run.epochCheckpoint(1)) && Files.isRegularFile(run.result()));
        assertEquals(1, run.readMetrics().size(), "metrics start over");
        assertEquals("my notes", Files.readString(mine), "--force deletes only a run's own files");
    }

    @Test
    void aRunThatStoppedBeforeItsFirstCheckpointStartsAgain() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("stopped"));
        Files.writeString(dir.resolve("run.json"), "{\"model\":\"lstm-lm\"}");
        assertEquals(0, train(dir), console.stderr());
        assertTrue(console.stdout().lines().anyMatch(l -> l.startsWith("note: ") && l.contains("before its first checkpoint")), console.stdout());
        assertTrue(Files.isRegularFile(new RunDirectory(dir).epochCheckpoint(1)));
    }

    @Test
    void filesARunWritesFollowTheUmask() throws Exception {
        Path dir = tmp.resolve("modes");
        assertEquals(0, train(dir), console.stderr());
        RunDirectory run = new RunDirectory(dir);
        // what any new file gets in this JVM (0644 under umask 022), rather than a hard-coded mode
        String expected = PosixFilePermissions.toString(Files.getPosixFilePermissions(Files.createFile(dir.resolve("probe"))));
        for (Path p : List.of(run.spec(), run.metrics(), run.result(), run.curve(), run.epochCheckpoint(1), run.bestCheckpoint()))
            assertEquals(expected, PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
    }
}
