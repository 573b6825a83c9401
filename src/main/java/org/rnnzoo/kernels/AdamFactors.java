package org.rnnzoo.kernels;

/**
 * The float factors of one Adam step (Kingma and Ba 2015, Algorithm 1 with the efficiency note's
 * folded bias correction) as libnd4j's {@code adam_updater} computes them in DL4J 1.0.0-M2.1: β₁,
 * β₂, ε and α_t = lr·√(1 − β₂^t) / (1 − β₁^t) with t = iteration + 1. The update of a value is then
 * u = α_t·m / (√v + ε): ε is added to √v after the bias correction went into α_t, not to √v̂.
 */
public record AdamFactors(float beta1, float beta2, float epsilon, float alpha) {

    /**
     * libnd4j's arithmetic, operation by operation: every input rounded to float; β^t by powf of
     * floats; √(1 − β₂^t) with the difference taken in double, rounded to float, then square-rooted;
     * lr times that in float, divided by (1 − β₁^t) in double, rounded to float. A NaN, zero or
     * infinite α_t becomes ε, as there.
     */
    public static AdamFactors of(double learningRate, double beta1, double beta2, double epsilon, int iteration) {
        float lr = (float) learningRate, b1 = (float) beta1, b2 = (float) beta2, eps = (float) epsilon;
        float t = (float) iteration + 1f;
        float b1t = (float) Math.pow(b1, t), b2t = (float) Math.pow(b2, t);
        float root = (float) Math.sqrt((float) (1.0 - b2t));
        float alpha = (float) ((lr * root) / (1.0 - b1t));
        if (Float.isNaN(alpha) || alpha == 0f || Float.isInfinite(alpha)) alpha = eps;
        return new AdamFactors(b1, b2, eps, alpha);
    }
}
