package org.rnnzoo.datasets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.cli.DataCommand;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zoo data}: tables on stdout; a DatasetException is one line on stderr and exit code 2. */
class DataCommandTest {
    @TempDir
    Path tmp;
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    private int run(String... args) { return new CommandLine(new DataCommand()).execute(args); }

    private String stdout() { return console.stdout(); }

    private String stderr() { return console.stderr(); }

    @Test
    void listShowsEveryDatasetWithTaskFilesAndLicense() {
        assertEquals(0, run("list", "--cache", tmp.toString()));
        String s = stdout();
        for (String name : Datasets.names()) assertTrue(s.contains(name), s);
        assertTrue(s.lines().anyMatch(l -> l.startsWith("brown") && l.contains(" 500 ")), s);
        assertTrue(s.contains("CC BY 2.0"), s);
    }

    @Test
    void fetchVerifyAndInfoFromTheMirror() {
        String[] where = {"--mirror", TestMirror.dir().toString(), "--cache", tmp.toString()};
        assertEquals(0, run(concat(new String[]{"fetch", "sst2"}, where)), stderr());
        assertTrue(stdout().contains("3 files verified") && stdout().contains("3 from the mirror"), stdout());
        assertEquals(0, run("verify", "sst2", "--cache", tmp.toString()), stderr());
        assertTrue(stdout().contains("3/3 files ok"), stdout());
        assertEquals(0, run(concat(new String[]{"info", "sst2"}, where)), stderr());
        assertTrue(stdout().contains("license: MIT") && stdout().matches("(?s).*train\\s+6,920\\s+\\(= card\\).*"), stdout());
    }

    @Test
    void errorsAreOneLineOnStderrWithExitCode2() throws Exception {
        assertEquals(2, run("info", "pbt"));
        assertTrue(stderr().startsWith("zoo: error: unknown dataset 'pbt'; did you mean ptb?"), stderr());
        assertEquals(1, stderr().lines().count());

        console.reset();
        Path mirror = tmp.resolve("mirror");
        Files.writeString(TestMirror.copy("mr", mirror).resolve("rt-polarity.neg"), "not the file\n");
        assertEquals(2, run("fetch", "mr", "--mirror", mirror.toString(), "--cache", tmp.resolve("cache").toString()));
        assertEquals(1, stderr().lines().count(), stderr());
        assertTrue(stderr().contains("'mr'") && stderr().contains("rt-polarity.neg") && stderr().contains("checksum mismatch"), stderr());

        console.reset();
        Files.createDirectories(tmp.resolve("cache/mr"));
        Files.writeString(tmp.resolve("cache/mr/rt-polarity.pos"), "x");
        assertEquals(2, run("verify", "mr", "--cache", tmp.resolve("cache").toString(), "--mirror", mirror.toString()));
        assertTrue(stderr().contains("mr/rt-polarity.pos bad") && stderr().contains("mr/rt-polarity.neg bad"), stderr());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
