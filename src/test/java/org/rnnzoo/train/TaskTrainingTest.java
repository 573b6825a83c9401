package org.rnnzoo.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.cli.ZooCommand;
import org.rnnzoo.models.ModelCard;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one trainer trains a sentence classifier and a seq2seq model as it trains language models,
 * and everything it writes speaks the task's own metrics: accuracy for the classifier, decoder
 * perplexity and word error rate for seq2seq, never a token perplexity of a classifier.
 */
class TaskTrainingTest {
    @TempDir
    static Path tmp;
    static Zoo.TrainedModel classifier, seq2seq, tagger;

    @BeforeAll
    static void trainBoth() {
        ModelCard c = Zoo.card("rnn-sentiment").withAll(List.of("examples=1500", "epochs=3", "hidden=24", "embedding=12"));
        classifier = Zoo.train(c, tmp.resolve("classifier"), TrainerTest.quiet());
        ModelCard s = Zoo.card("seq2seq").withAll(List.of("examples=3000", "epochs=6", "hidden=32", "embedding=12", "max_length=5"));
        seq2seq = Zoo.train(s, tmp.resolve("seq2seq"), TrainerTest.quiet());
        ModelCard t = Zoo.card("rnn-tagger").withAll(List.of("examples=2000", "epochs=2", "hidden=24", "embedding=12"));
        tagger = Zoo.train(t, tmp.resolve("tagger"), TrainerTest.quiet());
    }

    @Test
    void aTaggerRunReportsTokenAccuracyAndUnknownWords() throws Exception {
        RunDirectory run = new RunDirectory(tmp.resolve("tagger"));
        for (Map<String, Object> line : run.readMetrics())
            assertTrue(line.containsKey("valid_accuracy") && line.containsKey("valid_unknown_accuracy") && line.containsKey("tokens_per_s"),
                    line.toString());
        Map<String, Object> result = readJson(run.result());
        assertEquals("sequence-tagging", result.get("task"));
        double accuracy = ((Number) result.get("test_accuracy")).doubleValue();
        // most words are fillers (tag O): the majority tag alone scores ~0.6
        assertTrue(accuracy > 0.8, "test token accuracy " + accuracy);
        Checkpoint c = Checkpoint.load(run.bestCheckpoint());
        assertEquals(List.of("O", "ADV", "NOT", "POS", "NEG"), c.vocabularies().entries("labels"));
        assertTrue(run("eval", run.bestCheckpoint().toString()).contains("token accuracy"));
        // the most-frequent-tag baseline beside it: a word's POS/NEG tag depends on a negator before it, so it errs
        double baseline = ((Number) result.get("test_baseline_accuracy")).doubleValue();
        assertTrue(baseline > 0.5 && baseline < accuracy, "baseline " + baseline + " vs tagger " + accuracy);
        assertTrue(result.containsKey("test_baseline_unknown_accuracy"), result.toString());
        assertConfusionPng(run.confusion(), 5);
        Path drawn = tmp.resolve("tagger-valid-confusion.png");
        String eval = run("eval", run.bestCheckpoint().toString(), "--split", "valid", "--confusion", drawn.toString());
        assertTrue(eval.contains("most-frequent-tag baseline") && eval.contains("confusion matrix: " + drawn), eval);
        assertConfusionPng(drawn, 5);
    }

    /** A PNG was written, large enough to hold a labelled grid of {@code classes} rows. */
    static void assertConfusionPng(Path png, int classes) throws Exception {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertTrue(image != null && image.getHeight() > 20 * classes && image.getWidth() > 20 * classes, png + " is not a confusion matrix PNG");
    }

