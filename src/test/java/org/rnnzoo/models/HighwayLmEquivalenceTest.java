package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.layers.TestGraphs;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused highway vertex is the construction it replaced: given the same parameters, highway-lm
 * gives the probabilities, the score and the gradients of the stack built from a time-distributed
 * dense gate and three element-wise vertices (subtract, product, add), in float, for both cells,
 * with and without the first layer's projection.
 */
class HighwayLmEquivalenceTest {
    private static final int VOCAB = 11, B = 6, T = 11;   // 66 rows: the gate's products go over two lanes

    /** The previous highway-lm body: T from a time-distributed dense layer, y = C + T⊙(H − C) from three DL4J vertices. */
    private static LanguageModelGraph.Body threeVertexBody(ModelCard card) {
        int hidden = card.getInt("hidden"), depth = LanguageModelGraph.depth(card);
        BiFunction<Integer, Integer, Layer> cell = RecurrentCells.of(card);
        return (g, input) -> {
            String x = input;
            for (int i = 0; i < depth; i++) {
                int nIn = g.width(x);
                String h = LanguageModelGraph.recurrentLayer(g, "rnn" + i, cell, hidden, 0.0, x);
                String carry = LanguageModelGraph.matchWidth(g, "proj" + i, x, hidden);
                String t = g.layer("gate" + i, LanguageModelGraph.timeDistributedDense(nIn, hidden, Activation.SIGMOID,
                        card.getDouble("gate_bias")), hidden, x);
                String diff = g.vertex("transform" + i, new ElementWiseVertex(ElementWiseVertex.Op.Subtract), hidden, h, carry);
                String gated = g.vertex("gated" + i, new ElementWiseVertex(ElementWiseVertex.Op.Product), hidden, t, diff);
                x = g.vertex("highway" + i, new ElementWiseVertex(ElementWiseVertex.Op.Add), hidden, carry, gated);
            }
            return x;
        };
    }

    @ParameterizedTest(name = "cell={0} embedding={1}")
    @CsvSource({"lstm, 8", "lstm, 5", "rnn, 5"})
    void sameParametersGiveTheSameOutputsScoreAndGradients(String cell, int embedding) {
        ModelCard card = ModelRegistry.card("highway-lm").withAll(List.of("cell=" + cell, "depth=3", "embedding=" + embedding,
                "hidden=8", "init_scale=0.5", "gate_bias=-1.0", "dropout=0", "optimizer=sgd", "lr=1.0"));
        ComputationGraph fused = HighwayLm.build(card, VOCAB), old = LanguageModelGraph.build(card, VOCAB, threeVertexBody(card));
        // the old gate layer's W [nIn, hidden] and b [1, hidden] are the vertex's W_T and b_T
        for (org.deeplearning4j.nn.api.Layer layer : old.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            Map<String, INDArray> into = name.startsWith("gate")
                    ? fused.getVertex("highway" + name.substring(4)).paramTable(false) : fused.getLayer(name).paramTable();
            layer.paramTable().forEach((k, p) -> into.get(k).assign(p));
        }
        assertEquals(old.params().length(), fused.params().length(), "the same parameters, no more");   // numParams() counts layers only

        Random r = new Random(9);
        INDArray ids = Nd4j.zeros(DataType.FLOAT, B, 1, T), labels = Nd4j.zeros(DataType.FLOAT, B, 1, T);
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++) {
                ids.putScalar(new int[]{b, 0, t}, r.nextInt(VOCAB));
                labels.putScalar(new int[]{b, 0, t}, r.nextInt(VOCAB));
            }
        INDArray want = old.output(ids)[0], got = fused.output(ids)[0];
        assertTrue(TestGraphs.maxRelDiff(want, got) < 1e-5, "probabilities differ by " + TestGraphs.maxRelDiff(want, got));

        for (ComputationGraph net : List.of(old, fused)) {
            net.clear();
            net.getConfiguration().setBackpropType(org.deeplearning4j.nn.conf.BackpropType.Standard);
            net.setInputs(ids);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        assertEquals(old.score(), fused.score(), 1e-5 * Math.abs(old.score()));
        Map<String, INDArray> oldGrads = old.gradient().gradientForVariable(), fusedGrads = fused.gradient().gradientForVariable();
        int compared = 0;
        for (Map.Entry<String, INDArray> e : oldGrads.entrySet()) {
            String key = e.getKey().startsWith("gate") ? "highway" + e.getKey().substring(4) : e.getKey();
            INDArray g = fusedGrads.get(key);
            double scale = Math.max(1e-3, e.getValue().amaxNumber().doubleValue());
            double diff = e.getValue().sub(g.reshape(e.getValue().shape())).amaxNumber().doubleValue() / scale;
            assertTrue(diff < 1e-4, key + ": gradients differ by " + diff + " of their largest value");
            compared++;
        }
        assertEquals(fusedGrads.size(), compared, "every gradient compared");
        for (GraphVertex v : fused.getVertices())
            assertTrue(!v.getVertexName().startsWith("gate") && !v.getVertexName().startsWith("transform"), "no dense gate left in highway-lm");
    }
}
