package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.models.ModelRegistry;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probed copy that {@code zoo gradients} measures is the same function as the network it copies. */
class GradientFlowTest {
    @Test
    void probedCopyOfAHighwayStackComputesTheSameProbabilities() {
        ComputationGraph net = ModelRegistry.build("highway-lm", 30, "depth=3", "embedding=8", "hidden=12", "dropout=0.3");
        List<String> recurrent = GradientFlow.recurrentLayers(net);
        assertEquals(List.of("rnn0", "rnn1", "rnn2"), recurrent);
        ComputationGraph probed = GradientFlow.withProbes(net, recurrent);
        INDArray ids = Nd4j.createFromArray(new float[]{3, 7, 1, 29, 4, 4, 9, 12, 0, 5, 6, 8}).reshape(2, 1, 6);
        INDArray want = net.output(ids)[0], got = probed.output(ids)[0];
        assertEquals(DataType.FLOAT, got.dataType());
        assertTrue(want.equalsWithEps(got, 1e-6), "probed copy differs: " + want.sub(got).amax());
    }
}
