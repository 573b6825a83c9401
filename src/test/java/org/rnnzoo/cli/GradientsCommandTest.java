package org.rnnzoo.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.CapturedConsole;
import org.rnnzoo.Zoo;
import org.rnnzoo.train.RunDirectory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zoo gradients}: the vanishing-gradient figure. On the grammar corpus a fresh vanilla RNN's
 * gradient 20 steps back from the loss is a far smaller share of its gradient at the loss than a
 * fresh LSTM's; the JSON holds, per model and state, one norm per distance for each recurrent layer.
 */
class GradientsCommandTest {
    private static final String[] TINY = {"--set", "embedding=16", "--set", "hidden=32", "--set", "grammar_tokens=20000", "--set", "batch=8"};

    @TempDir
    Path dir;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @Test
    void vanillaRnnGradientVanishesFasterThanLstmsAndJsonHasOneNormPerDistancePerLayer() throws Exception {
        // a trained checkpoint too: one epoch of a tiny LSTM, measured beside its fresh copy
        Path run = dir.resolve("run");
        Zoo.train(Zoo.card("lstm-lm").withAll(List.of("embedding=16", "hidden=32", "grammar_tokens=5000", "epochs=1", "batch=8")),
                run, new PrintStream(java.io.OutputStream.nullOutputStream()));
        Path checkpoint = new RunDirectory(run).bestCheckpoint();
        List<String> args = new java.util.ArrayList<>(List.of("gradients", "rnn-lm", "lstm-lm", "--set", "layers=2", checkpoint.toString(),
                "--steps", "25", "--batches", "2", "--out", dir.resolve("out").toString()));
        args.addAll(List.of(TINY));
        assertEquals(0, ZooCommand.execute(args.toArray(new String[0])), console.stderr());

        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/gradients.json").toFile());
        assertTrue(Files.size(dir.resolve("out/gradients.png")) > 1000);
        JsonNode models = json.get("models");
        assertEquals(4, models.size());   // rnn-lm fresh, lstm-lm fresh, the checkpoint's fresh copy and the checkpoint
        assertEquals(List.of("rnn-lm fresh", "lstm-lm fresh", "lstm-lm fresh", "lstm-lm trained"),
                java.util.stream.StreamSupport.stream(models.spliterator(), false)
                        .map(m -> m.get("model").asText() + " " + m.get("state").asText()).toList());
        assertEquals(List.of("rnn0", "rnn1"), names(models.get(0).get("layers")));   // --set layers=2 reached the stack
        assertEquals(List.of("rnn0"), names(models.get(3).get("layers")));
        for (JsonNode m : models)
            for (JsonNode layer : m.get("layers")) {
                assertEquals(25, layer.get("norms").size());
                assertEquals(1.0, layer.get("relative").get(0).asDouble(), 1e-12);
                for (JsonNode n : layer.get("norms")) assertTrue(n.asDouble() > 0 && Double.isFinite(n.asDouble()), m.toString());
            }
        double rnn = models.get(0).get("layers").get("rnn1").get("relative").get(20).asDouble();
        double lstm = models.get(1).get("layers").get("rnn1").get("relative").get(20).asDouble();
        assertTrue(rnn < 0.1 * lstm, "relative gradient 20 steps back: rnn " + rnn + ", lstm " + lstm);
        assertTrue(console.stdout().contains("lstm-lm trained rnn0"), console.stdout());
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
