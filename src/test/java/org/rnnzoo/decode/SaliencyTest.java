package org.rnnzoo.decode;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.DoublePrecision;
import org.rnnzoo.data.Vocabulary;
import org.rnnzoo.models.ModelCard;
import org.rnnzoo.models.ModelRegistry;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A word's saliency is e_t · ∂ log p(predicted | sentence) / ∂e_t, i.e. the derivative of that log-probability as
 * the word's embedding row is scaled by (1 + ε): checked against the central difference of the network's own
 * output on tiny random classifiers, double precision.
 */
@ExtendWith(DoublePrecision.class)
class SaliencyTest {
    private static final List<String> LABELS = List.of("x", "y", "z");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"rnn-sentiment,pooling=last", "rnn-sentiment,pooling=max", "birnn-sentiment,pooling=max", "birnn-sentiment,combine=sum"})
    void saliencyIsTheDerivativeOfTheLogProbabilityAlongEachWordsEmbedding(String model, String setting) {
        List<String> tokens = List.of("a", "b", "c", "d", "e");   // distinct: a row's change moves one position only
        Vocabulary vocab = Vocabulary.build(tokens, 1, 100);
        ModelCard card = ModelRegistry.card(model).withAll(List.of(setting, "embedding=3", "hidden=4", "dropout=0"));
        ComputationGraph net = ModelRegistry.build(card, Map.of("tokens", vocab.size(), "labels", LABELS.size())).convertDataType(DataType.DOUBLE);
        net.getConfiguration().setDataType(DataType.DOUBLE);
        Nd4j.getRandom().setSeed(11);
        net.setParams(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(2));

        Saliency.Explained explained = new Saliency(net, vocab, LABELS).explain(tokens);
        Predictor predictor = new Predictor(net, vocab, LABELS, false);
        int predicted = LABELS.indexOf(explained.prediction().best(0));
        INDArray w = net.getLayer(Saliency.EMBEDDING).getParam("W");
        double eps = 1e-5, largest = 0;
        for (int t = 0; t < tokens.size(); t++) {
            int row = vocab.id(tokens.get(t));
            INDArray original = w.getRow(row).dup();
            double[] logP = new double[2];
            for (int side = 0; side < 2; side++) {
                w.putRow(row, original.mul(side == 0 ? 1 + eps : 1 - eps));
                logP[side] = Math.log(predictor.predictTokens(List.of(tokens)).get(0).probabilities()[0][predicted]);
            }
            w.putRow(row, original);
            double numeric = (logP[0] - logP[1]) / (2 * eps);
            assertEquals(numeric, explained.scores()[t], 1e-7 + 1e-5 * Math.abs(numeric), "word " + t + " (" + tokens.get(t) + ")");
            largest = Math.max(largest, Math.abs(numeric));
        }
        assertTrue(largest > 1e-3, "the words move the prediction (else the check proves nothing): " + largest);
    }
}
