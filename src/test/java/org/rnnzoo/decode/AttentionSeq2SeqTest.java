package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.Zoo;
import org.rnnzoo.cli.ZooCommand;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Seq2SeqPairIterator;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;
import org.rnnzoo.models.Seq2SeqAttention;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A seq2seq-attention model trained on the built-in reversal task for a few hundred steps: beam search
 * of width 1 is greedy decoding, a wider beam never finds a less probable output, the attention weights
 * recomputed from the activations rebuild the vertex's own output and sum to 1 over the source,
 * {@code zoo translate --attention} draws them and {@code zoo eval --attention-stats} sums them up.
 */
class AttentionSeq2SeqTest {
    @TempDir
    static Path tmp;
    static ComputationGraph net;
    static Vocabulary source, target;
    static List<int[]> sources = new ArrayList<>();

    @BeforeAll
    static void train() {
        // 2,000 pairs / batch 32 × 5 epochs ≈ 315 steps
        ModelCard card = Zoo.card("seq2seq-attention").withAll(List.of("examples=2000", "epochs=5", "hidden=32", "embedding=12",
                "attention=32", "max_length=6"));
        Zoo.TrainedModel m = Zoo.train(card, tmp.resolve("run"), new PrintStream(new ByteArrayOutputStream()));
        net = m.net();
        source = m.vocabularies().vocabulary("source");
        target = m.vocabularies().vocabulary("target");
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 12; i++) {
            int[] s = new int[3 + r.nextInt(4)];
            for (int k = 0; k < s.length; k++) s[k] = source.id(String.valueOf("abcdefghijklmnop".charAt(r.nextInt(16))));
            sources.add(s);
        }
    }

    @Test
    void beamOfWidthOneIsGreedy() {
        List<int[]> greedy = GreedyDecoder.decode(net, sources, 1, 12);
        List<int[]> beam = BeamSearchDecoder.decode(net, sources, 1, 0.0, 12);
        for (int i = 0; i < sources.size(); i++) assertArrayEquals(greedy.get(i), beam.get(i), "source " + i);
    }

    @Test
    void aWiderBeamFindsOutputsAtLeastAsProbableAsGreedy() {
        List<int[]> greedy = GreedyDecoder.decode(net, sources, 4, 12);
        for (int i = 0; i < sources.size(); i++) {
            int[] beam = BeamSearchDecoder.best(net, sources.get(i), 4, 0.0, 12).tokens();
            double g = BeamSearchDecoder.logProbability(net, sources.get(i), greedy.get(i));
            double b = BeamSearchDecoder.logProbability(net, sources.get(i), beam);
            assertTrue(b >= g - 1e-5, "source " + i + ": beam log P " + b + " < greedy " + g);
        }
    }

    @Test
    void stepwiseDecodingOfAPaddedBatchScoresWhatTheWholeGraphScores() {
        // sources of lengths 3-6 in one batch, 3 beam slots each, the encoder run once: every finished hypothesis's
        // accumulated log P equals the teacher-forced graph's on that source alone, and batching changes no output
        List<BeamSearchDecoder.Hypothesis> batched = BeamSearchDecoder.search(net, sources, 3, 0.0, 12, 64);
        for (int i = 0; i < sources.size(); i++) {
            BeamSearchDecoder.Hypothesis h = batched.get(i);
            assertTrue(h.finished(), "source " + i);
            assertEquals(BeamSearchDecoder.logProbability(net, sources.get(i), h.tokens()), h.logProbability(), 1e-3, "source " + i);
            assertArrayEquals(BeamSearchDecoder.search(net, List.of(sources.get(i)), 3, 0.0, 12, 3).get(0).tokens(), h.tokens());
        }
    }

    @Test
    void recomputedWeightsRebuildTheVertexOutputAndSumToOne() {
        int[] src = sources.get(0);
        int[] out = GreedyDecoder.decode(net, List.of(src), 1, 12).get(0);
        double[][] w = AttentionWeights.of(net, Seq2SeqAttention.ATTENTION, src, out);
        assertEquals(out.length + 1, w.length);
        for (double[] row : w) {
            assertEquals(src.length, row.length);
            assertEquals(1.0, java.util.Arrays.stream(row).sum(), 1e-6);   // float weights
        }
        // the vertex's output is the encoder states mixed by those weights, c_t = Σ_s w_ts h̄_s
        Map<String, INDArray> acts = AttentionWeights.activations(net, src, out);
        List<String> inputs = net.getConfiguration().getVertexInputs().get(Seq2SeqAttention.ATTENTION);
        INDArray k = acts.get(inputs.get(1)).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        INDArray rebuilt = k.mmul(org.nd4j.linalg.factory.Nd4j.create(w).castTo(k.dataType()).transpose());
        INDArray actual = acts.get(Seq2SeqAttention.ATTENTION).get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
        assertEquals(0.0, rebuilt.sub(actual).amaxNumber().doubleValue(), 1e-4);
    }

    @Test
    void aPairScoresTheSameInAPaddedBatchAsAlone() {
        // TimeDistributed(Dense) once reordered the target mask against its rows: padded batches scored 1.32, alone 1.01
        List<Seq2SeqPairIterator.Pair> pairs = List.of(new Seq2SeqPairIterator.Pair(sources.get(0), reversed(sources.get(0))),
                new Seq2SeqPairIterator.Pair(new int[]{sources.get(1)[0]}, new int[]{sources.get(1)[0]}),
                new Seq2SeqPairIterator.Pair(sources.get(2), reversed(sources.get(2))));
        double together = 0, alone = 0;
        net.clear();
        var batch = new Seq2SeqPairIterator(pairs, 3, false, 0).next();
        INDArray probs = net.output(false, batch.getFeatures(), batch.getFeaturesMaskArrays())[0];
        for (int i = 0; i < pairs.size(); i++) {
            int[] y = pairs.get(i).target();
            for (int k = 0; k <= y.length; k++) together += Math.log(probs.getDouble(i, k < y.length ? y[k] : Vocabulary.EOS_ID, k));
            alone += BeamSearchDecoder.logProbability(net, pairs.get(i).source(), y);
        }
        assertEquals(alone, together, 1e-3);
    }

    /** The source ids as target ids: the reversal task's answer (both vocabularies are the same letters, built the same way). */
    private static int[] reversed(int[] s) {
        int[] out = new int[s.length];
        for (int k = 0; k < s.length; k++) out[k] = target.id(source.word(s[s.length - 1 - k]));
        return out;
    }

    @Test
    void translateDrawsTheAttentionHeatmap() throws Exception {
        Path ckpt = tmp.resolve("run/checkpoints/best.zip");
        Path png = tmp.resolve("map.png");
        String out = stdout("translate", ckpt.toString(), "a b c d", "--beam", "3", "--attention", png.toString());
        assertTrue(Files.size(png) > 1000, "heatmap written");
        assertEquals(4, out.trim().split(" ").length, out);
    }

    @Test
    void evalPrintsTheAttentionStatisticsOfTheFirstPairs() {
        String out = stdout("eval", tmp.resolve("run/checkpoints/best.zip").toString(), "--split", "valid", "--attention-stats", "20");
        String line = out.lines().filter(l -> l.startsWith("attention on the first 20 of ")).findFirst().orElseThrow(
                () -> new AssertionError("no statistics line in: " + out));
        assertTrue(line.contains(" valid pairs, teacher-forced on their references: ") && line.contains("decoder steps"), line);
    }

    @Test
    void evalDecodesAnEnsembleAndWritesItsFigures() throws Exception {
        // a model ensembled with itself averages two equal log-probabilities: its outputs, and so its figures, are the model's own
        String ckpt = tmp.resolve("run/checkpoints/best.zip").toString();
        Path json = tmp.resolve("ensemble.json");
        String out = stdout("eval", ckpt, "--split", "valid", "--ensemble", ckpt, "--json", json.toString());
        assertTrue(out.lines().anyMatch(l -> l.startsWith("ensemble of 2 on valid: greedy word error rate ")), out);
        Map<String, Object> m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json.toFile(), Map.class);
        assertEquals(((Number) m.get("first_valid_wer")).doubleValue(), ((Number) m.get("valid_wer")).doubleValue(), 1e-12);
        assertEquals(((Number) m.get("first_valid_ter")).doubleValue(), ((Number) m.get("valid_ter")).doubleValue(), 1e-12);
        assertEquals(List.of(ckpt, ckpt), m.get("ensemble"));
        assertTrue(m.containsKey("first_valid_ppl") && !m.containsKey("valid_ppl"), "the ensemble has no teacher-forced perplexity: " + m.keySet());
        assertEquals(2, ZooCommand.execute("eval", ckpt, "--ensemble", tmp.resolve("missing.zip").toString()), "a missing member is a one-line error");
    }

    /** What a zoo command that succeeds prints on stdout. */
    private static String stdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true));
        try {
            assertEquals(0, ZooCommand.execute(args), String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return captured.toString();
    }

    @Test
    void eachScoreHasItsParametersAndABadOneIsNamed() {
        Map<String, Integer> sizes = Map.of("source", 10, "target", 10);
        ZooException e = assertThrows(ZooException.class, () -> ModelRegistry.build(card("score=cosine"), sizes));
        assertTrue(e.getMessage().contains("dot, general, additive"), e.getMessage());
        // hidden 8, attention 6: dot none; general W_a 8×8; additive W_1, W_2 6×8 each and v 6
        assertEquals(0, ModelRegistry.build(card("score=dot"), sizes).getVertex(Seq2SeqAttention.ATTENTION).numParams());
        ComputationGraph general = ModelRegistry.build(card("score=general"), sizes);
        assertEquals(8 * 8, general.getVertex(Seq2SeqAttention.ATTENTION).numParams());
        assertEquals(2 * 6 * 8 + 6, ModelRegistry.build(card("score=additive"), sizes).getVertex(Seq2SeqAttention.ATTENTION).numParams());
        assertTrue(general.params().length() > general.numParams(), "DL4J's numParams() leaves the vertex out; the zoo counts params()");
        // a bi encoder's concatenated states are twice the decoder's width: dot cannot compare them, and says so
        e = assertThrows(ZooException.class, () -> ModelRegistry.build(card("score=dot").withAll(List.of("encoder=bi", "combine=concat")), sizes));
        assertTrue(e.getMessage().contains("general or additive"), e.getMessage());
        assertEquals(0, ModelRegistry.build(card("score=dot").withAll(List.of("encoder=bi", "combine=sum")), sizes)
                .getVertex(Seq2SeqAttention.ATTENTION).numParams());
        assertEquals(8 * 16, ModelRegistry.build(card("score=general").withAll(List.of("encoder=bi", "combine=concat")), sizes)
                .getVertex(Seq2SeqAttention.ATTENTION).numParams());
    }

    private static ModelCard card(String override) {
        return Zoo.card("seq2seq-attention").withAll(List.of(override, "hidden=8", "embedding=4", "attention=6"));
    }
}
