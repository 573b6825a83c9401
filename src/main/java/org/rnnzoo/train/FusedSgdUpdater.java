package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.learning.SgdUpdater;
import org.rnnzoo.kernels.VectorMath;

import java.nio.ByteBuffer;

/**
 * DL4J's plain SGD updater as one pass over the gradient on two lanes ({@link FusedUpdater}). The
 * arithmetic is DL4J's — each value is divided by the minibatch, then multiplied by the learning
 * rate, in float — so the update is equal to DL4J's to the bit ({@code FusedSgdUpdaterTest}).
 */
public final class FusedSgdUpdater extends FusedUpdater {
    private float[] pendingLr;        // per updater block: the learning rate of the deferred update

    public FusedSgdUpdater(ComputationGraph net) {
        super(net, null);
    }

    @Override
    boolean coversBlock(UpdaterBlock block) {
        return block.getGradientUpdater().getClass() == SgdUpdater.class;
    }

    @Override
    void prepare(int iteration, int epoch) {
        pendingLr = new float[getUpdaterBlocks().size()];
        for (int b = 0; b < pendingLr.length; b++)
            pendingLr[b] = (float) getUpdaterBlocks().get(b).getGradientUpdater().getConfig().getLearningRate(iteration, epoch);
    }

    @Override
    void pass(int block, long from, long to, ByteBuffer g, long go, ByteBuffer p, long po, float scale, float divisor) {
        if (p == null) VectorMath.scaledUpdate(g, go + from, go + to, scale, divisor, pendingLr[block]);
        else VectorMath.scaledStep(p, po + from, g, go + from, to - from, scale, divisor, pendingLr[block]);
    }
}