    @Test
    void aClassifierRunReportsAccuracyNotPerplexity() throws Exception {
        RunDirectory run = new RunDirectory(tmp.resolve("classifier"));
        for (Map<String, Object> line : run.readMetrics()) {
            assertTrue(line.containsKey("valid_accuracy") && line.containsKey("valid_macro_f1") && line.containsKey("train_loss"), line.toString());
            assertTrue(line.containsKey("sentences_per_s"), line.toString());
            assertTrue(line.keySet().stream().noneMatch(k -> k.contains("ppl") || k.equals("tokens_per_s")), line.toString());
        }
        Map<String, Object> result = readJson(run.result());
        assertEquals("sentence-classification", result.get("task"));
        assertEquals("accuracy", result.get("metric"));
        double accuracy = ((Number) result.get("test_accuracy")).doubleValue();
        assertTrue(accuracy > 0.75, "learned beyond chance (0.5): test accuracy " + accuracy);
        assertTrue(result.containsKey("test_macro_f1") && result.containsKey("sentences_per_s"), result.toString());
        assertTrue(Files.size(run.curve()) > 1000);
        assertConfusionPng(run.confusion(), 2);
    }

    @Test
    void aSeq2seqRunReportsDecoderPerplexityAndWordErrorRate() throws Exception {
        RunDirectory run = new RunDirectory(tmp.resolve("seq2seq"));
        for (Map<String, Object> line : run.readMetrics()) {
            assertTrue(line.containsKey("train_ppl") && line.containsKey("valid_ppl") && line.containsKey("valid_wer"), line.toString());
            assertTrue(line.containsKey("target_tokens_per_s"), line.toString());
        }
        Map<String, Object> result = readJson(run.result());
        assertEquals("seq2seq", result.get("task"));
        assertEquals("wer", result.get("metric"));
        double ppl = ((Number) result.get("test_ppl")).doubleValue(), wer = ((Number) result.get("test_wer")).doubleValue();
        // Targets are letters drawn uniformly from 16, plus <eos>: a decoder that ignored the source
        // could not get below ~14; one that reads it approaches 1.
        assertTrue(ppl < 10, "decoder perplexity " + ppl + " (a decoder blind to the source: ~14)");
        assertTrue(wer >= 0 && wer <= 1, "wer " + wer);
        assertTrue(Files.size(run.curve()) > 1000);
        assertFalse(Files.exists(run.confusion()), "no classes, no confusion matrix");
    }

    @Test
    void seq2seqScoringReadsOnlyTargetsAndAgreesWithTheProbabilities() {
        org.rnnzoo.data.Vocabulary src = seq2seq.vocabularies().vocabulary("source"), tgt = seq2seq.vocabularies().vocabulary("target");
        List<org.rnnzoo.data.Seq2SeqPairIterator.Pair> pairs = List.of(
                new org.rnnzoo.data.Seq2SeqPairIterator.Pair(src.encode(List.of("a", "b", "c")), tgt.encode(List.of("c", "b", "a"))),
                new org.rnnzoo.data.Seq2SeqPairIterator.Pair(src.encode(List.of("d", "e", "f", "g", "h")), tgt.encode(List.of("h", "g", "f", "e", "d"))));
        org.nd4j.linalg.dataset.api.MultiDataSet ds = new org.rnnzoo.data.Seq2SeqPairIterator(pairs, 2, false, 0).next();
        PerplexityEvaluator fast = new PerplexityEvaluator(), slow = new PerplexityEvaluator();
        fast.addBatch(seq2seq.net(), ds);
        slow.add(seq2seq.net().output(false, ds.getFeatures(), ds.getFeaturesMaskArrays())[0], ds.getLabels(0), ds.getLabelsMaskArray(0));
        assertEquals(10, fast.tokens(), "3 + 1 and 5 + 1 targets (each with <eos>), the padding not counted");
        assertEquals(slow.tokens(), fast.tokens());
        assertEquals(slow.nll(), fast.nll(), 1e-5 * slow.nll());
    }

    @Test
    void checkpointsLoadBackWithTheirNamedVocabularies() {
        Checkpoint c = Checkpoint.load(new RunDirectory(tmp.resolve("classifier")).bestCheckpoint());
        assertEquals("sentence-classification", c.task());
        assertEquals(List.of("tokens", "labels"), c.vocabularies().names());
        assertEquals(List.of("negative", "positive"), c.vocabularies().entries("labels"));
        Checkpoint s = Checkpoint.load(new RunDirectory(tmp.resolve("seq2seq")).bestCheckpoint());
        assertEquals("seq2seq", s.task());
        assertEquals(List.of("source", "target"), s.vocabularies().names());
        assertEquals(seq2seq.vocabularies().entries("target"), s.vocabularies().entries("target"));
    }

