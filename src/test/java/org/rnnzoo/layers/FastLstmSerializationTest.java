package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.File;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A graph with FastLstm survives JSON and ModelSerializer round trips unchanged. */
class FastLstmSerializationTest {

    @Test
    void configurationJsonRoundTripsWithForgetGateBias() {
        ComputationGraph net = TestGraphs.twoLayer(true, DataType.FLOAT, 4, 5, 6, 3, 0, 0);
        String json = net.getConfiguration().toJson();
        assertTrue(json.contains("org.rnnzoo.layers.FastLstm"), json);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(net.getConfiguration(), back);
        var vertex = (org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("lstm1");
        FastLstm l = (FastLstm) vertex.getLayerConf().getLayer();
        assertEquals(1.0, l.getForgetGateBiasInit());
    }

    /**
     * The initial-state width is kept in the configuration JSON; a JSON written before it existed (no
     * field) reads as 0, the plain LSTM with its three parameters, so older checkpoints load as they were.
     */
    @Test
    void initialStateWidthRoundTripsAndAnOlderJsonWithoutItReadsAsZero() {
        ComputationGraph bridged = TestGraphs.twoLayer((nIn, nOut) -> new FastLstm.Builder().nIn(nIn).nOut(nOut)
                .initialStateWidth(nIn == 4 ? 2 : 0).build(), DataType.FLOAT, 4, 5, 6, 3, 0, 0);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(bridged.getConfiguration().toJson());
        assertEquals(bridged.getConfiguration(), back);
        assertEquals(2, lstm(back, "lstm1").getInitialStateWidth());
        assertEquals(0, lstm(back, "lstm2").getInitialStateWidth());

        ComputationGraph plain = TestGraphs.twoLayer(true, DataType.FLOAT, 4, 5, 6, 3, 0, 0);
        String json = plain.getConfiguration().toJson();
        assertTrue(json.contains("\"initialStateWidth\""), json);
        String older = json.replaceAll("\\s*\"initialStateWidth\"\\s*:\\s*0\\s*,", "").replaceAll(",\\s*\"initialStateWidth\"\\s*:\\s*0", "");
        assertTrue(!older.contains("initialStateWidth"), older);
        ComputationGraphConfiguration old = ComputationGraphConfiguration.fromJson(older);
        assertEquals(0, lstm(old, "lstm1").getInitialStateWidth());
        assertEquals(plain.getConfiguration(), old);
        ComputationGraph restored = new ComputationGraph(old);
        restored.init(plain.params().dup(), false);
        assertEquals(plain.numParams(), restored.numParams());
    }

    private static FastLstm lstm(ComputationGraphConfiguration conf, String name) {
        return (FastLstm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
    }

    @Test
    void modelSerializerCheckpointGivesIdenticalOutput(@TempDir Path dir) throws Exception {
        Nd4j.getRandom().setSeed(1);
        ComputationGraph net = TestGraphs.twoLayer(true, DataType.FLOAT, 4, 5, 6, 3, 0, 0);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 4, 7);
        net.fit(new org.nd4j.linalg.dataset.DataSet(x, FastLstmEquivalenceTest.oneHot(DataType.FLOAT, 2, 3, 7)));
        INDArray before = net.output(x)[0].dup();
        File f = dir.resolve("fastlstm.zip").toFile();
        ModelSerializer.writeModel(net, f, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(f, true);
        assertTrue(restored.getLayer("lstm1") instanceof FastLstmLayer);
        assertEquals(net.params(), restored.params());
        assertEquals(before, restored.output(x)[0]);
    }
}
