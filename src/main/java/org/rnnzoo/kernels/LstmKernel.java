package org.rnnzoo.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-time-step part of {@code FastLstmLayer} on Java arrays: everything except the matrix
 * products, which the layer runs through ND4J into contiguous native buffers that the kernel reads
 * and writes with one bulk copy each. Holds the forward pass (gate activations, cells, outputs) for
 * the backward pass. One implementation per precision: {@link FloatLstmKernel} (training, sampling)
 * and {@link DoubleLstmKernel} (gradient checks); the cell equations themselves are {@link LstmCell}'s.
 *
 * <p>Layouts (row-major): time-major [T][B][·]; gates per row in DL4J's order [g | f | o | i].
 */
public abstract class LstmKernel {
    public final int batch, steps, size;
    /** Bumped by every forward pass, so the layer can tell whether a stored pass is still this one. */
    public long generation;

    LstmKernel(int batch, int steps, int size) {
        this.batch = batch;
        this.steps = steps;
        this.size = size;
    }

    public static LstmKernel create(DataType type, int batch, int steps, int size) {
        return switch (type) {
            case FLOAT -> new FloatLstmKernel(batch, steps, size);
            case DOUBLE -> new DoubleLstmKernel(batch, steps, size);
            default -> throw new IllegalArgumentException("FastLstm supports FLOAT and DOUBLE networks, not " + type);
        };
    }

    public boolean fits(DataType type, int batch, int steps, int size) {
        return type == dataType() && batch == this.batch && steps == this.steps && size == this.size;
    }

    public abstract DataType dataType();

    // ---- forward ----

    /** x·W for all steps: a contiguous 'c' [T·B, 4H] buffer. */
    public abstract void loadProjection(INDArray projection);

    public abstract void loadBias(INDArray bias);

    /** Initial output and cell state [B, H]; null: zeros. */
    public abstract void loadInitialState(INDArray h0, INDArray c0);

    /** Feature mask [B, T] (1 = real step) or null. */
    public abstract void loadMask(INDArray mask);

    /** RW [H, 4H] for this pass's recurrent products ({@link RecurrentProducts}). */
    public abstract void loadRecurrentWeights(INDArray rw);

    /**
     * One step for examples [b0, b1): gates from x·W (loaded), h_{t-1}·RW (skipped when
     * {@code recurrent} is false: the previous output is known to be zero) and b. Calls for disjoint
     * example ranges touch disjoint state, so two threads may run them at once (examples never
     * interact in an LSTM).
     */
    public abstract void forwardStep(int t, int b0, int b1, boolean recurrent);

    /** All outputs into a contiguous 'c' [T, B, H] array. */
    public abstract void writeOutputs(INDArray out);

    /** New [B, H] arrays of the last output and cell state (the caller picks the workspace). */
    public abstract INDArray lastOutput();

    public abstract INDArray lastCell();

    // ---- backward ----

    /** dL/dh for all steps from a contiguous 'c' [T·B, H] buffer. */
    public abstract void loadEpsilon(INDArray epsilon);

    /**
     * One step back for examples [b0, b1): dz_t (pre-activation gate gradients) from dL/dh_t and, below
     * the last step, dz_{t+1}·RWᵀ. Disjoint example ranges may run at once, as for {@link #forwardStep}.
     */
    public abstract void backwardStep(int t, int b0, int b1);

    /** dz for all steps into a contiguous [T·B, 4H] buffer; steps before {@code firstStep} are zero (TBPTT). */
    public abstract void writeGateGradients(INDArray out, int firstStep);

    /** h_{t-1} for all steps (h0 or zeros first) into a contiguous [T·B, H] buffer, for dRW. */
    public abstract void writePreviousOutputs(INDArray out);

    /** Σ dz over steps and examples, [1, 4H]. */
    public abstract INDArray biasGradient(int firstStep);
}
