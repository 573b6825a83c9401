package org.rnnzoo.models;

import org.rnnzoo.data.Vocabulary;

/**
 * Bengio et al. (2003, section 4): the neural model's probabilities are mixed with an
 * interpolated n-gram's, p = λ·p_nn + (1−λ)·p_ngram, with λ fitted on validation data. λ is the
 * maximum-likelihood weight of a two-component mixture, found by EM (a 1-D problem: converges in
 * a few dozen iterations and cannot overfit the test set, which it never sees).
 */
public final class NgramMixture {
    private NgramMixture() {}

    /** The n-gram's probability of every token of a stream, the history restarting after each {@code <eos>}. */
    public static double[] streamProbabilities(KneserNeyLm lm, int[] ids) {
        double[] p = new double[ids.length];
        int[] history = new int[ids.length + 1];
        int len = 0;
        history[len++] = Vocabulary.BOS_ID;
        for (int i = 0; i < ids.length; i++) {
            p[i] = Math.exp(lm.logProb(history, len, ids[i]));
            if (ids[i] == Vocabulary.EOS_ID) {
                len = 0;
                history[len++] = Vocabulary.BOS_ID;
            } else {
                history[len++] = ids[i];
            }
        }
        return p;
    }

    /** EM for the weight of {@code a} in λ·a + (1−λ)·b, maximising the likelihood of the targets. */
    public static double fitWeight(double[] a, double[] b) {
        double lambda = 0.5;
        for (int it = 0; it < 200; it++) {
            double resp = 0;
            for (int i = 0; i < a.length; i++) {
                double x = lambda * a[i], y = (1 - lambda) * b[i];
                resp += x + y > 0 ? x / (x + y) : 0.5;
            }
            double next = resp / a.length;
            if (Math.abs(next - lambda) < 1e-7) return next;
            lambda = next;
        }
        return lambda;
    }

    public static double perplexity(double[] a, double[] b, double lambda) {
        double nll = 0;
        for (int i = 0; i < a.length; i++) nll -= Math.log(Math.max(lambda * a[i] + (1 - lambda) * b[i], Float.MIN_NORMAL));
        return Math.exp(nll / a.length);
    }
}
