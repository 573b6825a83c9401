package org.rnnzoo.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.decode.Predictor;
import org.rnnzoo.train.Checkpoint;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zoo predict CHECKPOINT "the movie was terribly exciting!"} prints the label and every
 * class's probability (a tagger: word/TAG pairs); {@code --file} one TSV line per input line; bad
 * input is one line naming the line.
 */
class PredictCommandTest {
    @TempDir
    static Path tmp;
    static Path classifier, tagger, lm;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @BeforeAll
    static void trainTinyModels() {
        List<String> tiny = List.of("--no-progress", "--set", "epochs=1", "--set", "examples=200", "--set", "hidden=8", "--set", "embedding=8");
        classifier = train("birnn-sentiment", tiny);
        tagger = train("birnn-tagger", tiny);
        lm = train("rnn-lm", List.of("--no-progress", "--set", "epochs=1", "--set", "grammar_tokens=2000", "--set", "hidden=8", "--set", "embedding=8"));
    }

    private static Path train(String model, List<String> settings) {
        List<String> args = new java.util.ArrayList<>(List.of("train", model, "--run-dir", tmp.resolve(model).toString()));
        args.addAll(settings);
        PrintStream out = System.out, err = System.err;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            assertEquals(0, ZooCommand.execute(args.toArray(new String[0])));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return tmp.resolve(model).resolve("checkpoints/best.zip");
    }

    @Test
    void aSentencePrintsItsLabelAndEveryClasssProbability() {
        assertEquals(0, ZooCommand.execute("predict", classifier.toString(), "the movie was terribly exciting!"));
        String[] lines = console.stdout().strip().split("\n");
        assertTrue(List.of("negative", "positive").contains(lines[0]), console.stdout());
        double p0 = Double.parseDouble(lines[1].trim().split("\\s+")[1]), p1 = Double.parseDouble(lines[2].trim().split("\\s+")[1]);
        assertEquals(1.0, p0 + p1, 2e-4);
        assertEquals(p0 > p1 ? "negative" : "positive", lines[0]);
        assertTrue(console.stdout().contains("tokens: the movie was terribly exciting !"), console.stdout());
    }

    @Test
    void aFileGivesOneTsvLinePerLineWithTheProbabilitiesOfTheSentenceAlone() throws Exception {
        Path f = tmp.resolve("in.txt");
        String shortOne = "very bad";
        Files.writeString(f, "the movie was not good at all and i would not see it again\n" + shortOne + "\nqwerty zxcv\n");
        assertEquals(0, ZooCommand.execute("predict", classifier.toString(), "--file", f.toString()));
        String[] lines = console.stdout().strip().split("\n");
        assertEquals(3, lines.length, console.stdout());
        String[] cols = lines[1].split("\t");
        assertEquals(List.of("negative", "positive").size() + 2, cols.length, lines[1]);
        assertEquals(shortOne, cols[3]);
        // the short line, padded beside a longer one, scores as it does alone
        Predictor.Prediction alone = Zoo.predict(Checkpoint.load(classifier), List.of(shortOne)).get(0);
        assertEquals(String.format(java.util.Locale.ROOT, "negative=%.4f", alone.probabilities()[0][0]), cols[1]);
    }

    @Test
    void saliencyPrintsEachTokenWithTheLibrarysGradientTimesInputAndRefusesATagger() {
        String sentence = "the movie was terribly exciting!";
        assertEquals(0, ZooCommand.execute("predict", classifier.toString(), sentence, "--saliency"));
        String line = console.stdout().lines().filter(l -> l.startsWith("  saliency: ")).findFirst().orElseThrow();
        var explained = Zoo.saliency(Checkpoint.load(classifier), List.of(sentence)).get(0);
        StringBuilder expected = new StringBuilder("  saliency:");
        for (int t = 0; t < explained.scores().length; t++)
            expected.append(String.format(java.util.Locale.ROOT, " %s(%+.2f)", explained.prediction().tokens().get(t), explained.scores()[t]));
        assertEquals(expected.toString(), line, "plain text when stdout is not a terminal");
        console.reset();
        assertEquals(2, ZooCommand.execute("predict", tagger.toString(), sentence, "--saliency"));
        assertTrue(console.stderr().startsWith("zoo: error: --saliency explains a sentence classifier's label"), console.stderr());
        assertEquals(1, console.stderr().lines().count(), console.stderr());
    }

    @Test
    void aTaggerPrintsWordTagPairs() {
        assertEquals(0, ZooCommand.execute("predict", tagger.toString(), "The movie was NOT good."));
        String out = console.stdout().strip();
        assertTrue(out.matches("the/\\S+ movie/\\S+ was/\\S+ not/\\S+ good/\\S+ \\./\\S+"), out);
    }

    @Test
    void badInputIsOneLineNamingTheLine() throws Exception {
        Path blank = tmp.resolve("blank.txt"), invalid = tmp.resolve("invalid.txt");
        Files.writeString(blank, "fine words\n\nmore words\n");
        Files.write(invalid, new byte[]{'o', 'k', '\n', 'b', 'a', 'd', ' ', (byte) 0xff, '\n'});
        assertEquals(2, ZooCommand.execute("predict", classifier.toString(), "--file", blank.toString()));
        assertEquals("zoo: error: " + blank + " line 2 is blank: nothing to predict", console.stderr());
        console.reset();
        assertEquals(2, ZooCommand.execute("predict", classifier.toString(), "--file", invalid.toString()));
        assertEquals("zoo: error: " + invalid + " line 2 is not valid UTF-8", console.stderr());
        console.reset();
        assertEquals(2, ZooCommand.execute("predict", classifier.toString(), "   "));
        assertEquals(1, console.stderr().lines().count(), console.stderr());
        console.reset();
        assertEquals(2, ZooCommand.execute("predict", lm.toString(), "the cat"));
        assertTrue(console.stderr().startsWith("zoo: error: predict takes a sentence classifier or a tagger"), console.stderr());
        console.reset();
        // only unknown words, and a 1,000-word sentence: predictions
        assertEquals(0, ZooCommand.execute("predict", classifier.toString(), "zzzz qqqq"));
        assertEquals(0, ZooCommand.execute("predict", classifier.toString(), "not good ".repeat(500)));
    }

    @Test
    void textIsLowerCasedAndSplitLikeSst() {
        Predictor withClitics = new Predictor(null, Vocabulary.fromWords(List.of("<pad>", "<unk>", "<eos>", "<s>", "n't")), List.of(), false);
        assertEquals(List.of("the", "movie", "was", "n't", "terribly", "exciting", "!"), withClitics.tokenize("The movie wasn't terribly exciting!"));
        assertEquals(List.of("it", "'s", "-lrb-", "really", "-rrb-", "co-written", "..."), withClitics.tokenize("It's (really) co-written..."));
        Predictor mrStyle = new Predictor(null, Vocabulary.fromWords(List.of("<pad>", "<unk>", "<eos>", "<s>")), List.of(), false);
        assertEquals(List.of("it's", "fine", ","), mrStyle.tokenize("It's fine,"));
    }
}
