package org.rnnzoo.spark;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.datasets.DatasetStore;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.train.Checkpoint;
import org.rnnzoo.train.RunDirectory;
import org.rnnzoo.ui.TrainingUi;
import org.rnnzoo.ui.UiProbe;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "An LSTM LM trained on Spark local[2] reaches the perplexity of local training on the same data
 * and budget, and leaves the same run directory": one card, one small built-in corpus, 3 epochs
 * each way; the Spark run also records DL4J's training UI from its workers.
 */
class SparkTrainingTest {
    @TempDir
    static Path tmp;
    static final ModelCard CARD = Zoo.card("lstm-lm").withAll(List.of("grammar_tokens=20000", "hidden=32", "embedding=16",
            "epochs=3", "spark_training=averaging", "spark_steps=4"));
    static Zoo.TrainedModel local, spark;
    static Path localDir, sparkDir;
    static int uiPort;

    @BeforeAll
    static void trainBothWays() throws IOException {
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        localDir = tmp.resolve("local");
        sparkDir = tmp.resolve("spark");
        local = Zoo.train(CARD, localDir, quiet, false, new DatasetStore(), Zoo.Where.HERE);
        uiPort = UiProbe.freePort();
        spark = Zoo.train(CARD, sparkDir, quiet, false, new DatasetStore(), new Zoo.Where("local[2]", uiPort));
    }

    @Test
    void sparkLocal2ReachesTheLocalPerplexityWithinTenPercent() {
        double l = (Double) local.result().get("test_ppl"), s = (Double) spark.result().get("test_ppl");
        assertTrue(Math.abs(s / l - 1) < 0.10, "test perplexity: local " + l + ", spark local[2] " + s);
        // and it learned: far below the uniform model's perplexity (the vocabulary size)
        assertTrue(s < 0.75 * spark.vocabulary().size(), "spark test perplexity " + s + " vs vocabulary " + spark.vocabulary().size());
        assertTrue(((String) spark.result().get("trained_on")).startsWith("spark local[2]: 2 workers, parameter averaging"));
    }

    @Test
    void theSparkRunDirectoryHasTheShapeOfALocalOne() throws IOException {
        Set<String> sparkFiles = files(sparkDir);
        assertTrue(sparkFiles.remove(TrainingUi.STATS_FILE), "--ui keeps " + TrainingUi.STATS_FILE + ": " + sparkFiles);
        assertEquals(files(localDir), sparkFiles);
        Set<String> keys = new TreeSet<>(spark.result().keySet());
        keys.remove("trained_on");
        assertEquals(new TreeSet<>(local.result().keySet()), keys);
        List<Map<String, Object>> lm = new RunDirectory(localDir).readMetrics(), sm = new RunDirectory(sparkDir).readMetrics();
        assertEquals(lm.size(), sm.size());
        Set<String> lineKeys = new TreeSet<>(lm.get(0).keySet());
        lineKeys.remove("grad_norm_last");   // clipping ran in the workers' copies of the listener
        assertEquals(lineKeys, sm.get(0).keySet().stream().collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void aSparkCheckpointEvaluatesAndResumesLikeALocalOne() throws IOException {
        RunDirectory run = new RunDirectory(sparkDir);
        Checkpoint best = Checkpoint.load(run.bestCheckpoint());
        assertEquals((Double) spark.result().get("test_ppl"), Zoo.evaluate(best, "test", new DatasetStore()).get("ppl"), 1e-9);
        // a copy that stopped after epoch 2 (as if killed in epoch 3; best.zip not yet written, which the
        // resume repairs from the trainer state) resumes in this JVM, without Spark, and finishes
        Path cut = tmp.resolve("cut");
        Files.createDirectories(cut.resolve("checkpoints"));
        for (String f : List.of("run.json", "metrics.jsonl")) Files.copy(sparkDir.resolve(f), cut.resolve(f));
        for (String f : List.of("epoch-001.zip", "epoch-002.zip"))
            Files.copy(run.checkpoints().resolve(f), cut.resolve("checkpoints").resolve(f));
        Zoo.TrainedModel resumed = Zoo.resume(cut, new PrintStream(OutputStream.nullOutputStream()), false, new DatasetStore());
        assertEquals(3, new RunDirectory(cut).readMetrics().size());
        double r = (Double) resumed.result().get("test_ppl"), s = (Double) spark.result().get("test_ppl");
        assertTrue(Math.abs(r / s - 1) < 0.10, "resumed " + r + " vs spark " + s);
    }

    @Test
    void theSparkWorkersScoresReachTheTrainingUi() throws Exception {
        try (TrainingUi ui = TrainingUi.forFinishedRun(sparkDir, uiPort)) {
            JsonNode scores = UiProbe.scores(ui.port());
            assertTrue(scores.isArray() && scores.size() > 0, "no scores in the UI's overview data: " + scores);
            for (JsonNode s : scores) assertTrue(s.asDouble() > 0 && Double.isFinite(s.asDouble()), "score " + s);
        }
    }

    private static Set<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
