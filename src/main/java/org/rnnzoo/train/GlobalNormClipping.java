package org.rnnzoo.train;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rescales the whole gradient so its global L2 norm is at most {@code maxNorm} (Pascanu et al.
 * 2013; Zaremba et al. 2014 clip at 5). DL4J's GradientNormalization modes clip per layer or per
 * parameter, which changes the gradient's direction; this keeps it.
 *
 * <p>Runs in {@code onGradientCalculation}, which DL4J's optimizer calls after backprop and before
 * the updater turns the gradient into a step, so the clipped gradient is what Adam/SGD see.
 */
public final class GlobalNormClipping extends BaseTrainingListener {
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
        lastNorm = g.norm2Number().doubleValue() / batch;
        if (maxNorm > 0 && lastNorm > maxNorm) g.muli(maxNorm / lastNorm);
    }

    /** Global norm of the last (batch-mean) gradient, before clipping (useful for plotting exploding gradients). */
    public double lastNorm() { return lastNorm; }
}
