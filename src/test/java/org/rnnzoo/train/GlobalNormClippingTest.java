package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.rnnzoo.data.BatchifiedTokenStream;
import org.rnnzoo.models.ModelRegistry;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalNormClippingTest {

    private static MultiDataSet batch() {
        Random r = new Random(3);
        int[] ids = new int[200];
        for (int i = 0; i < ids.length; i++) ids[i] = 4 + r.nextInt(20);
        return new BatchifiedTokenStream(ids, 4, 10).next();
    }

    private static ComputationGraph net() {
        return ModelRegistry.build("lstm-lm", 24, "hidden=16", "embedding=8", "optimizer=sgd", "lr=1.0");
    }

    @Test
    void withSgdTheStepHasExactlyTheClipNormWhenTheGradientIsLarger() {
        ComputationGraph net = net();
        GlobalNormClipping clip = new GlobalNormClipping(1e-3);
        net.setListeners(clip);
        INDArray before = net.params().dup();
        net.fit(batch());
        double step = net.params().sub(before).norm2Number().doubleValue();
        assertTrue(clip.lastNorm() > 1e-3, "raw gradient norm " + clip.lastNorm());
        assertEquals(1e-3, step, 1e-6, "lr 1 x clipped gradient");
    }

    @Test
    void belowTheThresholdTheGradientIsUntouched() {
        ComputationGraph net = net();
        GlobalNormClipping clip = new GlobalNormClipping(1e9);
        net.setListeners(clip);
        INDArray before = net.params().dup();
        net.fit(batch());
        double step = net.params().sub(before).norm2Number().doubleValue();
        assertEquals(clip.lastNorm(), step, 1e-4 * step, "SGD lr 1: the step is the raw gradient");
    }
}
