package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.junit.jupiter.api.io.TempDir;
import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.decode.BeamSearchDecoder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a bi encoder hands the decoder of {@code seq2seq} ("thought"): with {@code thought: ends}
 * its backward half is the backward direction's state at the first word, which has read the whole
 * source, so the first letter reaches the decoder through it; with {@code thought: last} (the old
 * wiring) that half has read only the last letter.
 */
class Seq2SeqThoughtTest {
    private static final int H = 4, V = 9;
    // two sources that differ in their first letter only, and a padded shorter one
    private static final float[][] SOURCES = {{5, 6, 7, 8}, {4, 6, 7, 8}, {5, 6, 0, 0}};
    private static final int[] LENGTHS = {4, 4, 2};

    /** The activations of the thought vector {@code [3, 2H]} and the encoder states {@code [3, 2H, 4]} (null where no vertex reads them). */
    private static INDArray[] thoughtAndStates(String model, String thought) {
        ModelCard card = ModelRegistry.card(model).withAll(List.of("encoder=bi", "combine=concat", "thought=" + thought,
                "hidden=" + H, "embedding=3", "init_scale=0.5"));
        ComputationGraph net = ModelRegistry.build(card, Map.of("source", V, "target", V));
        INDArray source = Nd4j.create(SOURCES), sourceMask = source.neq(0).castTo(DataType.FLOAT);
        INDArray previous = Nd4j.ones(DataType.FLOAT, 3, 1, 1), targetMask = Nd4j.ones(DataType.FLOAT, 3, 1);
        net.setLayerMaskArrays(new INDArray[]{sourceMask, targetMask}, null);
        Map<String, INDArray> acts = net.feedForward(new INDArray[]{source, previous}, false, false);
        net.clear();
        return new INDArray[]{acts.get("thought"), acts.get("states")};
    }

    private static INDArray backwardHalf(INDArray thought, int row) {
        return thought.get(NDArrayIndex.point(row), NDArrayIndex.interval(H, 2 * H));
    }

