package org.rnnzoo.train;

import org.deeplearning4j.optimize.api.StepFunction;
import org.deeplearning4j.optimize.solvers.accumulation.GradientsAccumulator;
import org.deeplearning4j.optimize.solvers.accumulation.IndexedTail;
import org.deeplearning4j.optimize.stepfunctions.NegativeGradientStepFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;

/**
 * The step {@code params −= update} on two lanes. DL4J's optimizer applies it with one
 * single-threaded ND4J op, the second core idle (docs/performance.md#training-step-clipping-update-and-step), and offers one
 * public way to change how a step is applied: a {@link GradientsAccumulator}, the hook its
 * shared-gradient training uses. This one accumulates nothing — it has nothing pending, keeps no
 * update, receives none — and only applies the step it is handed, as the step function would.
 * With a {@link FusedUpdater}, the step also makes the update that updater deferred, in the
 * same pass. A step function other than DL4J's default for SGD, or arrays it does not cover, go to
 * the step function itself (after the deferred update is settled in the gradient view).
 */
public final class TwoLaneStep implements GradientsAccumulator {
    private final FusedUpdater updater;    // whose deferred update this step makes in its own pass; may be null

    public TwoLaneStep() { this(null); }

    TwoLaneStep(FusedUpdater updater) { this.updater = updater; }

    @Override
    public void applyUpdate(StepFunction function, INDArray params, INDArray updates, boolean isFinalStep) {
        if (updater != null) {
            if (function instanceof NegativeGradientStepFunction && updater.stepWithUpdate(params, updates)) return;
            updater.settle();
        }
        if (!(function instanceof NegativeGradientStepFunction) || !NativeMatrix.isContiguousFloat(params)
                || !NativeMatrix.isContiguousFloat(updates) || params.length() != updates.length()) {
            function.step(params, updates);
            return;
        }
        TwoLanes.runOverRange(params.length(), (from, to, lane) ->
                VectorMath.subtract(params.data().asNio(), params.offset() + from, updates.data().asNio(), updates.offset() + from, to - from));
    }

    @Override
    public void applyUpdate(StepFunction function, INDArray params, INDArray updates, double alpha) {
        if (updater != null) updater.settle();
        function.step(params, updates, alpha);
    }

    @Override
    public void storeUpdate(INDArray array, int iterationNumber, int epochNumber) {
        // nothing to share: the optimizer applies this very update next
    }

    @Override
    public boolean hasAnything() { return false; }

    @Override
    public void receiveUpdate(INDArray array) {
        throw new UnsupportedOperationException("TwoLaneStep applies local steps only; it does not take part in shared-gradient training");
    }

    @Override
    public void setExternalSource(IndexedTail source) {
        throw new UnsupportedOperationException("TwoLaneStep applies local steps only; it does not take part in shared-gradient training");
    }

    @Override
    public IndexedTail getExternalSource() { return null; }

    @Override
    public void markExternalUpdates(boolean updatesAvailable) {}

    @Override
    public void reset() {}

    @Override
    public void touch() {}
}
