package org.rnnzoo.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;

/**
 * Rescales the whole gradient so its global L2 norm is at most {@code maxNorm} (Pascanu et al.
 * 2013; Zaremba et al. 2014 clip at 5). DL4J's GradientNormalization modes clip per layer or per
 * parameter, which changes the gradient's direction; this keeps it.
 *
 * <p>Runs in {@code onGradientCalculation}, which DL4J's optimizer calls after backprop and before
 * the updater turns the gradient into a step, so the clipped gradient is what Adam/SGD see.
 * A non-finite norm throws {@link Divergence} from there, before the step.
 *
 * <p>Serializable: Spark ships the listener to every worker, where it clips that worker's gradients.
 */
public final class GlobalNormClipping extends BaseTrainingListener implements java.io.Serializable {
    private final double maxNorm;
    private double lastNorm;

    public GlobalNormClipping(double maxNorm) { this.maxNorm = maxNorm; }

    @Override
    public void onGradientCalculation(Model model) {
        // The flattened gradient view: every layer's gradient arrays are views into it.
        INDArray g = model.getGradientsViewArray();
        // Here the gradient is still summed over the minibatch; DL4J's updater divides by the
        // batch size afterwards. The papers clip the batch-mean gradient, so measure that one.
        int batch = Math.max(1, model.batchSize());
        // Two halves on two lanes (TwoLanes): 4.7M values at PTB-small, a memory-bound pass each.
        INDArray flat = g.reshape(g.length());
        double[] squares = new double[TwoLanes.lanes()];
        // A float gradient in one contiguous native buffer is read directly: ND4J's norm2 is slower and
        // reads low (float accumulation); VectorMath.sumOfSquares sums in double
        // (docs/performance.md#training-step-clipping-update-and-step).
        boolean direct = NativeMatrix.isContiguousFloat(g);
        TwoLanes.runOverRange(flat.length(), (from, to, lane) -> {
            if (direct) {
                squares[lane] = VectorMath.sumOfSquares(g.data().asNio(), g.offset() + from, g.offset() + to);
            } else {
                double norm = flat.get(NDArrayIndex.interval(from, to)).norm2Number().doubleValue();
                squares[lane] = norm * norm;
            }
        });
        double sum = 0;
        for (double s : squares) sum += s;
        lastNorm = Math.sqrt(sum) / batch;
        // NaN or Infinity here (an overflow, a too-large learning rate) would be rescaled into NaN
        // weights; stop before the updater applies it.
        if (!Double.isFinite(lastNorm)) throw new Divergence("the gradient norm is " + lastNorm);
        if (maxNorm > 0 && lastNorm > maxNorm) {
            double scale = maxNorm / lastNorm;
            // the fused update (SGD, Adam) takes the rescale as the first multiply of its own pass (same float operation)
            if (model instanceof ComputationGraph graph && graph.getUpdater(false) instanceof FusedUpdater fused)
                fused.scaleNextUpdate((float) scale);
            else
                TwoLanes.runOverRange(flat.length(), (from, to, lane) -> flat.get(NDArrayIndex.interval(from, to)).muli(scale));
        }
    }

    /** Global norm of the last (batch-mean) gradient, before clipping (useful for plotting exploding gradients). */
    public double lastNorm() { return lastNorm; }
}
