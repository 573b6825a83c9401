package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.Zoo;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.layers.FastLstm;
import org.rnnzoo.train.Checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Card key {@code bridge}: {@code state} starts the decoder's first LSTM layer from the encoder's
 * summary (its initial-state width is the summary's width; the layers above start from zero), over
 * the same graph as {@code input}; a card or checkpoint from before the key builds and loads as it was.
 */
class Seq2SeqBridgeTest {
    private static final int V = 9;
    private static final Map<String, Integer> SIZES = Map.of("source", V, "target", V);

    private static ComputationGraphConfiguration conf(String model, String... overrides) {
        return ModelRegistry.build(ModelRegistry.card(model).withAll(List.of(overrides)).withAll(List.of("hidden=4", "embedding=3")), SIZES)
                .getConfiguration();
    }

    private static FastLstm layer(ComputationGraphConfiguration conf, String name) {
        return (FastLstm) ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    @ParameterizedTest(name = "{0} encoder={1} combine={2}: summary width {3}")
    @CsvSource({"seq2seq,uni,concat,4", "seq2seq,bi,concat,8", "seq2seq,bi,sum,4", "seq2seq-attention,bi,concat,8"})
    void stateStartsTheFirstDecoderLayerFromTheSummaryOverTheSameGraph(String model, String encoder, String combine, int width) {
        ComputationGraphConfiguration state = conf(model, "encoder=" + encoder, "combine=" + combine, "layers=2", "bridge=state");
        ComputationGraphConfiguration input = conf(model, "encoder=" + encoder, "combine=" + combine, "layers=2", "bridge=input");
        assertEquals(input.getVertexInputs(), state.getVertexInputs(), "the wiring");
        assertEquals(List.of("tgt_embed", "thought_t"), state.getVertexInputs().get("dec_in"));
        assertEquals(width, layer(state, "dec0").getInitialStateWidth());
        assertEquals(3 + width, layer(state, "dec0").getNIn());
        assertEquals(0, layer(state, "dec1").getInitialStateWidth(), "upper decoder layers start from zero");
        assertEquals(0, layer(input, "dec0").getInitialStateWidth());
        // the encoder's layers never take a summary
        state.getVertices().keySet().stream().filter(v -> v.startsWith("enc") || v.startsWith("fwd") || v.startsWith("bwd"))
                .forEach(v -> assertEquals(0, layer(state, v).getInitialStateWidth(), v));
        // W_b [width, 4] and b_b [4] more; W reads the previous token's embedding alone
        long extra = ModelRegistry.build(ModelRegistry.card(model).withAll(List.of("encoder=" + encoder, "combine=" + combine, "layers=2",
                "bridge=state", "hidden=4", "embedding=3")), SIZES).getLayer("dec0").numParams()
                - ModelRegistry.build(ModelRegistry.card(model).withAll(List.of("encoder=" + encoder, "combine=" + combine, "layers=2",
                "bridge=input", "hidden=4", "embedding=3")), SIZES).getLayer("dec0").numParams();
        assertEquals(width * 4L + 4 - width * 16L, extra);
    }

    @Test
    void stateIsRefusedWhereThereIsNoSummaryOrNoLstmAndABadValueIsNamed() {
        ZooException none = assertThrows(ZooException.class, () -> conf("seq2seq-attention", "thought=none", "bridge=state"));
        assertTrue(none.getMessage().contains("bridge: 'state'") && none.getMessage().contains("thought: none"), none.getMessage());
        ZooException rnn = assertThrows(ZooException.class, () -> conf("seq2seq", "cell=rnn", "bridge=state"));
        assertTrue(rnn.getMessage().contains("bridge: 'state'") && rnn.getMessage().contains("cell: lstm"), rnn.getMessage());
        ZooException bad = assertThrows(ZooException.class, () -> conf("seq2seq", "bridge=hidden"));
        assertTrue(bad.getMessage().contains("bridge: 'hidden'") && bad.getMessage().contains("input or state"), bad.getMessage());
        conf("seq2seq", "cell=rnn", "bridge=input");   // today's wiring takes either cell
    }

    /**
     * A checkpoint written before the key and the field existed: its card has no {@code bridge}, its
     * network JSON no {@code initialStateWidth}. It loads, and its card builds the same network.
     */
    @Test
    void aCheckpointFromBeforeTheBridgeLoadsAsItWas(@TempDir Path tmp) throws Exception {
        ModelCard card = ModelRegistry.card("seq2seq").withAll(List.of("examples=200", "epochs=1", "hidden=8", "embedding=4", "max_length=5"));
        Zoo.TrainedModel m = Zoo.train(card, tmp.resolve("run"), new PrintStream(new ByteArrayOutputStream()));
        Path zip = tmp.resolve("run/checkpoints/best.zip");
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of())) {
            Path conf = fs.getPath("configuration.json"), cardJson = fs.getPath("rnnzoo-card.json");
            String json = Files.readString(conf);
            assertTrue(json.contains("\"initialStateWidth\""), "the field is written");
            String older = json.replaceAll("\\s*\"initialStateWidth\"\\s*:\\s*0\\s*,", "").replaceAll(",\\s*\"initialStateWidth\"\\s*:\\s*0", "");
            assertFalse(older.contains("initialStateWidth"));
            Files.writeString(conf, older);
            Map<String, Object> oldCard = card.asMap();
            ((Map<?, ?>) oldCard.get("model")).remove("bridge");
            Files.writeString(cardJson, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(oldCard));
        }
        Checkpoint old = Checkpoint.load(zip);
        assertFalse(old.card().has("bridge"));
        assertEquals(0, ((FastLstm) old.net().getLayer("dec0").conf().getLayer()).getInitialStateWidth());
        ComputationGraph rebuilt = ModelRegistry.build(old.card(), old.vocabularies().sizes());
        assertEquals(rebuilt.getConfiguration().getVertexInputs(), old.net().getConfiguration().getVertexInputs());
        assertEquals(rebuilt.numParams(), old.net().numParams());
        // and it computes what the network it was saved from computes
        INDArray source = Nd4j.create(new float[][]{{4, 5, 6}, {6, 5, 4}}), previous = Nd4j.create(DataType.FLOAT, 2, 1, 2).assign(3);
        INDArray[] masks = {Nd4j.ones(DataType.FLOAT, 2, 3), Nd4j.ones(DataType.FLOAT, 2, 2)};
        m.net().clear();
        assertEquals(m.net().output(false, new INDArray[]{source, previous}, masks)[0], old.net().output(false, new INDArray[]{source, previous}, masks)[0]);
    }
}