    @Test
    void zooEvalPrintsEachTasksOwnMetricAndMatchesTheResult() throws Exception {
        Path best = new RunDirectory(tmp.resolve("classifier")).bestCheckpoint();
        String out = run("eval", best.toString());
        double accuracy = ((Number) readJson(tmp.resolve("classifier/result.json")).get("test_accuracy")).doubleValue();
        assertTrue(out.contains(String.format("accuracy %.4f", accuracy)), out);
        assertFalse(out.contains("perplexity"), out);
        String s = run("eval", new RunDirectory(tmp.resolve("seq2seq")).bestCheckpoint().toString(), "--split", "valid");
        assertTrue(s.contains("word error rate") && s.contains("decoder perplexity"), s);
        String info = run("info", best.toString());
        assertTrue(info.contains("task: sentence-classification") && info.contains("vocabulary labels: 2 entries"), info);
    }

    @Test
    void samplingAClassifierIsAOneLineRefusal() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(2, ZooCommand.execute("sample", new RunDirectory(tmp.resolve("classifier")).bestCheckpoint().toString()));
        } finally {
            System.setErr(saved);
        }
        String msg = err.toString(StandardCharsets.UTF_8).trim();
        assertEquals(1, msg.lines().count(), msg);
        assertTrue(msg.contains("is a sentence-classification model"), msg);
    }

    @Test
    void aCheckpointWhoseVocabularyWasCutIsRefusedBeforeUse() throws Exception {
        Path copy = tmp.resolve("cut.zip");
        Files.copy(new RunDirectory(tmp.resolve("classifier")).bestCheckpoint(), copy, StandardCopyOption.REPLACE_EXISTING);
        rewrite(copy, "rnnzoo-vocabularies.json", "{\"tokens\":[\"<pad>\",\"<unk>\",\"<eos>\",\"<s>\",\"good\"],\"labels\":[\"negative\",\"positive\"]}");
        ZooException e = assertThrows(ZooException.class, () -> Checkpoint.load(copy));
        assertTrue(e.getMessage().contains("vocabulary 'tokens' has 5 entries but the network's input:tokens has"), e.getMessage());

        rewrite(copy, "rnnzoo-vocabularies.json", "{not json");
        ZooException garbage = assertThrows(ZooException.class, () -> Checkpoint.load(copy));
        assertEquals(1, garbage.getMessage().lines().count(), garbage.getMessage());
    }

    @Test
    void aFormatOneLanguageModelCheckpointStillLoads() throws Exception {
        Path lm = tmp.resolve("lm");
        Zoo.TrainedModel m = Zoo.train(Zoo.card("lstm-lm").withAll(List.of("grammar_tokens=3000", "hidden=8", "embedding=8", "epochs=1")),
                lm, TrainerTest.quiet());
        Path old = tmp.resolve("format1.zip");
        Files.copy(new RunDirectory(lm).bestCheckpoint(), old);
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + old.toUri()), Map.of())) {
            Files.delete(zip.getPath("rnnzoo-vocabularies.json"));
            Files.delete(zip.getPath("rnnzoo-task.json"));
            Files.writeString(zip.getPath("rnnzoo-vocab.json"), new ObjectMapper().writeValueAsString(m.vocabulary().words()));
        }
        Checkpoint c = Checkpoint.load(old);
        assertEquals("language-model", c.task());
        assertEquals(m.vocabulary().words(), c.vocabulary().words());
        assertEquals(((Number) m.result().get("test_ppl")).doubleValue(), Zoo.evaluate(c, "test", null).get("ppl"), 1e-9);
    }

    private static void rewrite(Path zipFile, String entry, String content) throws Exception {
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + zipFile.toUri()), Map.of())) {
            Files.writeString(zip.getPath(entry), content);
        }
    }

    private static String run(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ZooCommand.execute(args), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readJson(Path p) throws Exception {
        return new ObjectMapper().readValue(p.toFile(), Map.class);
    }
}
