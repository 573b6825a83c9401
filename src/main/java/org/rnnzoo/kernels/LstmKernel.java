package org.rnnzoo.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-time-step part of {@code FastLstmLayer} on Java arrays: everything except the matrix
 * products, which the layer runs through ND4J into contiguous native buffers that the kernel reads
 * and writes with one bulk copy each. Holds the forward pass (gate activations, cells, outputs) for
 * the backward pass. Main ships one precision, {@link FloatLstmKernel} (training, sampling), around
 * the cell equations of {@link LstmCell}; the double kernel of the gradient checks lives in the tests
 * and comes in through {@link #registerPrecision}.
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

    /** Builds a kernel for one shape, [batch, steps, size]. */
    @FunctionalInterface
    interface Factory {
        LstmKernel create(int batch, int steps, int size);
    }

    private static final Map<DataType, Factory> OTHER_PRECISIONS = new ConcurrentHashMap<>();

    /**
     * Lets FastLstm run networks of another data type. Only the tests call it (their double kernel,
     * for gradient checks), so that main states the kernel once, in float.
     */
    static void registerPrecision(DataType type, Factory factory) {
        OTHER_PRECISIONS.put(type, factory);
    }

    public static LstmKernel create(DataType type, int batch, int steps, int size) {
        if (type == DataType.FLOAT) return new FloatLstmKernel(batch, steps, size);
        Factory other = OTHER_PRECISIONS.get(type);
        if (other == null) throw new IllegalArgumentException("FastLstm computes in float; a " + type + " network needs cell: dl4j");
        return other.create(batch, steps, size);
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
     * Each example's length (steps from its first), or null: the next forward pass and its backward pass
     * run only the steps t &lt; length of each example and leave zero outputs, cells and gate gradients
     * past it.
     */
    public abstract void loadLengths(int[] lengths);

    /**
     * The input projection of only the rows {@code rows} (row t·B + b, ascending; null: every row), packed
     * in that order as rows 0 … n−1 of {@code projection}; the other rows' projections are zero.
     */
    public abstract void loadProjection(INDArray projection, int[] rows);

    /** The gate gradients of only the rows {@code rows}, packed (see {@link #loadProjection(INDArray, int[])}). */
    public abstract void writeGateGradients(INDArray out, int firstStep, int[] rows);

    /** The previous outputs h_{t-1} of only the rows {@code rows}, packed. */
    public abstract void writePreviousOutputs(INDArray out, int[] rows);

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
