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
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.rnnzoo.layers.FastEmbeddingLayer;
import org.rnnzoo.layers.NativeMatrix;
import org.rnnzoo.layers.TwoLanes;
import org.rnnzoo.layers.VectorMath;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's updater for plain SGD as one pass over the gradient, split over two lanes
 * ({@link TwoLanes}). DL4J's own makes two single-threaded passes over the whole flattened
 * gradient (divide by the minibatch size, then the SGD op's multiply by the learning rate) and
 * walks its regularisation lists: ~2 ms of every PTB-small step (4.65M values) with the second core
 * idle. The arithmetic is the same — each value is divided, then multiplied, in float — so the
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
        if (!Boolean.parseBoolean(System.getProperty("rnnzoo.fusedSgd", "true"))) return false;   // to time DL4J's own
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
        INDArray view = getFlattenedGradientsView(), g = gradient.gradient();
        // The optimizer hands over its own array over the same memory (a rank-1 reshape), which
        // DL4J's update treats as an external gradient; the memory is what counts here.
        boolean flattened = g != null && g.data().address() == view.data().address() && g.offset() == view.offset()
                && g.length() == view.length() && g.elementWiseStride() == 1;
        pendingLr = null;
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
     * no update is deferred or {@code updates} is not the gradient view it belongs to. An embedding
     * that knows which rows of its gradient are non-zero ({@link FastEmbeddingLayer#nonZeroGradientRows})
     * has only those visited: every other entry's update is 0 and leaves its parameter as it is.
     */
    synchronized boolean stepWithUpdate(INDArray params, INDArray updates) {
        INDArray view = getFlattenedGradientsView();
        if (pendingLr == null || view == null || updates.data().address() != view.data().address() || updates.offset() != view.offset()
                || updates.length() != view.length() || !NativeMatrix.isContiguousFloat(updates)
                || !NativeMatrix.isContiguousFloat(params) || params.length() != updates.length()) return false;
        ByteBuffer g = view.data().asNio(), p = params.data().asNio();
        long go = view.offset(), po = params.offset();
        float s = scale, divisor = pendingDivisor;
        for (Part part : parts()) {
            float lr = pendingLr[part.block];
            if (part.rows == null) {
                TwoLanes.runOverRange(part.end - part.start, (from, to, lane) ->
                        VectorMath.scaledStep(p, po + part.start + from, g, go + part.start + from, to - from, s, divisor, lr));
            } else {
                part.forEachEntry((at, lane) -> {
                    float u = g.getFloat(4 * (int) (go + at)) * s / divisor * lr;   // the float operations of scaledStep, one entry
                    g.putFloat(4 * (int) (go + at), u);
                    p.putFloat(4 * (int) (po + at), p.getFloat(4 * (int) (po + at)) - u);
                });
            }
        }
        pendingLr = null;
        scale = 1f;
        return true;
    }

    /**
     * Σ g² over the gradient view (global-norm clipping), visiting only the parts {@link
     * #stepWithUpdate} visits: the same sum, without reading the embedding's zero rows. Null when the
     * view is not one contiguous float buffer.
     */
    synchronized Double gradientSumOfSquares() {
        INDArray view = getFlattenedGradientsView();
        if (view == null || !NativeMatrix.isContiguousFloat(view)) return null;
        ByteBuffer g = view.data().asNio();
        long go = view.offset();
        double total = 0;
        for (Part part : parts()) {
            double[] lanes = new double[TwoLanes.lanes()];
            if (part.rows == null) {
                TwoLanes.runOverRange(part.end - part.start, (from, to, lane) ->
                        lanes[lane] = VectorMath.sumOfSquares(g, go + part.start + from, go + part.start + to));
            } else {
                part.forEachEntry((at, lane) -> {
                    double x = g.getFloat(4 * (int) (go + at));
                    lanes[lane] += x * x;
                });
            }
            for (double l : lanes) total += l;
        }
        return total;
    }

    /**
     * A stretch of the flattened gradient a pass visits, within one updater block: a dense range of
     * offsets [start, end), or (rows not null) the listed rows of an embedding's [vocabulary, size]
     * weight gradient at start, with its strides.
     */
    private record Part(int block, long start, long end, int[] rows, long rowStride, long colStride, int cols) {
        interface Entry {
            void at(long offset, int lane);
        }

        /** Every entry of the listed rows, the lanes taking halves of the columns (never the same entry). */
        void forEachEntry(Entry e) {
            int shares = (long) rows.length * cols >= 4096 ? TwoLanes.lanes() : 1;
            TwoLanes.run((phase, lane) -> {
                for (int d = cols * lane / shares, d1 = cols * (lane + 1) / shares; d < d1; d++)
                    for (int r : rows) e.at(start + r * rowStride + d * colStride, lane);
            }, 0, shares);
        }
    }

    private List<Part> parts() {
        List<Part> parts = new ArrayList<>();
        for (int b = 0; b < getUpdaterBlocks().size(); b++) {
            UpdaterBlock block = getUpdaterBlocks().get(b);
            long denseFrom = block.getParamOffsetStart();
            for (UpdaterBlock.ParamState ps : block.getLayersAndVariablesInBlock()) {
                int[] rows = sparseRows(ps);
                if (rows == null) continue;
                INDArray gv = ((FastEmbeddingLayer) (ps.getLayer() instanceof LayerVertex v ? v.getLayer() : ps.getLayer())).weightGradientView();
                if (denseFrom < ps.getParamOffsetStart()) parts.add(new Part(b, denseFrom, ps.getParamOffsetStart(), null, 0, 0, 0));
                parts.add(new Part(b, ps.getParamOffsetStart(), ps.getParamOffsetEnd(), rows, gv.stride(0), gv.stride(1), (int) gv.size(1)));
                denseFrom = ps.getParamOffsetEnd();
            }
            if (denseFrom < block.getParamOffsetEnd()) parts.add(new Part(b, denseFrom, block.getParamOffsetEnd(), null, 0, 0, 0));
        }
        return parts;
    }

    /** The non-zero rows of an embedding's weight gradient, when it knows them and its views are plain 2-d arrays. */
    private static int[] sparseRows(UpdaterBlock.ParamState ps) {
        Object layer = ps.getLayer() instanceof LayerVertex v ? v.getLayer() : ps.getLayer();
        if (!(layer instanceof FastEmbeddingLayer e) || !DefaultParamInitializer.WEIGHT_KEY.equals(ps.getParamName())) return null;
        // the block's views are flat; the layer's own are [vocabulary, size], and their strides locate
        // a row's entries, relative to the parameter's start in both flattened arrays
        INDArray gv = e.weightGradientView(), pv = e.getParam(DefaultParamInitializer.WEIGHT_KEY);
        if (gv == null || pv == null || gv.rank() != 2 || pv.rank() != 2 || !java.util.Arrays.equals(gv.stride(), pv.stride())
                || gv.length() != ps.getParamOffsetEnd() - ps.getParamOffsetStart()) return null;
        return e.nonZeroGradientRows();
    }

    /** Makes a deferred update (or a pending rescale) in the gradient view itself, for a step taken elsewhere. */
    synchronized void settle() {
        if (pendingLr == null) {
            settleScale();
            return;
        }
        INDArray view = getFlattenedGradientsView();
        ByteBuffer g = view.data().asNio();
        float s = scale, divisor = pendingDivisor;
        for (int b = 0; b < pendingLr.length; b++) {
            UpdaterBlock block = getUpdaterBlocks().get(b);
            long start = view.offset() + block.getParamOffsetStart();
            float lr = pendingLr[b];
            TwoLanes.runOverRange(block.getParamOffsetEnd() - block.getParamOffsetStart(),
                    (from, to, lane) -> VectorMath.scaledUpdate(g, start + from, start + to, s, divisor, lr));
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
