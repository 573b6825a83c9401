package org.rnnzoo.train;

/**
 * Per-epoch learning rate, the two schedules of the LM literature: step decay (Zaremba et al.
 * 2014: lr × 0.5 every epoch after epoch 4) and decay on a validation plateau (Mikolov's RNNLM,
 * PyTorch word_language_model: lr / 4 when validation stops improving).
 *
 * @param decay        multiplier applied on each decay
 * @param decayAfter   decay at the end of every epoch &gt; decayAfter (0 = no step decay)
 * @param onPlateau    also decay at the end of an epoch whose validation did not improve
 */
public record LearningRateSchedule(double initial, double decay, int decayAfter, boolean onPlateau) {
    /** The learning rate for the epoch after {@code epoch} (1-based) given whether it improved. */
    public double next(double current, int epoch, boolean improved) {
        boolean step = decayAfter > 0 && epoch >= decayAfter;
        return (step || (onPlateau && !improved)) ? current * decay : current;
    }
}
