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
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.Switches;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * DL4J's updater as one pass over the flattened gradient, split over two lanes ({@link TwoLanes}):
 * plain SGD ({@link FusedSgdUpdater}) or Adam ({@link FusedAdamUpdater}). DL4J's own makes separate
 * single-threaded passes over the whole gradient (divide by the minibatch size, then the updater
 * op) and walks its regularisation lists, the second core idle
 * (docs/performance.md#training-step-clipping-update-and-step).
 *
 * <p>The update is not made when DL4J asks for it but deferred to the step that follows it at once
 * ({@link TwoLaneStep}), which makes it in its own pass, together with clipping's rescale
 * ({@link #scaleNextUpdate}) and the divide by the minibatch: one read and one write of the
 * gradient and of the parameters (and of Adam's state) instead of several passes. The gradient
 * view still ends up holding the update, as with DL4J's. A step that goes elsewhere
 * {@link #settle settles} the update in the view first.
 *
 * <p>Only for what it covers: every updater block of the subclass's kind, no regularisation or
 * per-layer gradient normalisation, every parameter divided by the minibatch (DL4J's default), a
 * float gradient in one contiguous buffer. Otherwise {@link #install} leaves DL4J's updater in
 * place, and a call this path does not cover (an external gradient) goes to DL4J's code.
 *
 * <p>{@code ComputationGraph.setLearningRate} replaces the updater with a fresh DL4J one (carrying
 * its state over), so the trainer installs this again at the start of every epoch; the learning
 * rate itself is read from the blocks' configuration at every step (schedules included).
 */
public abstract sealed class FusedUpdater extends ComputationGraphUpdater permits FusedSgdUpdater, FusedAdamUpdater {
    private float scale = 1f;         // clipping's rescale of the coming update; 1: none
    private boolean pending;          // an update deferred to the step
    private float pendingDivisor;

    FusedUpdater(ComputationGraph net, INDArray state) {
        super(net, state);
    }

    /**
     * Puts the fused updater of the graph's kind (plain SGD or Adam) and {@link TwoLaneStep} on
     * {@code net} when it covers its configuration (see the class comment); returns whether it did.
     * Adam's moments carry over: the fused updater works on DL4J's own state array. Harmless to
     * call again. {@code -Drnnzoo.fusedSgd=false} / {@code -Drnnzoo.fusedAdam=false} keep DL4J's own
     * (to time or compare them). It replaces any GradientsAccumulator set on the graph (M2.1 offers
     * no getter to check): not for a graph that takes part in shared-gradient training
     * (ParallelWrapper, Spark), which fits its own replicas.
     */
    public static boolean install(ComputationGraph net) {
        ComputationGraphUpdater dl4j = net.getUpdater();
        if (dl4j instanceof FusedUpdater) return true;
        if (dl4j.getUpdaterBlocks().isEmpty()) return false;
        GradientUpdater<?> first = dl4j.getUpdaterBlocks().get(0).getGradientUpdater();
        FusedUpdater u;
        if (first.getClass() == SgdUpdater.class && Switches.FUSED_SGD) u = new FusedSgdUpdater(net);
        else if (first.getClass() == AdamUpdater.class && Switches.FUSED_ADAM) u = new FusedAdamUpdater(net, dl4j.getStateViewArray());
        else return false;
        if (!u.covered()) return false;
        net.setUpdater(u);
        net.setGradientsAccumulator(new TwoLaneStep(u));
        return true;
    }

    /** Whether this updater block is of the subclass's kind and its state (if any) is laid out as the pass expects. */
    abstract boolean coversBlock(UpdaterBlock block);

    /** Takes the per-block factors of the update deferred for this iteration (learning rate, bias correction). */
    abstract void prepare(int iteration, int epoch);

    /**
     * The deferred update over [from, to) of the flattened gradient {@code g} (offsets from its start,
     * all inside updater block {@code block}), written back into {@code g}; with {@code p} non-null
     * also the step {@code p −= update}.
     */
    abstract void pass(int block, long from, long to, ByteBuffer g, long go, ByteBuffer p, long po, float scale, float divisor);

    /** Whether every block is covered, unregularised, unnormalised and divided by the minibatch. */
    boolean covered() {
        if (getUpdaterBlocks().isEmpty()) return false;
        for (UpdaterBlock b : getUpdaterBlocks()) {
            if (b.isPretrainUpdaterBlock() || !coversBlock(b)) return false;
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
        if (pending)
            throw new IllegalStateException(getClass().getSimpleName() + ": the previous update was never applied (the graph's"
                    + " GradientsAccumulator is no longer its TwoLaneStep); call FusedUpdater.install again");
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
        prepare(iteration, epoch);
        pending = true;
    }

    /**
     * Clipping's rescale of the coming update ({@link GlobalNormClipping}): folded into the update's
     * own pass as its first multiply, the same float operation as rescaling the gradient first.
     */
    public synchronized void scaleNextUpdate(float scale) {
        this.scale = scale;
    }

    /**
     * The deferred update and the step {@code params −= update} in one pass over two lanes,
     * leaving the update in the gradient view as DL4J's updater would; false (and nothing done) when
     * no update is deferred or {@code updates} is not the gradient view it belongs to.
     */
    synchronized boolean stepWithUpdate(INDArray params, INDArray updates) {
        INDArray view = getFlattenedGradientsView();
        if (!pending || view == null || updates.data().address() != view.data().address() || updates.offset() != view.offset()
                || updates.length() != view.length() || !NativeMatrix.isContiguousFloat(updates)
                || !NativeMatrix.isContiguousFloat(params) || params.length() != updates.length()) return false;
        consumePending(params.data().asNio(), params.offset());
        return true;
    }

    /** Makes a deferred update (or a pending rescale) in the gradient view itself, for a step taken elsewhere. */
    synchronized void settle() {
        if (!pending) settleScale();
        else consumePending(null, 0);
    }

    /** Runs the deferred update's pass over every updater block on two lanes, then forgets the update and the rescale. */
    private void consumePending(ByteBuffer p, long po) {
        INDArray view = getFlattenedGradientsView();
        ByteBuffer g = view.data().asNio();
        long go = view.offset();
        float s = scale, divisor = pendingDivisor;
        List<UpdaterBlock> blocks = getUpdaterBlocks();
        for (int b = 0; b < blocks.size(); b++) {
            int block = b;
            long start = blocks.get(b).getParamOffsetStart();
            TwoLanes.runOverRange(blocks.get(b).getParamOffsetEnd() - start,
                    (from, to, lane) -> pass(block, start + from, start + to, g, go, p, po, s, divisor));
        }
        pending = false;
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
