package org.rnnzoo.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.rnnzoo.kernels.AdamFactors;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.VectorMath;

import java.nio.ByteBuffer;

/**
 * DL4J's Adam updater as one pass over the gradient on two lanes ({@link FusedUpdater}). DL4J's own
 * divides the whole gradient by the minibatch in one pass, then runs libnd4j's {@code adam_updater}
 * on one thread (docs/performance.md, "What is left"); here the divide, both moments, the update and
 * the step are one read and one write of the gradient, the moments and the parameters, split over
 * the two cores.
 *
 * <p>The moments live where DL4J keeps them — each updater block's slice of DL4J's updater state
 * array, m in its first half and v in its second, as {@link AdamUpdater} lays them out — so a
 * checkpoint saves them and a resume restores them unchanged, and they carry over when the trainer
 * installs this again after {@code setLearningRate}. The arithmetic is libnd4j's, operation by
 * operation ({@link AdamFactors}, {@link VectorMath#adam}); {@code FusedAdamUpdaterTest} measures
 * how close it comes.
 */
public final class FusedAdamUpdater extends FusedUpdater {
    private AdamFactors[] pending;    // per updater block: the factors of the deferred update

    /** Over DL4J's updater state {@code state} (the graph's current updater's, so the moments carry over); null for fresh. */
    public FusedAdamUpdater(ComputationGraph net, INDArray state) {
        super(net, state);
    }

    @Override
    boolean coversBlock(UpdaterBlock block) {
        if (block.getGradientUpdater().getClass() != AdamUpdater.class) return false;
        INDArray state = getStateViewArray(), slice = block.getUpdaterView();
        long n = block.getParamOffsetEnd() - block.getParamOffsetStart();
        // m and v read straight from the state array's buffer: both halves there, contiguous, float
        return state != null && slice != null && NativeMatrix.isContiguousFloat(state) && NativeMatrix.isContiguousFloat(slice)
                && slice.data().address() == state.data().address()
                && slice.offset() == state.offset() + block.getUpdaterViewOffsetStart()
                && block.getUpdaterViewOffsetEnd() - block.getUpdaterViewOffsetStart() == 2 * n;
    }

    @Override
    void prepare(int iteration, int epoch) {
        pending = new AdamFactors[getUpdaterBlocks().size()];
        for (int b = 0; b < pending.length; b++) {
            Adam c = (Adam) getUpdaterBlocks().get(b).getGradientUpdater().getConfig();
            pending[b] = AdamFactors.of(c.getLearningRate(iteration, epoch), c.getBeta1(), c.getBeta2(), c.getEpsilon(), iteration);
        }
    }

    @Override
    void pass(int block, long from, long to, ByteBuffer g, long go, ByteBuffer p, long po, float scale, float divisor) {
        UpdaterBlock b = getUpdaterBlocks().get(block);
        INDArray state = getStateViewArray();
        long n = b.getParamOffsetEnd() - b.getParamOffsetStart();
        long m = state.offset() + b.getUpdaterViewOffsetStart() + (from - b.getParamOffsetStart());
        VectorMath.adam(g, go + from, state.data().asNio(), m, m + n, to - from, scale, divisor, pending[block], p, po + from);
    }
}
