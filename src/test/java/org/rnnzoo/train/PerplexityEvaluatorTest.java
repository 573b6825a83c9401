package org.rnnzoo.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PerplexityEvaluatorTest {

    @Test
    void perplexityOfAUniformModelOverVTokensIsV() {
        int v = 7;
        INDArray probs = Nd4j.valueArrayOf(new long[]{3, v, 5}, 1.0 / v, DataType.FLOAT);
        INDArray labels = Nd4j.create(DataType.FLOAT, 3, 1, 5).assign(4);
        PerplexityEvaluator e = new PerplexityEvaluator();
        e.add(probs, labels, null);
        assertEquals(v, e.perplexity(), 1e-4);
        assertEquals(15, e.tokens());
    }

    @Test
    void perplexityIsExpOfMeanNllOverUnmaskedTargetsOnly() {
        // batch 2, vocab 3, time 2. Probabilities [b][v][t]:
        //   b0,t0 = (0.5, 0.25, 0.25)  target 0 -> p = 0.5
        //   b0,t1 = (0.1, 0.1, 0.8)    target 2 -> p = 0.8
        //   b1,t0 = (0.2, 0.6, 0.2)    target 1 -> p = 0.6
        //   b1,t1 = (0.9, 0.05, 0.05)  target 1, but padding (mask 0): must not count
        float[][][] p = {
                {{0.5f, 0.1f}, {0.25f, 0.1f}, {0.25f, 0.8f}},
                {{0.2f, 0.9f}, {0.6f, 0.05f}, {0.2f, 0.05f}}};
        INDArray c = Nd4j.create(p).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.create(new float[]{0, 2, 1, 1}, new long[]{2, 1, 2}, DataType.FLOAT);
        INDArray mask = Nd4j.create(new float[]{1, 1, 1, 0}, new long[]{2, 2}, DataType.FLOAT);
        // the same probabilities as 'c', as 'f' (what the output layers return), as a permuted view, in double
        INDArray[] layouts = {c, c.dup('f'), c.permute(0, 2, 1).dup('c').permute(0, 2, 1), c.castTo(DataType.DOUBLE)};
        for (INDArray probs : layouts) {
            PerplexityEvaluator e = new PerplexityEvaluator();
            e.add(probs, labels, mask);
            double nll = -(Math.log(0.5) + Math.log(0.8) + Math.log(0.6));   // = 1.4271163556
            assertEquals(3, e.tokens());
            assertEquals(nll, e.nll(), 1e-6);
            assertEquals(Math.exp(nll / 3), e.perplexity(), 1e-6);          // = exp(0.4757055) = 1.6091489
            assertEquals(1.6091489, e.perplexity(), 1e-6);
        }
    }

    @Test
    void batchesAccumulateAsOneStream() {
        INDArray probs = Nd4j.create(new float[]{0.25f, 0.75f}, new long[]{1, 2, 1}, DataType.FLOAT);
        PerplexityEvaluator e = new PerplexityEvaluator();
        e.add(probs, Nd4j.create(new float[]{0}, new long[]{1, 1, 1}, DataType.FLOAT), null);
        e.add(probs, Nd4j.create(new float[]{1}, new long[]{1, 1, 1}, DataType.FLOAT), null);
        assertEquals(Math.exp(-(Math.log(0.25) + Math.log(0.75)) / 2), e.perplexity(), 1e-6);
    }
}
