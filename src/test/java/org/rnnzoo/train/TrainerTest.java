package org.rnnzoo.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.models.ModelCard;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One small end-to-end run on the built-in grammar corpus, shared by the tests below. */
class TrainerTest {
    @TempDir
    static Path tmp;
    static ModelCard card;
    static Zoo.TrainedModel full;

    @BeforeAll
    static void trainTwoEpochs() {
        card = Zoo.card("lstm-lm").withAll(List.of("grammar_tokens=20000", "hidden=24", "embedding=12", "epochs=2",
                "batch=16", "bptt=20"));
        full = Zoo.train(card, tmp.resolve("full"), quiet());
    }

    static PrintStream quiet() { return new PrintStream(new ByteArrayOutputStream()); }

    @Test
    void aRunDirectoryHoldsMetricsResultCurveAndCheckpoints() throws Exception {
        RunDirectory run = new RunDirectory(tmp.resolve("full"));
        assertEquals(2, run.readMetrics().size());
        for (Path p : List.of(run.result(), run.curve(), run.spec(), run.bestCheckpoint(), run.epochCheckpoint(1), run.epochCheckpoint(2)))
            assertTrue(Files.size(p) > 0, p.toString());
        Map<String, Object> r = full.result();
        for (String k : List.of("valid_ppl", "test_ppl", "optimal_test_ppl", "tokens_per_s", "parameters", "card"))
            assertTrue(r.containsKey(k), k);
    }

    @Test
    void theModelLearnsSomethingTheUniformModelDoesNot() {
        double test = (Double) full.result().get("test_ppl");
        double optimal = (Double) full.result().get("optimal_test_ppl");
        assertTrue(test < full.vocabulary().size() / 2.0, "test ppl " + test + " vs vocabulary " + full.vocabulary().size());
        assertTrue(test >= optimal * 0.98, "no model beats the Bayes perplexity by more than noise: " + test + " vs " + optimal);
    }

    @Test
    void aCheckpointAloneReproducesTheTestPerplexity() {
        Checkpoint c = Checkpoint.load(Path.of((String) full.result().get("checkpoint")));
        LanguageModelTask task = new LanguageModelTask(Zoo.corpus(c.card(), null).corpus(), c.vocabulary(),
                c.card().getInt("batch"), c.card().getInt("bptt"), c.card().getInt("eval_batch"));
        // Not to the bit: the Vector API's exp rounds differently before and after C2 compiles the
        // softmax (docs/performance.md), and the trainer's evaluation and this one can fall on either
        // side (measured 4e-10 relative apart). A wrong or partial checkpoint is off by far more.
        double expected = (Double) full.result().get("test_ppl");
        assertEquals(expected, task.evaluate(c.net(), "test").get("ppl"), 1e-7 * expected);
    }

    @Test
    void aRunResumedAfterAKillReachesTheSamePerplexity() throws Exception {
        // Simulate a kill during epoch 2: only epoch 1's checkpoints and metrics survive.
        RunDirectory src = new RunDirectory(tmp.resolve("full")), killed = new RunDirectory(tmp.resolve("killed"));
        Files.createDirectories(killed.checkpoints());
        Files.copy(src.spec(), killed.spec());
        Files.copy(src.epochCheckpoint(1), killed.epochCheckpoint(1));
        Files.copy(src.epochCheckpoint(1), killed.bestCheckpoint());
        Files.writeString(killed.metrics(), Files.readAllLines(src.metrics()).get(0) + "\n");

        Zoo.TrainedModel resumed = Zoo.resume(killed.path(), quiet(), false, null);
        assertEquals((Double) full.result().get("test_ppl"), (Double) resumed.result().get("test_ppl"), 1e-6);
        assertEquals(2, killed.readMetrics().size());
    }

    @Test
    void aResumeAfterAKillWhileBestZipWasWrittenTakesTheBestEpochsOwnCheckpoint() throws Exception {
        // Killed while epoch 2's best.zip was written: epoch-002.zip complete, best.zip still epoch 1's, a half temp file beside it.
        assertEquals(2, ((Number) full.result().get("best_epoch")).intValue(), "the scenario needs epoch 2 to be the best");
        RunDirectory src = new RunDirectory(tmp.resolve("full")), killed = new RunDirectory(tmp.resolve("killed-in-best"));
        Files.createDirectories(killed.checkpoints());
        Files.copy(src.spec(), killed.spec());
        Files.copy(src.metrics(), killed.metrics());
        Files.copy(src.epochCheckpoint(1), killed.epochCheckpoint(1));
        Files.copy(src.epochCheckpoint(2), killed.epochCheckpoint(2));
        Files.copy(src.epochCheckpoint(1), killed.bestCheckpoint());
        byte[] epoch2 = Files.readAllBytes(src.epochCheckpoint(2));
        Path half = Files.write(killed.checkpoints().resolve(".best.zip.5f3a9c.tmp"), java.util.Arrays.copyOf(epoch2, epoch2.length / 2));

        Zoo.TrainedModel resumed = Zoo.resume(killed.path(), quiet(), false, null);
        double expected = (Double) full.result().get("test_ppl");
        assertEquals(expected, (Double) resumed.result().get("test_ppl"), 1e-7 * expected, "epoch 2's weights, as best_epoch says");
        assertEquals(2, ((Number) resumed.result().get("best_epoch")).intValue());
        assertEquals(2, Checkpoint.epochOf(killed.bestCheckpoint()));
        assertFalse(Files.exists(half), "the killed write's temp file is gone");
    }

    @Test
    void aRunThatDivergesStopsAtTheStepAndKeepsTheLastGoodCheckpointAsBest() throws Exception {
        // Epoch 1 as the full run trained it; epoch 2 then runs at a learning rate no model survives.
        RunDirectory src = new RunDirectory(tmp.resolve("full")), run = new RunDirectory(tmp.resolve("diverging"));
        Files.createDirectories(run.checkpoints());
        Files.copy(src.spec(), run.spec());
        Files.writeString(run.metrics(), Files.readAllLines(src.metrics()).get(0) + "\n");
        Checkpoint epoch1 = Checkpoint.load(src.epochCheckpoint(1));
        Map<String, Object> state = new LinkedHashMap<>(epoch1.state());
        state.put("next_lr", 1e9);
        new Checkpoint(epoch1.net(), epoch1.card(), epoch1.task(), epoch1.vocabularies(), state).save(run.epochCheckpoint(1));
        Files.copy(run.epochCheckpoint(1), run.bestCheckpoint());

        ZooException e = assertThrows(ZooException.class, () -> Zoo.resume(run.path(), quiet(), false, null));
        String m = e.getMessage();
        assertTrue(m.matches("training diverged in epoch 2: .* at step \\d+ of \\d+; likely cause: a learning rate too high .*"), m);
        assertTrue(m.contains("the best checkpoint stays epoch 1's") && m.contains(run.bestCheckpoint().toString()), m);
        assertEquals(1, m.lines().count(), m);
        assertEquals(1, Checkpoint.epochOf(run.bestCheckpoint()));
        assertFalse(Files.exists(run.epochCheckpoint(2)), "nothing of the diverged epoch is saved");
        assertFalse(Files.exists(run.result()));
        assertEquals(1, run.readMetrics().size());
    }
}
