package org.rnnzoo.train;

import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.api.TrainingConfig;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;
import org.rnnzoo.kernels.Switches;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * DL4J's updater for plain SGD as one pass over the gradient, split over two lanes
 * ({@link TwoLanes}). DL4J's own makes two single-threaded passes over the whole flattened
 * gradient (divide by the minibatch size, then the SGD op's multiply by the learning rate) and
 * walks its regularisation lists, the second core idle (docs/performance.md#training-step-clipping-update-and-step).
 * The arithmetic is the same — each value is divided, then multiplied, in float — so the
 * update is equal to DL4J's to the bit ({@code FusedSgdUpdaterTest}).
 *
 * <p>The update is not made when DL4J asks for it but deferred to the step that follows it at once
 * ({@link TwoLaneStep}), which makes it in its own pass, together with clipping's rescale
 * ({@link #scaleNextUpdate}): one read and one write of the gradient and of the parameters instead
 * of three passes over the gradient and one over the parameters (~18.6 MB each at PTB-small). The
 * gradient view still ends up holding the update, as with DL4J's. A step that goes elsewhere
 * {@link #settle settles} the update in the view first.
 *
 * <p>Only for what it covers: every updater block plain {@code Sgd}, no regularisation or
 * per-layer gradient normalisation, every parameter divided by the minibatch (DL4J's default), a
 * float gradient in one contiguous buffer. Otherwise {@link #install} leaves DL4J's updater in
 * place, and a call this path does not cover (an external gradient) goes to DL4J's code.
 *
 * <p>{@code ComputationGraph.setLearningRate} replaces the updater with a fresh DL4J one, so the
 * trainer installs this again at the start of every epoch; the learning rate itself is read from
 * the blocks' configuration at every step (schedules included).
 */
public final class FusedSgdUpdater extends ComputationGraphUpdater {
    private float scale = 1f;         // clipping's rescale of the coming update; 1: none
    private float[] pendingLr;        // per updater block: the learning rate of an update deferred to the step, null when none
    private float pendingDivisor;

    public FusedSgdUpdater(ComputationGraph net) {
        super(net);
    }

    /**
     * Puts this updater and {@link TwoLaneStep} on {@code net} when its configuration is plain SGD
     * (see the class comment); returns whether it did. Harmless to call again. {@code
     * -Drnnzoo.fusedSgd=false} keeps DL4J's own (to time or compare them). It replaces any
     * GradientsAccumulator set on the graph (M2.1 offers no getter to check): not for a graph that
     * takes part in shared-gradient training (ParallelWrapper, Spark), which fits its own replicas.
     */
    public static boolean install(ComputationGraph net) {
        if (!Switches.FUSED_SGD) return false;   // to time DL4J's own
        if (net.getUpdater() instanceof FusedSgdUpdater) return true;
        FusedSgdUpdater u = new FusedSgdUpdater(net);
        if (!u.covered()) return false;
        net.setUpdater(u);
        net.setGradientsAccumulator(new TwoLaneStep(u));
        return true;
    }

    /** Whether every block is plain SGD, unregularised, unnormalised and divided by the minibatch. */
    boolean covered() {
        if (getUpdaterBlocks().isEmpty()) return false;
        for (UpdaterBlock b : getUpdaterBlocks()) {
            if (b.isPretrainUpdaterBlock() || b.getGradientUpdater().getClass() != SgdUpdater.class) return false;
            for (UpdaterBlock.ParamState p : b.getLayersAndVariablesInBlock()) {
                Trainable layer = p.getLayer();
                TrainingConfig c = layer.getConfig();
                List<Regularization> r = c.getRegularizationByParam(p.getParamName());
                GradientNormalization n = c.getGradientNormalization();
                if ((r != null && !r.isEmpty()) || (n != null && n != GradientNormalization.None)
                        || !layer.updaterDivideByMinibatch(p.getParamName())) return false;
            }
        }
        INDArray view = getFlattenedGradientsView();
        return view != null && NativeMatrix.isContiguousFloat(view);
    }

    @Override
    public synchronized void update(Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
        // DL4J steps after every update; an update still pending means the graph's step no longer goes
        // through TwoLaneStep and the last one went without its update: say so rather than train wrongly
        if (pendingLr != null)
            throw new IllegalStateException("FusedSgdUpdater: the previous update was never applied (the graph's"
                    + " GradientsAccumulator is no longer its TwoLaneStep); call FusedSgdUpdater.install again");
        INDArray view = getFlattenedGradientsView(), g = gradient.gradient();
        // The optimizer hands over its own array over the same memory (a rank-1 reshape), which
        // DL4J's update treats as an external gradient; the memory is what counts here.
        boolean flattened = g != null && g.data().address() == view.data().address() && g.offset() == view.offset()
                && g.length() == view.length() && g.elementWiseStride() == 1;
        if (!flattened) {
            settleScale();
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        // Deferred: TwoLaneStep makes the update in the step's own pass (settle() when it cannot).
        pendingDivisor = isMiniBatch() ? batchSize : 1;
        pendingLr = new float[getUpdaterBlocks().size()];
        for (int b = 0; b < pendingLr.length; b++)
            pendingLr[b] = (float) getUpdaterBlocks().get(b).getGradientUpdater().getConfig().getLearningRate(iteration, epoch);
    }

    /**
     * Clipping's rescale of the coming update ({@link GlobalNormClipping}): folded into the update's
     * own pass as its first multiply, the same float operation as rescaling the gradient first.
     */
    public synchronized void scaleNextUpdate(float scale) {
        this.scale = scale;
    }

    /**
     * The deferred update and the SGD step {@code params −= update} in one pass over two lanes,
     * leaving the update in the gradient view as DL4J's updater would; false (and nothing done) when
     * no update is deferred or {@code updates} is not the gradient view it belongs to.
     */
    synchronized boolean stepWithUpdate(INDArray params, INDArray updates) {
        INDArray view = getFlattenedGradientsView();
        if (pendingLr == null || view == null || updates.data().address() != view.data().address() || updates.offset() != view.offset()
                || updates.length() != view.length() || !NativeMatrix.isContiguousFloat(updates)
                || !NativeMatrix.isContiguousFloat(params) || params.length() != updates.length()) return false;
        ByteBuffer g = view.data().asNio(), p = params.data().asNio();
        long go = view.offset(), po = params.offset();
        consumePending((from, to, s, divisor, lr) -> VectorMath.scaledStep(p, po + from, g, go + from, to - from, s, divisor, lr));
        return true;
    }

    /** Makes a deferred update (or a pending rescale) in the gradient view itself, for a step taken elsewhere. */
    synchronized void settle() {
        if (pendingLr == null) {
            settleScale();
            return;
        }
        INDArray view = getFlattenedGradientsView();
        ByteBuffer g = view.data().asNio();
        long go = view.offset();
        consumePending((from, to, s, divisor, lr) -> VectorMath.scaledUpdate(g, go + from, go + to, s, divisor, lr));
    }

    /** A pass over [from, to) of the flattened arrays (offsets from their start) with its block's factors. */
    private interface BlockPass {
        void run(long from, long to, float scale, float divisor, float lr);
    }

    /** Runs the deferred update's pass over every updater block on two lanes, then forgets the update and the rescale. */
    private void consumePending(BlockPass pass) {
        float s = scale, divisor = pendingDivisor;
        for (int b = 0; b < pendingLr.length; b++) {
            UpdaterBlock block = getUpdaterBlocks().get(b);
            long start = block.getParamOffsetStart();
            float lr = pendingLr[b];
            TwoLanes.runOverRange(block.getParamOffsetEnd() - start, (from, to, lane) -> pass.run(start + from, start + to, s, divisor, lr));
        }
        pendingLr = null;
        scale = 1f;
    }

    private void settleScale() {
        if (scale == 1f) return;
        INDArray view = getFlattenedGradientsView();
        ByteBuffer g = view.data().asNio();
        float s = scale;
        TwoLanes.runOverRange(view.length(), (from, to, lane) -> VectorMath.scaledUpdate(g, view.offset() + from, view.offset() + to, s, 1f, 1f));
        scale = 1f;
    }
}
