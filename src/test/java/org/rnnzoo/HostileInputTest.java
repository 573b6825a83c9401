package org.rnnzoo;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnzoo.cli.ZooCommand;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input over the CLI, for every task: each case sets up its files in a fresh folder, runs
 * {@code ZooCommand.execute} in-process and checks that it exits with the expected code, that an
 * error is one line naming the culprit (file, flag or value), and that nothing that was on disk
 * before changed: every file and folder under the case's folder is hashed before and after.
 *
 * <p>The one thing allowed to appear is the run directory a {@code zoo train} case names with
 * {@code --run-dir} when it did not exist before (a run that fails after starting may leave its
 * {@code run.json} there); everything else must be byte for byte as it was, and no new path may
 * appear outside that run directory. Kills, resume and divergence are tested elsewhere
 * (docs/reliability.md).
 *
 * <p>{@code mvn -B test -Dtest=HostileInputTest}
 */
class HostileInputTest {
    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    static Path fixtures;
    /** Trained once: the smallest checkpoint of each task, and a kn-lm run. */
    static Path lm, classifier, tagger, seq2seq, knRun;

    private static final List<String> TINY_LM = List.of("--no-progress", "--set", "epochs=1", "--set", "grammar_tokens=2000",
            "--set", "hidden=8", "--set", "embedding=8");

    /** The zoo.home this JVM was started with (-Dzoo.home), put back when the class is done. */
    private static String previousHome;

    @AfterAll
    static void forgetHome() {
        if (previousHome == null) System.clearProperty("zoo.home");
        else System.setProperty("zoo.home", previousHome);
    }

    @BeforeAll
    static void trainFixtures() {
        // a cache of our own: a dataset already in the user's cache would be read instead of the broken mirror
        previousHome = System.getProperty("zoo.home");
        System.setProperty("zoo.home", fixtures.resolve("home").toString());
        lm = train("lstm-lm", "lm", TINY_LM);
        classifier = train("rnn-sentiment", "cls", List.of("--no-progress", "--set", "epochs=1", "--set", "examples=200", "--set", "hidden=8",
                "--set", "embedding=8"));
        tagger = train("rnn-tagger", "tag", List.of("--no-progress", "--set", "epochs=1", "--set", "examples=200", "--set", "hidden=8",
                "--set", "embedding=8"));
        seq2seq = train("seq2seq", "s2s", List.of("--no-progress", "--set", "epochs=1", "--set", "examples=200", "--set", "hidden=8",
                "--set", "embedding=8"));
        knRun = fixtures.resolve("kn");
        quiet(() -> ZooCommand.execute("train", "kn-lm", "--dataset", "grammar", "--set", "grammar_tokens=2000", "--set", "order=2",
                "--run-dir", knRun.toString()));
    }

    private static Path train(String model, String dir, List<String> settings) {
        List<String> args = new ArrayList<>(List.of("train", model, "--run-dir", fixtures.resolve(dir).toString()));
        args.addAll(settings);
        quiet(() -> ZooCommand.execute(args.toArray(new String[0])));
        Path best = fixtures.resolve(dir).resolve("checkpoints/best.zip");
        assertTrue(Files.isRegularFile(best), model + " fixture trained");
        return best;
    }

