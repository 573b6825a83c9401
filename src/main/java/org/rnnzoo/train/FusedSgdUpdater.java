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
import org.rnnzoo.layers.NativeMatrix;
import org.rnnzoo.layers.TwoLanes;
import org.rnnzoo.layers.VectorMath;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * DL4J's updater for plain SGD as one pass over the gradient, split over two lanes
 * ({@link TwoLanes}). DL4J's own makes two single-threaded passes over the whole flattened
 * gradient (divide by the minibatch size, then the SGD op's multiply by the learning rate) and
 * walks its regularisation lists: ~2 ms of every PTB-small step (4.65M values) with the second core
 * idle. The arithmetic is the same — each value is divided, then multiplied, in float — so the
 * update is equal to DL4J's to the bit ({@code FusedSgdUpdaterTest}).
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
        net.setGradientsAccumulator(new TwoLaneStep());
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
        if (!flattened) {
            super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
            return;
        }
        float divisor = isMiniBatch() ? batchSize : 1;
        ByteBuffer buf = view.data().asNio();
        for (UpdaterBlock b : getUpdaterBlocks()) {       // one block when every layer has the same SGD settings
            float lr = (float) b.getGradientUpdater().getConfig().getLearningRate(iteration, epoch);
            long start = view.offset() + b.getParamOffsetStart();
            TwoLanes.runOverRange(b.getParamOffsetEnd() - b.getParamOffsetStart(),
                    (from, to, lane) -> VectorMath.divideThenScale(buf, start + from, start + to, divisor, lr));
        }
    }
}
