package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.models.ModelRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exploding-gradient demonstration: ρ·Q really has spectral radius ρ, and clipping bounds every step. */
class ExplodingGradientsTest {
    private static final String[] SMALL = {"embedding=6", "hidden=10", "dropout=0.0", "optimizer=sgd", "lr=1.0", "batch=4", "bptt=7"};

    @Test
    void orthogonalTimesRadiusHasEveryEigenvalueOnTheCircleOfThatRadius() {
        INDArray q = ExplodingGradients.orthogonal(16, new Random(3));
        assertTrue(q.transpose().mmul(q).equalsWithEps(Nd4j.eye(16).castTo(q.dataType()), 1e-9) && q.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE, "Q^T Q = I");
        // |det(ρQ)| = ρ^n, and every singular value of ρQ is ρ (so |λ| = ρ for every eigenvalue)
        ComputationGraph net = ModelRegistry.build("rnn-lm", 20, SMALL);
        ExplodingGradients.setSpectralRadius(net, 1.5, 7);
        INDArray rw = net.getLayer("rnn0").getParam("RW").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
        INDArray gram = rw.transpose().mmul(rw);
        assertTrue(gram.equalsWithEps(Nd4j.eye(10).castTo(gram.dataType()).muli(2.25), 1e-5), "RW^T RW = 2.25 I: " + gram);
    }

    @Test
    void anLstmHasNoRecurrentMatrixToSet() {
        ComputationGraph lstm = ModelRegistry.build("lstm-lm", 20, "embedding=6", "hidden=10");
        assertThrows(ZooException.class, () -> ExplodingGradients.setSpectralRadius(lstm, 2, 1));
    }

    @Test
    void clippedSgdStepsMoveTheWeightsByAtMostLrTimesTheClipNorm(@TempDir Path dir) throws Exception {
        int[] ids = new Random(5).ints(400, 0, 20).toArray();
        ComputationGraph[] last = new ComputationGraph[1];
        ExplodingGradients.Run free = ExplodingGradients.train("free", () -> ModelRegistry.build("rnn-lm", 20, SMALL), 3.0, 1, ids, 4, 7, 5, 0);
        ExplodingGradients.Run clipped = ExplodingGradients.train("clipped", () -> {
            last[0] = ModelRegistry.build("rnn-lm", 20, SMALL);
            return last[0];
        }, 3.0, 1, ids, 4, 7, 1, 0.5);
        assertEquals(5, free.loss().size());
        assertEquals(free.loss().get(0), clipped.loss().get(0), 1e-6, "the same weights and batch give the same first loss");
        assertEquals(free.gradNorm().get(0), clipped.gradNorm().get(0), 1e-6 * free.gradNorm().get(0), "the norm is read before clipping");
        assertTrue(free.gradNorm().get(0) > 0.5, "the test needs a step that is clipped: " + free.gradNorm().get(0));
        // one SGD step at lr 1 with the gradient rescaled to norm 0.5 moves the parameter vector by exactly 0.5
        ComputationGraph before = ModelRegistry.build("rnn-lm", 20, SMALL);
        ExplodingGradients.setSpectralRadius(before, 3.0, 1);
        double moved = last[0].params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                .sub(before.params().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)).norm2Number().doubleValue();
        assertEquals(0.5, moved, 1e-3, "clipped step length");

        ExplodingGradients.write(dir, Map.of("spectral_radius", 3.0, "uniform_loss", Math.log(20)), java.util.List.of(free, clipped));
        assertTrue(Files.size(dir.resolve("clipping.png")) > 1000);
        assertTrue(Files.readString(dir.resolve("clipping.json")).contains("\"gradNorm\""));
    }
}
