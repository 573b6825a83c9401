package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.rnnzoo.Zoo;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.train.LanguageModelTask;
import org.rnnzoo.train.Task;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each deep stack builds from its card and learns on the built-in grammar corpus: its loss falls within a few dozen steps. */
class DeepStackTrainingTest {
    private static final int STEPS = 60;

    @ParameterizedTest(name = "{0} cell={1}")
    @CsvSource({"residual-lm, lstm", "highway-lm, lstm", "dense-lm, lstm", "residual-lm, rnn", "highway-lm, rnn", "dense-lm, rnn"})
    void lossGoesDownOnTheGrammarCorpus(String model, String cell) {
        ModelCard card = ModelRegistry.card(model).withAll(List.of("cell=" + cell, "depth=3", "embedding=16", "hidden=32",
                "grammar_tokens=20000", "batch=16", "bptt=20"));
        Task task = Zoo.task(card, null);
        ComputationGraph net = ModelRegistry.build(card, task.vocabularies().size("tokens"));
        assertEquals(3, net.getConfiguration().getVertices().keySet().stream().filter(n -> n.startsWith("rnn")).count());
        // one bptt-step segment per fit (the task's own trainBatches hands over the whole epoch at once)
        MultiDataSetIterator batches = new BatchifiedTokenStream(((LanguageModelTask) task).ids("train"), 16, 20);
        double first = 0, last = 0;
        for (int step = 0; step < STEPS; step++) {
            net.fit(batches.next());
            if (step < 5) first += net.score() / 5;
            if (step >= STEPS - 5) last += net.score() / 5;
        }
        System.out.printf("%s cell=%s: mean loss %.3f over steps 1-5, %.3f over steps %d-%d%n", model, cell, first, last, STEPS - 4, STEPS);
        assertTrue(last < 0.85 * first, model + " cell=" + cell + ": mean loss of the first 5 steps " + first + ", of the last 5 " + last);
    }

    /** The gate's parameters live in a vertex, not a layer: the trainer's fused updater must still step them. */
    @org.junit.jupiter.api.Test
    void highwayGatesLearnUnderTheTrainersFusedUpdater() {
        ModelCard card = ModelRegistry.card("highway-lm").withAll(List.of("depth=2", "embedding=16", "hidden=32",
                "grammar_tokens=20000", "batch=16", "bptt=20"));
        Task task = Zoo.task(card, null);
        ComputationGraph net = ModelRegistry.build(card, task.vocabularies().size("tokens"));
        assertTrue(org.rnnzoo.train.FusedUpdater.install(net), "the card's Adam runs fused");
        org.nd4j.linalg.api.ndarray.INDArray before = net.getVertex("highway1").params().dup();
        MultiDataSetIterator batches = new BatchifiedTokenStream(((LanguageModelTask) task).ids("train"), 16, 20);
        for (int step = 0; step < 3; step++) net.fit(batches.next());
        org.nd4j.linalg.api.ndarray.INDArray after = net.getVertex("highway1").params();
        assertEquals(before.length(), after.length());
        assertTrue(after.sub(before).amaxNumber().doubleValue() > 1e-4, "W_T and b_T moved");
    }

    @org.junit.jupiter.api.Test
    void highwayGatesStartMostlyClosedAndDepthIsOneToEight() {
        ComputationGraph net = ModelRegistry.build("highway-lm", 20, "depth=2", "hidden=8", "embedding=8");
        for (String gate : List.of("highway0", "highway1")) {
            org.nd4j.linalg.api.ndarray.INDArray b = net.getVertex(gate).paramTable(false).get("b");
            assertEquals(-2.0, b.minNumber().doubleValue(), 1e-6, gate);
            assertEquals(-2.0, b.maxNumber().doubleValue(), 1e-6, gate);
        }
        assertEquals(0, net.getConfiguration().getVertices().keySet().stream().filter(n -> n.startsWith("proj")).count(),
                "equal widths need no projection");
        for (String bad : List.of("depth=0", "depth=9")) {
            org.rnnzoo.common.ZooException e = org.junit.jupiter.api.Assertions.assertThrows(org.rnnzoo.common.ZooException.class,
                    () -> ModelRegistry.build("residual-lm", 20, bad));
            assertTrue(e.getMessage().contains("expected 1 to 8"), e.getMessage());
        }
    }
}