    @ParameterizedTest
    @ValueSource(strings = {"seq2seq", "seq2seq-attention"})
    void endsJoinsTheForwardStateAtTheLastWordWithTheBackwardStateAtTheFirst(String model) {
        INDArray[] a = thoughtAndStates(model, "ends");
        INDArray thought = a[0], states = a[1];
        assertEquals(2 * H, thought.size(1));
        // plain seq2seq builds no combined states (nothing but attention would read them); the attention model does
        for (int b = 0; states != null && b < SOURCES.length; b++) {
            INDArray forwardAtLast = states.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, H), NDArrayIndex.point(LENGTHS[b] - 1));
            INDArray backwardAtFirst = states.get(NDArrayIndex.point(b), NDArrayIndex.interval(H, 2 * H), NDArrayIndex.point(0));
            assertTrue(thought.get(NDArrayIndex.point(b), NDArrayIndex.interval(0, H)).equalsWithEps(forwardAtLast, 1e-6), "row " + b);
            assertTrue(backwardHalf(thought, b).equalsWithEps(backwardAtFirst, 1e-6), "row " + b);
        }
        // changing the first letter alone changes what the backward half tells the decoder
        double moved = backwardHalf(thought, 0).sub(backwardHalf(thought, 1)).amaxNumber().doubleValue();
        assertTrue(moved > 1e-3, "backward half moved by " + moved);
    }

    @Test
    void lastTakesBothHalvesAtTheLastWordSoItsBackwardHalfNeverSeesTheFirstLetter() {
        INDArray[] a = thoughtAndStates("seq2seq", "last");
        INDArray thought = a[0], states = a[1];
        for (int b = 0; b < SOURCES.length; b++)
            assertTrue(thought.get(NDArrayIndex.point(b), NDArrayIndex.all())
                    .equalsWithEps(states.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.point(LENGTHS[b] - 1)), 1e-6), "row " + b);
        assertTrue(backwardHalf(thought, 0).equalsWithEps(backwardHalf(thought, 1), 1e-6), "the backward half read only the last letter");
    }

    @ParameterizedTest(name = "{0} thought={1} bridge={2}")
    @org.junit.jupiter.params.provider.CsvSource({"seq2seq,ends,input", "seq2seq-attention,none,input", "seq2seq,ends,state",
            "seq2seq-attention,ends,state"})
    void stepwiseDecodingScoresWhatTheWholeGraphScores(String model, String thought, String bridge, @TempDir Path tmp) {
        // the step graph reads the encoder at its cut vertices: with forward_last / backward_last in place of the
        // combined states (ends), or the encoder states alone (none), a beam's accumulated log P must still be the
        // teacher-forced graph's (about 40 steps of training); with bridge=state the decoder's first step (no stored
        // state) makes its state from the summary, later steps carry it, rows moved between beam slots. So little
        // training often finishes on an empty output, scored at the first step alone: decode.IncrementalDecoderTest
        // holds the long targets that check the carried state
        ModelCard card = ModelRegistry.card(model).withAll(List.of("encoder=bi", "combine=sum", "thought=" + thought, "bridge=" + bridge,
                "examples=700", "epochs=2", "hidden=16", "embedding=8", "max_length=6"));
        Zoo.TrainedModel m = Zoo.train(card, tmp.resolve("run"), new PrintStream(new ByteArrayOutputStream()));
        Vocabulary source = m.vocabularies().vocabulary("source");
        List<int[]> sources = new ArrayList<>();
        for (String word : List.of("abc", "fedcb", "ghij", "ba", "ponmlk"))
            sources.add(word.chars().map(ch -> source.id(String.valueOf((char) ch))).toArray());
        // beams and greedy (width 1), all sources at once (15 and 5 decoder rows) and a few rows at a time
        // (3 and 2 rows: FastLstm's batch-1 Java step)
        int[][] widthAndRows = {{3, 64}, {3, 3}, {1, 64}, {1, 2}};
        for (int[] wr : widthAndRows) {
            int finished = 0;
            List<BeamSearchDecoder.Hypothesis> batched = BeamSearchDecoder.search(m.net(), sources, wr[0], 0.0, 12, wr[1]);
            for (int i = 0; i < sources.size(); i++) {
                BeamSearchDecoder.Hypothesis h = batched.get(i);
                if (!h.finished()) continue;
                finished++;
                assertEquals(BeamSearchDecoder.logProbability(m.net(), sources.get(i), h.tokens()), h.logProbability(), 1e-3,
                        "source " + i + ", width " + wr[0] + ", rows " + wr[1]);
            }
            assertTrue(finished > 0, "no hypothesis finished (width " + wr[0] + ", rows " + wr[1] + ")");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uni", "bi"})
    void noneGivesTheAttentionDecoderThePreviousTokenAloneAndIsRefusedWithoutAttention(String encoder) {
        Map<String, Integer> sizes = Map.of("source", V, "target", V);
        var conf = ModelRegistry.build(ModelRegistry.card("seq2seq-attention").withAll(List.of("encoder=" + encoder, "thought=none",
                "hidden=" + H, "embedding=3")), sizes).getConfiguration();
        assertTrue(conf.getVertices().keySet().stream().noneMatch(v -> v.startsWith("thought") || v.equals("dec_in")
                || v.endsWith("_last")), conf.getVertices().keySet().toString());
        // the first decoder layer reads the target embedding and nothing else; the source comes in through attention
        String firstDecoder = conf.getVertexInputs().entrySet().stream().filter(e -> e.getValue().equals(List.of("tgt_embed")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        assertTrue(firstDecoder.startsWith("dec"), firstDecoder);
        assertTrue(conf.getVertexInputs().get(Seq2SeqAttention.ATTENTION).size() == 2);
        ZooException e = assertThrows(ZooException.class,
                () -> ModelRegistry.build(ModelRegistry.card("seq2seq").withAll(List.of("encoder=" + encoder, "thought=none")), sizes));
        assertTrue(e.getMessage().contains("thought: 'none'") && e.getMessage().contains("seq2seq-attention"), e.getMessage());
    }

    @Test
    void aCardWithoutTheKeyBuildsTheOldWiringAndABadValueIsNamed() {
        // an older checkpoint's card has no thought key: it means the wiring it was trained with
        Map<String, Object> old = ModelRegistry.card("seq2seq").withAll(List.of("encoder=bi")).asMap();
        ((Map<?, ?>) old.get("model")).remove("thought");
        ModelCard oldCard = ModelCard.fromJson(new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(old).toString());
        Map<String, Integer> sizes = Map.of("source", V, "target", V);
        assertEquals(List.of("states"), ModelRegistry.build(oldCard, sizes).getConfiguration().getVertexInputs().get("thought"));
        ZooException e = assertThrows(ZooException.class,
                () -> ModelRegistry.build(ModelRegistry.card("seq2seq").withAll(List.of("encoder=bi", "thought=first")), sizes));
        assertTrue(e.getMessage().contains("thought: 'first'") && e.getMessage().contains("ends, last or none"), e.getMessage());
    }
}