    private static void quiet(java.util.function.IntSupplier command) {
        java.io.PrintStream out = System.out, err = System.err;
        System.setOut(new java.io.PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new java.io.PrintStream(OutputStream.nullOutputStream()));
        try {
            assertEquals(0, command.getAsInt());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * One case: builds its files under {@code dir} and returns the command line; {@code culprit}
     * (with {@code DIR} standing for the case's folder) must appear in the error line.
     */
    record Case(String name, int exit, String culprit, Function<Path, String[]> setup) {
        @Override
        public String toString() { return name; }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        // ---- text files given to zoo train --text
        c.add(text("empty text file", "t.txt", new byte[0], "DIR/t.txt"));
        c.add(text("binary text file", "t.png", new byte[]{(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, (byte) 0xff}, "DIR/t.png"));
        c.add(text("Latin-1 (non-UTF-8) text file", "t.txt", "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1), "DIR/t.txt"));
        c.add(text("mixed UTF-8 and Latin-1 lines", "t.txt", concat("na\u00efve UTF-8 line\n".getBytes(StandardCharsets.UTF_8),
                "na\u00efve Latin-1 line\n".getBytes(StandardCharsets.ISO_8859_1)), "DIR/t.txt"));
        c.add(text("UTF-8 cut inside a character", "t.txt", java.util.Arrays.copyOf("ab\u00e9".getBytes(StandardCharsets.UTF_8), 3), "DIR/t.txt"));
        c.add(text("only blank lines", "t.txt", "\n \n\t\n".getBytes(StandardCharsets.UTF_8), "DIR/t.txt"));
        c.add(text("two lines: a split would be empty", "t.txt", "one line\nand another\n".getBytes(StandardCharsets.UTF_8), "DIR/t.txt"));
        c.add(new Case("--text names a directory", 2, "DIR/books", d -> {
            mkdirs(d.resolve("books"));
            return trainArgs(d, "--text", d.resolve("books").toString());
        }));
        c.add(new Case("--text names a missing file", 2, "DIR/missing.txt", d -> trainArgs(d, "--text", d.resolve("missing.txt").toString())));
        c.add(new Case("a single line of 10,000 words trains", 0, null, d -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 10_000; i++) sb.append("w").append(i % 50).append(' ');
            write(d.resolve("one-line.txt"), sb.toString().getBytes(StandardCharsets.UTF_8));
            return trainArgs(d, "--text", d.resolve("one-line.txt").toString());
        }));
        c.add(new Case("a char-level kn-lm writes whitespace into ARPA", 0, null, d -> {
            write(d.resolve("c.txt"), "to be or not to be\nthat is the question\n".repeat(20).getBytes(StandardCharsets.UTF_8));
            return new String[]{"train", "kn-lm", "--text", d.resolve("c.txt").toString(), "--level", "char", "--set", "order=3",
                    "--run-dir", d.resolve("run").toString()};
        }));
        c.add(new Case("--level bogus", 2, "--level", d -> {
            write(d.resolve("t.txt"), "a b c\n".getBytes(StandardCharsets.UTF_8));
            return trainArgs(d, "--text", d.resolve("t.txt").toString(), "--level", "syllable");
        }));
        // ---- unknown names
        c.add(new Case("unknown model", 2, "lstm", d -> new String[]{"train", "lstm", "--run-dir", d.resolve("run").toString()}));
        c.add(new Case("unknown dataset", 2, "ptbb", d -> trainArgs(d, "--dataset", "ptbb")));
        c.add(new Case("unknown card key", 2, "hiden", d -> trainArgs(d, "--set", "hiden=8")));
        c.add(new Case("--set without a value", 2, "hidden", d -> trainArgs(d, "--set", "hidden")));
        c.add(new Case("unknown split", 2, "dev", d -> new String[]{"eval", copy(lm, d, "lm.zip").toString(), "--split", "dev"}));
        c.add(new Case("info of an unknown model", 2, "lstn-lm", d -> new String[]{"info", "lstn-lm"}));
        c.add(new Case("unknown preset", 2, "zaremba-huge", d -> trainArgs(d, "--preset", "zaremba-huge")));
        // ---- hyper-parameters out of range or not finite
        for (String bad : List.of("hidden=-3", "hidden=0", "embedding=0", "lr=NaN", "lr=Infinity", "lr=-0.1", "clip=-1", "dropout=1.5",
                "epochs=0", "batch=0", "bptt=0", "hidden=1e12"))
            c.add(new Case("--set " + bad, 2, bad.substring(0, bad.indexOf('=')), d -> trainArgs(d, "--set", bad)));
        c.add(new Case("sample --temperature NaN", 2, "--temperature", d -> sampleArgs(d, "--temperature", "NaN")));
        c.add(new Case("sample --top-p 2", 2, "--top-p", d -> sampleArgs(d, "--top-p", "2")));
        c.add(new Case("sample --top-k -1", 2, "--top-k", d -> sampleArgs(d, "--top-k", "-1")));
        c.add(new Case("sample --length 0", 2, "--length", d -> sampleArgs(d, "--length", "0")));
        // ---- checkpoints: corrupted, truncated, tampered, wrong model
        for (String cmd : List.of("eval", "sample", "info")) {
            c.add(new Case(cmd + ": not a zip", 2, "DIR/x.zip", d -> new String[]{cmd, write(d.resolve("x.zip"), "not a zip".getBytes())}));
            c.add(new Case(cmd + ": vocabulary cut to 10 entries", 2, "vocabulary 'tokens' has 10 entries",
                    d -> new String[]{cmd, tamper(lm, d, "rnnzoo-vocabularies.json", s -> cutVocabulary(s, 10))}));
        }
        c.add(new Case("truncated checkpoint", 2, "DIR/lm.zip", d -> {
            Path p = copy(lm, d, "lm.zip");
            byte[] b = read(p);
            write(p, java.util.Arrays.copyOf(b, b.length / 2));
            return new String[]{"eval", p.toString()};
        }));
        c.add(new Case("empty checkpoint file", 2, "DIR/e.zip", d -> new String[]{"sample", write(d.resolve("e.zip"), new byte[0])}));
        c.add(new Case("garbage JSON vocabulary", 2, "rnnzoo-vocabularies.json",
                d -> new String[]{"eval", tamper(lm, d, "rnnzoo-vocabularies.json", s -> "{\"tokens\": [\"<pad>\", ")}));
        c.add(new Case("state file that is not an object", 2, "rnnzoo-state.json",
                d -> new String[]{"info", tamper(lm, d, "rnnzoo-state.json", s -> "[1, 2, 3]")}));
        c.add(new Case("card swapped from another model", 2, "rnnzoo-card.json",
                d -> new String[]{"sample", swapEntry(lm, classifier, d, "rnnzoo-card.json")}));
        c.add(new Case("card that is not JSON", 2, "rnnzoo-card.json",
                d -> new String[]{"eval", tamper(lm, d, "rnnzoo-card.json", s -> "name: lstm-lm\n")}));
        c.add(new Case("configuration.json tampered (not JSON)", 2, "configuration.json",
                d -> new String[]{"sample", tamper(lm, d, "configuration.json", s -> s.substring(0, s.length() / 2))}));
        c.add(new Case("configuration.json tampered (an empty object)", 2, "configuration.json",
                d -> new String[]{"eval", tamper(lm, d, "configuration.json", s -> "{}")}));
        c.add(new Case("coefficients.bin truncated", 2, "DIR/lm.zip", d -> {
            Path p = copy(lm, d, "lm.zip");
            rewrite(p, "coefficients.bin", b -> java.util.Arrays.copyOf(b, b.length / 2));
            return new String[]{"sample", p.toString()};
        }));
        c.add(new Case("an entry named ../evil is never extracted", 0, null, d -> {
            Path p = copy(lm, mkdirs(d.resolve("in")), "lm.zip");
            addEntry(p, "../evil", "gotcha".getBytes());
            return new String[]{"info", p.toString()};
        }));
        c.add(new Case("classifier: labels cut to 1", 2, "vocabulary 'labels' has 1 entries",
                d -> new String[]{"eval", tamper(classifier, d, "rnnzoo-vocabularies.json", s -> cutLabels(s))}));
        c.add(new Case("tagger: tokens vocabulary of the language model", 2, "vocabulary 'tokens'",
                d -> new String[]{"eval", swapEntry(tagger, lm, d, "rnnzoo-vocabularies.json")}));
        c.add(new Case("seq2seq: target vocabulary cut to 10", 2, "vocabulary 'target' has 10 entries",
                d -> new String[]{"sample", tamper(seq2seq, d, "rnnzoo-vocabularies.json", s -> cutTarget(s, 10))}));
        c.add(new Case("sample of a classifier", 2, "sentence-classification", d -> new String[]{"sample", copy(classifier, d, "c.zip").toString()}));
        c.add(new Case("eval --text of a seq2seq model", 2, "--text", d -> {
            write(d.resolve("t.txt"), "a b c\n".getBytes());
            return new String[]{"eval", copy(seq2seq, d, "s.zip").toString(), "--text", d.resolve("t.txt").toString()};
        }));
        // ---- seq2seq decoding: zoo translate / zoo g2p
        c.add(new Case("translate: an empty source", 2, "empty source", d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(), " "}));
        c.add(new Case("g2p: an empty word", 2, "empty word", d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(), ""}));
        c.add(new Case("translate: a SOURCE and --file", 2, "--file", d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(), "a b",
                "--file", write(d.resolve("in.txt"), "a b\n".getBytes())}));
        c.add(new Case("translate: --file missing", 2, "DIR/none.txt", d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(),
                "--file", d.resolve("none.txt").toString()}));
        c.add(new Case("g2p: --file with a blank line", 2, "DIR/w.txt line 2", d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(),
                "--file", write(d.resolve("w.txt"), "abc\n\ncab\n".getBytes())}));
        c.add(new Case("g2p: --file not UTF-8", 2, "DIR/w.txt line 1", d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(),
                "--file", write(d.resolve("w.txt"), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1))}));
        c.add(new Case("g2p: letters outside the training alphabet decode as <unk>", 0, null,
                d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(), "a\u00e9z9!"}));
        c.add(new Case("g2p: a word longer than any in training stops at the max length", 0, null,
                d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(), "abcdefghijklmnop".repeat(4), "--beam", "3"}));
        c.add(new Case("g2p: --file of many words", 0, null, d -> new String[]{"g2p", copy(seq2seq, d, "s.zip").toString(),
                "--file", write(d.resolve("w.txt"), "abc\ncab\r\nbca\n".getBytes())}));
        c.add(new Case("translate --beam 0", 2, "--beam", d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(), "a b", "--beam", "0"}));
        c.add(new Case("translate --max-length 0", 2, "--max-length",
                d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(), "a b", "--max-length", "0"}));
        c.add(new Case("translate --attention of a model without attention", 2, "--attention",
                d -> new String[]{"translate", copy(seq2seq, d, "s.zip").toString(), "a b", "--attention", d.resolve("m.png").toString()}));
        c.add(new Case("eval --attention-stats of a model without attention", 2, "--attention-stats",
                d -> new String[]{"eval", copy(seq2seq, d, "s.zip").toString(), "--split", "valid", "--attention-stats", "10"}));
        c.add(new Case("eval --attention-stats 0", 2, "--attention-stats",
                d -> new String[]{"eval", copy(seq2seq, d, "s.zip").toString(), "--attention-stats", "0"}));
        c.add(new Case("translate of a language model", 2, "language-model", d -> new String[]{"translate", copy(lm, d, "lm.zip").toString(), "a b"}));
        c.add(new Case("sample of a run directory", 2, "checkpoints/best.zip", d -> new String[]{"sample", lm.getParent().getParent().toString()}));
        c.add(new Case("sample of a kn-lm ARPA file", 2, "ARPA", d -> new String[]{"sample", copy(knRun.resolve("model.arpa"), d, "m.arpa").toString()}));
        c.add(new Case("eval of a kn-lm run directory", 2, "model.arpa", d -> new String[]{"eval", knRun.toString()}));
        // ---- zoo predict: sentences and files a user may hand it
        for (String kind : List.of("classifier", "tagger")) {
            java.util.function.Function<Path, String> model = d -> copy(kind.equals("tagger") ? tagger : classifier, d, kind + ".zip").toString();
            c.add(new Case("predict (" + kind + "): a file with a blank line", 2, "DIR/f.txt line 2 is blank", d ->
                    new String[]{"predict", model.apply(d), "--file", write(d.resolve("f.txt"), "a good film\n\nbad\n".getBytes())}));
            c.add(new Case("predict (" + kind + "): a file with invalid UTF-8", 2, "DIR/f.txt line 2 is not valid UTF-8", d ->
                    new String[]{"predict", model.apply(d), "--file", write(d.resolve("f.txt"),
                            concat("fine\n".getBytes(), "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)))}));
            c.add(new Case("predict (" + kind + "): an empty sentence", 2, "empty", d -> new String[]{"predict", model.apply(d), " "}));
            c.add(new Case("predict (" + kind + "): a sentence of punctuation-free nothing", 2, "empty", d ->
                    new String[]{"predict", model.apply(d), "\t \u00a0"}));
            c.add(new Case("predict (" + kind + "): only unknown words", 0, null, d -> new String[]{"predict", model.apply(d), "zzzq xxyq"}));
            c.add(new Case("predict (" + kind + "): a 1,000-word sentence", 0, null, d ->
                    new String[]{"predict", model.apply(d), "the movie was not good ".repeat(200)}));
            c.add(new Case("predict (" + kind + "): a 1,000-word line in a file", 0, null, d ->
                    new String[]{"predict", model.apply(d), "--file", write(d.resolve("f.txt"), ("good ".repeat(1000) + "\nbad\n").getBytes())}));
        }
        c.add(new Case("predict of a language model", 2, "language-model", d -> new String[]{"predict", copy(lm, d, "lm.zip").toString(), "the cat"}));
        // ---- --vectors files
        c.add(new Case("--vectors: a missing file", 2, "DIR/glove.txt: no such file", d ->
                vectorArgs(d, d.resolve("glove.txt").toString())));
        c.add(new Case("--vectors: width 3 for an embedding of 8", 2, "DIR/v.txt line 1: vectors of width 3", d ->
                vectorArgs(d, write(d.resolve("v.txt"), "good 1 2 3\n".getBytes()))));
        c.add(new Case("--vectors: a line short of numbers", 2, "DIR/v.txt line 2 has 7 numbers", d ->
                vectorArgs(d, write(d.resolve("v.txt"), ("good" + " 0.5".repeat(8) + "\nbad" + " 0.5".repeat(7) + "\n").getBytes()))));
        c.add(new Case("--vectors: a word where numbers should be", 2, "DIR/v.txt line 1 does not start with a word and its numbers", d ->
                vectorArgs(d, write(d.resolve("v.txt"), "good movie 1 2\n".getBytes()))));
        c.add(new Case("--vectors: a file that is not UTF-8", 2, "DIR/v.txt line 1 is not valid UTF-8", d ->
                vectorArgs(d, write(d.resolve("v.txt"), concat("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), " 0.5".repeat(8).getBytes())))));
        c.add(new Case("--vectors with a seq2seq model", 2, "--vectors", d -> {
            String v = write(d.resolve("v.txt"), ("a" + " 0.5".repeat(8) + "\n").getBytes());
            return new String[]{"train", "seq2seq", "--run-dir", d.resolve("run").toString(), "--vectors", v, "--set", "embedding=8",
                    "--set", "examples=50", "--set", "epochs=1"};
        }));
        // ---- folds
        c.add(new Case("--set fold=3 on a dataset without folds", 2, "fold", d -> new String[]{"train", "rnn-sentiment", "--run-dir",
                d.resolve("run").toString(), "--set", "fold=3", "--set", "examples=50", "--set", "epochs=1"}));
        // ---- a dataset mirror with missing or truncated files
        c.add(new Case("mirror without the dataset's file", 2, "input.txt", d -> {
            mkdirs(d.resolve("mirror/tinyshakespeare"));
            return trainArgs(d, "--dataset", "tinyshakespeare", "--mirror", d.resolve("mirror").toString());
        }));
        c.add(new Case("mirror with a truncated file", 2, "input.txt", d -> {
            write(mkdirs(d.resolve("mirror/tinyshakespeare")).resolve("input.txt"), "First Citizen:\nBefore we proceed".getBytes());
            return trainArgs(d, "--dataset", "tinyshakespeare", "--mirror", d.resolve("mirror").toString());
        }));
        // ---- run directories: unwritable, a file, foreign
        c.add(new Case("run directory that is a file", 2, "DIR/run", d -> {
            write(d.resolve("run"), "my file".getBytes());
            return trainArgs(d);
        }));
        c.add(new Case("run directory on a read-only file system", 2, "/proc/rnnzoo-run", d ->
                new String[]{"train", "lstm-lm", "--run-dir", "/proc/rnnzoo-run", "--set", "epochs=1", "--set", "grammar_tokens=2000"}));
        c.add(new Case("run directory that holds another run", 2, "--resume", d -> {
            Path run = mkdirs(d.resolve("run/checkpoints"));
            write(d.resolve("run/run.json"), "{\"model\":\"rnn-lm\"}".getBytes());
            write(run.resolve("epoch-001.zip"), "a finished epoch".getBytes());
            return trainArgs(d);
        }));
        c.add(new Case("--resume of a folder with no run", 2, "DIR/empty", d -> {
            mkdirs(d.resolve("empty"));
            return new String[]{"train", "lstm-lm", "--resume", d.resolve("empty").toString()};
        }));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInput(Case c, @TempDir Path dir) {
        String[] args = c.setup().apply(dir);
        Path runDir = runDir(args);
        boolean runDirIsNew = runDir != null && !Files.exists(runDir);
        Map<String, String> before = hashes(dir);
        console.reset();
        int exit = ZooCommand.execute(args);
        String err = console.stderr().replace(dir.toString(), "DIR");
        assertEquals(c.exit(), exit, c.name() + ": " + err);
        if (c.exit() != 0) {
            assertEquals(1, err.lines().count(), "one line: " + err);
            assertTrue(err.startsWith("zoo: error: "), err);
            assertTrue(err.contains(c.culprit()), "names " + c.culprit() + ": " + err);
        }
        report(c, exit, err);
        Map<String, String> after = hashes(dir);
        if (runDirIsNew) after.keySet().removeIf(p -> dir.resolve(p).startsWith(runDir));
        assertEquals(before, after, "nothing on disk changed");
        assertTrue(Files.notExists(dir.getParent().resolve("evil")), "nothing written outside");
    }

    /** Each case's outcome, for docs/reliability.md: target/hostile-input-outcomes.tsv. */
    private static synchronized void report(Case c, int exit, String err) {
        try {
            Files.writeString(Path.of("target", "hostile-input-outcomes.tsv"), c.name() + "\t" + exit + "\t" + err + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- set-up helpers

    private static Case text(String name, String file, byte[] content, String culprit) {
        return new Case(name, 2, culprit, d -> trainArgs(d, "--text", write(d.resolve(file), content)));
    }

    private static String[] trainArgs(Path d, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "lstm-lm", "--run-dir", d.resolve("run").toString()));
        args.addAll(TINY_LM);
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static String[] vectorArgs(Path d, String vectors) {
        return new String[]{"train", "rnn-sentiment", "--run-dir", d.resolve("run").toString(), "--vectors", vectors, "--no-progress",
                "--set", "embedding=8", "--set", "hidden=8", "--set", "examples=50", "--set", "epochs=1"};
    }

    private static String[] sampleArgs(Path d, String... more) {
        List<String> args = new ArrayList<>(List.of("sample", copy(lm, d, "lm.zip").toString()));
        args.addAll(List.of(more));
        return args.toArray(new String[0]);
    }

    private static Path runDir(String[] args) {
        if (!args[0].equals("train")) return null;
        for (int i = 0; i < args.length - 1; i++) if (args[i].equals("--run-dir")) return Path.of(args[i + 1]);
        return null;
    }

    private static String cutVocabulary(String json, int keep) {
        int start = json.indexOf('[') + 1;
        int at = start;
        for (int i = 0; i < keep; i++) at = json.indexOf("\",", at) + 2;
        return json.substring(0, at - 1) + json.substring(json.indexOf(']', at));
    }

    private static String cutTarget(String json, int keep) {
        int target = json.indexOf("\"target\"");
        return json.substring(0, target) + cutVocabulary(json.substring(target), keep);
    }

    private static String cutLabels(String json) {
        int labels = json.indexOf("\"labels\"");
        int open = json.indexOf('[', labels), comma = json.indexOf(',', open), close = json.indexOf(']', open);
        return json.substring(0, comma) + json.substring(close);
    }

    private static Path copy(Path from, Path dir, String name) {
        try {
            return Files.copy(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of {@code ckpt} whose entry {@code name} is rewritten by {@code edit}. */
    private static String tamper(Path ckpt, Path dir, String name, Function<String, String> edit) {
        Path p = copy(ckpt, dir, "tampered.zip");
        rewrite(p, name, b -> edit.apply(new String(b, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return p.toString();
    }

    /** A copy of {@code ckpt} holding {@code other}'s entry {@code name}. */
    private static String swapEntry(Path ckpt, Path other, Path dir, String name) {
        try (ZipFile z = new ZipFile(other.toFile())) {
            byte[] theirs = z.getInputStream(z.getEntry(name)).readAllBytes();
            Path p = copy(ckpt, dir, "swapped.zip");
            rewrite(p, name, b -> theirs);
            return p.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rewrite(Path zip, String name, Function<byte[], byte[]> edit) {
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of())) {
            Path entry = fs.getPath(name);
            Files.write(entry, edit.apply(Files.readAllBytes(entry)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Adds an entry with any name (a zip file system would resolve "../"), by copying the zip. */
    private static void addEntry(Path zip, String name, byte[] content) {
        try {
            Path tmp = zip.resolveSibling(zip.getFileName() + ".tmp");
            try (ZipFile in = new ZipFile(zip.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
                for (ZipEntry e : java.util.Collections.list(in.entries())) {
                    out.putNextEntry(new ZipEntry(e.getName()));
                    out.write(in.getInputStream(e).readAllBytes());
                }
                out.putNextEntry(new ZipEntry(name));
                out.write(content);
            }
            Files.move(tmp, zip, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String write(Path p, byte[] content) {
        try {
            Files.write(p, content);
            return p.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Every path under {@code root} with the sha256 of its bytes (or "dir"). */
    static Map<String, String> hashes(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String key = root.relativize(p).toString();
                if (Files.isDirectory(p)) out.put(key, "dir");
                else out.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
