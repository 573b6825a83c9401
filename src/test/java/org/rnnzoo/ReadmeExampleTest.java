package org.rnnzoo;

import org.junit.jupiter.api.Test;
import org.rnnzoo.decode.Sampler;
import org.rnnzoo.models.ModelCard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's library example, verbatim: the test fails if the two drift apart. */
class ReadmeExampleTest {
    private static final String EXAMPLE = """
            ModelCard card = Zoo.card("lstm-lm").withAll(List.of("hidden=32", "batch=8", "lr=0.01", "epochs=1", "grammar_tokens=20000"));
            Zoo.TrainedModel m = Zoo.train(card, Path.of("runs", "readme-example"), System.out);
            System.out.println("test perplexity " + m.result().get("test_ppl"));
            System.out.println(Zoo.sample(m.net(), m.vocabulary(), card, "the", 20, new Sampler.Settings(0.8, 0, 0.9, 42)));
            """;

    @Test
    void readmeShowsThisExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(EXAMPLE), "README.md's Java example differs from ReadmeExampleTest.EXAMPLE");
    }

    @Test
    void theExampleTrainsAndSamples() {
        ModelCard card = Zoo.card("lstm-lm").withAll(List.of("hidden=32", "batch=8", "lr=0.01", "epochs=1", "grammar_tokens=20000"));
        Zoo.TrainedModel m = Zoo.train(card, Path.of("runs", "readme-example"), System.out);
        System.out.println("test perplexity " + m.result().get("test_ppl"));
        System.out.println(Zoo.sample(m.net(), m.vocabulary(), card, "the", 20, new Sampler.Settings(0.8, 0, 0.9, 42)));

        assertTrue((Double) m.result().get("test_ppl") < 15, "learned well beyond uniform over " + m.vocabulary().size());
        String text = Zoo.sample(m.net(), m.vocabulary(), card, "the", 20, new Sampler.Settings(0.8, 0, 0.9, 42));
        assertTrue(text.split("\\s+").length >= 10, text);
    }
}
