package org.rnnzoo.layers;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnnzoo.Zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batch-1 step path (sampling) reads heap copies of the weights ({@link HeapCopy}). Those copies
 * must follow the live parameters: after training steps, and after parameters are replaced from
 * outside the layers. Reference: the full-sequence forward pass, which reads the live arrays.
 */
class SamplingPathStalenessTest {
    private static final int VOCAB = 60;

    private static ComputationGraph lm() {
        return Zoo.build("lstm-lm", VOCAB, "embedding=12", "hidden=16", "layers=2", "bptt=4", "optimizer=sgd", "lr=0.5", "init_scale=1.0");
    }

    /** Probabilities for the last position of {@code ids}, token by token through rnnTimeStep. */
    private static INDArray stepped(ComputationGraph net, float[] ids) {
        net.rnnClearPreviousState();
        INDArray p = null;
        for (float id : ids) p = net.rnnTimeStep(Nd4j.create(new float[]{id}, new long[]{1, 1}, DataType.FLOAT))[0];
        net.rnnClearPreviousState();
        return p.reshape(1, VOCAB);
    }

    private static INDArray whole(ComputationGraph net, float[] ids) {
        INDArray out = net.outputSingle(Nd4j.create(ids, new long[]{1, ids.length}, DataType.FLOAT));
        return out.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(ids.length - 1)).reshape(1, VOCAB);
    }

    /** Largest difference of log-probabilities: near-uniform outputs would hide differences in p. */
    private static double logDiff(INDArray p, INDArray q) {
        return Transforms.abs(Transforms.log(p, true).sub(Transforms.log(q, true))).maxNumber().doubleValue();
    }

    private static void assertSame(ComputationGraph net, float[] ids, String when) {
        double d = logDiff(stepped(net, ids), whole(net, ids));
        assertTrue(d < 1e-4, when + ": step path differs from the full forward pass by " + d);
    }

    @Test
    void followsTrainingStepsAndReplacedParameters() {
        float[] ids = {3, 7, 11, 5, 9, 2};
        ComputationGraph net = lm();
        assertSame(net, ids, "fresh");

        INDArray x = Nd4j.create(new float[]{4, 8, 15, 16, 23, 42, 4, 8}, new long[]{1, 1, 8}, DataType.FLOAT);
        INDArray y = Nd4j.create(new float[]{8, 15, 16, 23, 42, 4, 8, 15}, new long[]{1, 1, 8}, DataType.FLOAT);
        for (int i = 0; i < 3; i++) net.fit(new MultiDataSet(new INDArray[]{x}, new INDArray[]{y}));
        assertSame(net, ids, "after fit");

        ComputationGraph other = Zoo.build("lstm-lm", VOCAB, "embedding=12", "hidden=16", "layers=2", "init_scale=1.0", "seed=7");
        net.setParams(other.params());     // assigns into the views; the layers are not told
        assertSame(net, ids, "after setParams");
        double d = logDiff(stepped(net, ids), whole(other, ids));
        assertTrue(d < 1e-4, "after setParams the net must predict like the one whose parameters it took: " + d);
    }
}
