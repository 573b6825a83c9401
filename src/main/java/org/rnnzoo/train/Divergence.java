package org.rnnzoo.train;

import org.rnnzoo.common.ZooException;

/**
 * A training step whose loss or gradient is not a finite number (NaN, Infinity): the weights are
 * lost from then on, so the listeners that see it ({@link GlobalNormClipping}, the trainer's step
 * counter) throw this out of DL4J's fit(), and the trainer stops the run with a message that
 * names the step and keeps the last good checkpoint as the best.
 */
public final class Divergence extends ZooException {
    public Divergence(String what) { super(what); }
}
