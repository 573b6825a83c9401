package org.rnnzoo.models;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code embedding_init}: a seq2seq card's two embedding matrices start uniform in ±init_scale
 * (standard deviation init_scale / √3) by default, or N(0, 1) as PyTorch's {@code nn.Embedding}.
 */
class EmbeddingInitTest {
    @ParameterizedTest(name = "{0} embedding_init={1}")
    @CsvSource({"seq2seq,uniform,0.05773503", "seq2seq,normal,1.0", "seq2seq-attention,normal,1.0"})
    void theEmbeddingsHaveTheRequestedDistribution(String model, String init, double std) {
        ModelCard card = ModelRegistry.card(model).withAll(List.of("embedding_init=" + init, "init_scale=0.1", "embedding=200", "hidden=4"));
        ComputationGraph net = ModelRegistry.build(card, Map.of("source", 300, "target", 250));
        for (String layer : List.of("src_embed", "tgt_embed")) {
            INDArray w = net.getLayer(layer).getParam("W");   // 60,000 and 50,000 draws: the moments' errors are under 1%
            assertEquals(0.0, w.meanNumber().doubleValue(), 0.02 * std, layer + " mean");
            assertEquals(std, w.stdNumber().doubleValue(), 0.02 * std, layer + " std");
        }
        // the layers after the embeddings keep the graph's uniform ±init_scale
        assertEquals(0.1, net.getLayer("dec0").getParam("W").amaxNumber().doubleValue(), 0.01);
    }
}
