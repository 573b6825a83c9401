package org.rnnzoo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.decode.Sampler;
import org.rnnzoo.models.ModelCard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's library example, verbatim: the test fails if the two drift apart. One substitution:
 * the run directory is a temporary folder ({@link #IN_A_TEMP_FOLDER}), so a test never writes into
 * the working tree.
 */
class ReadmeExampleTest {
    private static final String AS_IN_THE_README = "Path.of(\"runs\", \"readme-example\")";
    private static final String IN_A_TEMP_FOLDER = "runs.resolve(\"readme-example\")";

    @TempDir
    Path runs;

    @Test
    void readmeShowsThisExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int from = readme.indexOf("```java\n", readme.indexOf("`ReadmeExampleTest` runs exactly this code"));
        String example = readme.substring(from + 8, readme.indexOf("```", from + 8));
        assertTrue(example.contains(AS_IN_THE_README), example);
        String thisTest = Files.readString(Path.of("src/test/java/org/rnnzoo/ReadmeExampleTest.java"));
        assertTrue(unindented(thisTest).contains(unindented(example.replace(AS_IN_THE_README, IN_A_TEMP_FOLDER))),
                "README.md's Java example differs from the start of theExampleTrainsAndSamples()");
    }

    private static String unindented(String code) { return code.lines().map(String::strip).collect(Collectors.joining("\n")); }

    @Test
    void theExampleTrainsAndSamples() {
        ModelCard card = Zoo.card("lstm-lm").withAll(List.of("hidden=32", "batch=8", "lr=0.01", "epochs=1", "grammar_tokens=20000"));
        Zoo.TrainedModel m = Zoo.train(card, runs.resolve("readme-example"), System.out);
        System.out.println("test perplexity " + m.result().get("test_ppl"));
        System.out.println(Zoo.sample(m.net(), m.vocabulary(), card, "the", 20, new Sampler.Settings(0.8, 0, 0.9, 42)));

        assertTrue((Double) m.result().get("test_ppl") < 15, "learned well beyond uniform over " + m.vocabulary().size());
        String text = Zoo.sample(m.net(), m.vocabulary(), card, "the", 20, new Sampler.Settings(0.8, 0, 0.9, 42));
        assertTrue(text.split("\\s+").length >= 10, text);
    }
}
