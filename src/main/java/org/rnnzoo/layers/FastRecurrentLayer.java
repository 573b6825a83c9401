package org.rnnzoo.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.kernels.NativeMatrix;

import java.util.Map;

/**
 * The engine under {@link FastSimpleRnnLayer} (written so an LSTM cell could share it; the zoo's
 * {@link FastLstmLayer} is a separate implementation): a recurrent layer whose only
 * native work is matrix products, with the per-time-step element-wise maths in plain Java loops.
 * DL4J's own LSTM issues some twenty small native ops per time step (docs/dl4j-notes.md#lstm-per-step-ops);
 * here a forward step is one gemm and a backward step one gemm.
 *
 * <p>Forward, for input {@code x} {@code [B, nIn, T]}:
 * <ol>
 *   <li>{@code Z = X·W} for all time steps at once, X time-major {@code [T·B, nIn]};</li>
 *   <li>per step t: {@code Z_t += h_{t-1}·RW} (gemm into a row block of Z), then the cell maths in
 *       Java ({@link #forwardStep}), writing {@code h_t} into row block t+1 of {@code H};</li>
 * </ol>
 * Backward mirrors it: per step one gemm {@code dZ_{t+1}·RWᵀ} for the recurrent part of
 * {@code dL/dh_t}, the cell maths in Java; then {@code dW = Xᵀ·dZ}, {@code dRW = H_prevᵀ·dZ},
 * {@code dX = dZ·Wᵀ}: three gemms over all steps.
 *
 * <p>The forward pass made in training is kept and reused by the backward pass that follows it
 * (DL4J's LSTM runs the forward pass again inside backprop). The reuse is checked, not assumed:
 * same input array, same mask, same initial state arrays as DL4J itself would use for that
 * backward pass; otherwise the forward pass is recomputed, as DL4J does.
 *
 * <p>Masks ({@code [B, T]}, 1 = real step): at a masked step the output and the carried state are
 * zero, as in DL4J's LSTM when it is given the mask, so right-padded sequences end with a zero
 * state. Unlike DL4J's LSTM inside a ComputationGraph (whose {@code feedForwardMaskArray} drops
 * the feature mask), these layers keep the mask they are given. The backward pass is the exact
 * gradient of this forward pass, masks included.
 *
 * <p>Dropout (the layer conf's {@code dropOut}/{@code IDropout}) and weight noise behave as in
 * DL4J's recurrent layers: applied to the layer input / weights in training, through DL4J's own
 * {@code applyDropOutIfNecessary}/{@code getParamWithNoise}.
 */
abstract class FastRecurrentLayer<C extends org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer>
        extends BaseRecurrentLayer<C> {
    static final String W = "W", RW = "RW", B = "b";

    protected final int nIn, nOut, width;   // width = columns of Z: gates × nOut
    protected int batch, steps;
    protected double[] mask;                // [B·T], index b·T + t; null = every step real

    private NativeMatrix x, z, h;           // [T·B, nIn], [T·B, width], [(T+1)·B, nOut] (block 0 = h_{-1})
    private INDArray x3, h3;                // time-major 3d views of x and of H's blocks 1..T
    private NativeMatrix dz, dx, eps, dhRecurrent;
    private INDArray dx3, eps3;
    private double[] zStep, hStep, dhStep, dhRecStep, dzStep, dbSum;

    // The forward pass whose values are in the buffers, and what it was computed from.
    private boolean recordValid, recordTraining;
    private INDArray recordInput, recordMask;
    private double[][] finalState;
    private INDArray[] finalStateArrays;    // the arrays last handed out as state, and their values
    private double[][] finalStateValues;

    protected FastRecurrentLayer(NeuralNetConfiguration conf, DataType dataType, int gates) {
        super(conf, dataType);
        C c = layerConf();
        this.nIn = (int) c.getNIn();
        this.nOut = (int) c.getNOut();
        this.width = gates * nOut;
    }

    /** State map keys, h first; the same keys DL4J's layer uses, so state maps are interchangeable. */
    protected abstract String[] stateKeys();

    /** Make room for a forward pass over {@link #batch} × {@link #steps}. */
    protected abstract void allocate();

    /** Begin a forward pass from this state (one {@code [B·nOut]} array per state key, zeros if none). */
    protected abstract void setInitialState(double[][] state);

    /** Step t: {@code z} holds the pre-activations {@code [B, width]} (bias included); write {@code h_t} to {@code hOut}. */
    protected abstract void forwardStep(int t, double[] z, double[] hOut);

    /** The state after the last step, one array per state key. */
    protected abstract double[][] lastState();

    /** Reset whatever the backward pass carries between steps (e.g. dL/dc). */
    protected abstract void beginBackward();

    /** Step t: {@code dh} = dL/dh_t from above and from step t+1; write dL/dZ_t {@code [B, width]}. */
    protected abstract void backwardStep(int t, double[] dh, double[] dzOut);

    protected final double mask(int b, int t) {
        return mask == null ? 1.0 : mask[b * steps + t];
    }

    static double sigmoid(double v) {
        return 1.0 / (1.0 + Math.exp(-v));
    }

    /** tanh with one exp; absolute error ~1e-16 (Math.tanh costs a native call on JDK 17). */
    static double tanh(double v) {
        double e = Math.exp(-2.0 * Math.abs(v));
        double r = (1.0 - e) / (1.0 + e);
        return v < 0 ? -r : r;
    }

    // ---------------------------------------------------------------- RecurrentLayer / Layer API

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, null, workspaceMgr);
    }

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = forward(false, refs(stateMap), workspaceMgr);
        stateMap.putAll(finalStateMap());
        return out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = forward(training, refs(tBpttStateMap), workspaceMgr);
        if (storeLastForTBPTT) tBpttStateMap.putAll(finalStateMap());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backward(epsilon, -1, null, workspaceMgr);
    }

    /** Without a stored pass of this input, the segment is recomputed from {@code stateMap} (the previous segment's end). */
    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> p = backward(epsilon, tbpttBackLength, refs(stateMap), workspaceMgr);
        tBpttStateMap.putAll(finalStateMap());
        return p;
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("no layer-wise pretraining for recurrent layer " + layerId());
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        setMaskArray(maskArray);    // kept and applied (DL4J's LSTM drops it here)
        return new Pair<>(maskArray, currentMaskState);
    }

    @Override
    public void clear() {
        super.clear();
        recordValid = false;
    }

    // ---------------------------------------------------------------- forward

    private INDArray[] refs(Map<String, INDArray> state) {
        String[] keys = stateKeys();
        INDArray[] r = new INDArray[keys.length];
        for (int i = 0; i < keys.length; i++) r[i] = state.get(keys[i]);
        return r;
    }

    private INDArray forward(boolean training, INDArray[] initial, LayerWorkspaceMgr mgr) {
        boolean rank2 = input != null && input.rank() == 2;
        computeForward(training, initial, mgr);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, x.array.dataType(), new long[]{batch, nOut, steps}, 'f');
        out.assign(h3.permute(1, 2, 0));
        return rank2 ? out.reshape(batch, nOut) : permuteIfNWC(out);
    }

    private void computeForward(boolean training, INDArray[] initial, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, mgr);
        boolean rank2 = input.rank() == 2;   // a single step may come as [B, nIn]
        INDArray in = rank2 ? input.reshape(input.size(0), input.size(1), 1) : permuteIfNWC(input);
        if (in.rank() != 3 || in.size(1) != nIn)
            throw new DL4JInvalidInputException("layer " + layerId() + " expects input [batch, " + nIn
                    + ", time] (or [batch, " + nIn + "] for one step), got " + java.util.Arrays.toString(input.shape()));
        INDArray w = getParamWithNoise(W, training, mgr);
        INDArray rw = getParamWithNoise(RW, training, mgr);
        INDArray bias = getParamWithNoise(B, training, mgr);
        DataType type = w.dataType();
        int bSize = (int) in.size(0), tSize = (int) in.size(2);
        ensureForwardBuffers(type, bSize, tSize);

        x3.assign(in.permute(2, 0, 1));
        Nd4j.gemm(x.array, w, z.array, false, false, 1.0, 0.0);
        double[] b = NativeMatrix.toDoubles(bias);
        mask = readMask(bSize, tSize);

        double[][] s0 = initialState(initial, bSize);
        setInitialState(s0);
        h.write(0, s0[0], 0, bSize * nOut);
        boolean zeroStart = initial == null || initial[0] == null;

        int bw = bSize * width, bn = bSize * nOut;
        for (int t = 0; t < tSize; t++) {
            if (t > 0 || !zeroStart) Nd4j.gemm(h.block(t, bSize), rw, z.block(t, bSize), false, false, 1.0, 1.0);
            z.read(t * bw, zStep, 0, bw);
            for (int r = 0, o = 0; r < bSize; r++, o += width)
                for (int j = 0; j < width; j++) zStep[o + j] += b[j];
            forwardStep(t, zStep, hStep);
            h.write((t + 1) * bn, hStep, 0, bn);
        }
        finalState = lastState();
        finalStateArrays = null;

        recordValid = true;
        recordTraining = training;
        recordInput = input;
        recordMask = maskArray;
    }

    private double[][] initialState(INDArray[] initial, int bSize) {
        String[] keys = stateKeys();
        double[][] s = new double[keys.length][];
        for (int k = 0; k < keys.length; k++) {
            INDArray a = initial == null ? null : initial[k];
            if (a == null) s[k] = new double[bSize * nOut];
            else if (finalStateArrays != null && a == finalStateArrays[k]) s[k] = finalStateValues[k];  // our own last state: skip the copy back
            else s[k] = NativeMatrix.toDoubles(a);
            if (s[k].length != bSize * nOut)
                throw new DL4JInvalidInputException("layer " + layerId() + ": stored state '" + keys[k] + "' has shape "
                        + java.util.Arrays.toString(a.shape()) + " but the input has batch size " + bSize
                        + ". Call rnnClearPreviousState() between sequences of different batch sizes.");
        }
        return s;
    }

    private double[] readMask(int bSize, int tSize) {
        if (maskArray == null) return null;
        if (maskArray.length() != (long) bSize * tSize)
            throw new DL4JInvalidInputException("layer " + layerId() + ": mask shape " + java.util.Arrays.toString(maskArray.shape())
                    + " does not match [batch, time] = [" + bSize + ", " + tSize + "]");
        return NativeMatrix.toDoubles(maskArray.reshape(bSize, tSize));
    }

    /** The state after the last forward pass as fresh arrays outside any workspace (DL4J's state maps hold detached arrays). */
    private Map<String, INDArray> finalStateMap() {
        String[] keys = stateKeys();
        if (finalStateArrays == null) {
            finalStateArrays = new INDArray[keys.length];
            finalStateValues = new double[keys.length][];
            DataType type = x.array.dataType();
            for (int k = 0; k < keys.length; k++) {
                finalStateValues[k] = finalState[k].clone();
                finalStateArrays[k] = NativeMatrix.detached(finalStateValues[k], type, batch, nOut);
            }
        }
        Map<String, INDArray> m = new java.util.HashMap<>();
        for (int k = 0; k < keys.length; k++) m.put(keys[k], finalStateArrays[k]);
        return m;
    }

    private void ensureForwardBuffers(DataType type, int bSize, int tSize) {
        boolean same = x != null && x.array.dataType() == type && batch == bSize && steps == tSize;
        batch = bSize;
        steps = tSize;
        if (same) return;
        x = new NativeMatrix(type, tSize * bSize, nIn);
        z = new NativeMatrix(type, tSize * bSize, width);
        h = new NativeMatrix(type, (tSize + 1) * bSize, nOut);
        x3 = x.array.reshape('c', tSize, bSize, nIn);
        h3 = h.rows(bSize, (tSize + 1) * bSize).reshape('c', tSize, bSize, nOut);
        zStep = new double[bSize * width];
        hStep = new double[bSize * nOut];
        allocate();
    }

    // ---------------------------------------------------------------- backward

    private Pair<Gradient, INDArray> backward(INDArray epsilon, int backLength, INDArray[] initial, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        // The gradient is that of the training pass that produced this input's output, whatever state
        // it started from. Under TBPTT in a ComputationGraph that pass started from the carried state,
        // yet DL4J 1.0.0-M2.1 calls backpropGradient (not tbpttBackpropGradient) for it, and its own
        // recurrent layers recompute the pass there from a zero state: the gradient of a different
        // forward pass. Recompute only when no such pass is stored.
        if (!(recordValid && recordTraining && recordInput == input && recordMask == maskArray))
            computeForward(true, initial, mgr);
        recordValid = false;    // a forward pass backs one backward pass: parameters change after it

        boolean rank2 = epsilon.rank() == 2;
        INDArray e = rank2 ? epsilon.reshape(epsilon.size(0), epsilon.size(1), 1) : permuteIfNWC(epsilon);
        int bSize = batch, tSize = steps;
        if (e.size(0) != bSize || e.size(1) != nOut || e.size(2) != tSize)
            throw new DL4JInvalidInputException("layer " + layerId() + ": epsilon shape " + java.util.Arrays.toString(epsilon.shape())
                    + " does not match the output [" + bSize + ", " + nOut + ", " + tSize + "]");
        INDArray w = getParamWithNoise(W, true, mgr);
        INDArray rw = getParamWithNoise(RW, true, mgr);
        DataType type = w.dataType();
        ensureBackwardBuffers(type, bSize, tSize);
        eps3.assign(e.permute(2, 0, 1));

        int end = backLength > 0 ? Math.max(0, tSize - backLength) : 0;   // TBPTT: only the last backLength steps
        int bw = bSize * width, bn = bSize * nOut;
        java.util.Arrays.fill(dbSum, 0);
        beginBackward();
        for (int t = tSize - 1; t >= end; t--) {
            eps.read(t * bn, dhStep, 0, bn);
            if (t < tSize - 1) {
                Nd4j.gemm(dz.block(t + 1, bSize), rw, dhRecurrent.array, false, true, 1.0, 0.0);
                dhRecurrent.read(0, dhRecStep, 0, bn);
                for (int i = 0; i < bn; i++) dhStep[i] += dhRecStep[i];
            }
            backwardStep(t, dhStep, dzStep);
            for (int r = 0, o = 0; r < bSize; r++, o += width)
                for (int j = 0; j < width; j++) dbSum[j] += dzStep[o + j];
            dz.write(t * bw, dzStep, 0, bw);
        }
        if (end > 0) dz.rows(0, end * bSize).assign(0);

        INDArray gW = gradientViews.get(W), gRW = gradientViews.get(RW), gB = gradientViews.get(B);
        Nd4j.gemm(x.array, dz.array, gW, true, false, 1.0, 0.0);
        Nd4j.gemm(h.rows(0, tSize * bSize), dz.array, gRW, true, false, 1.0, 0.0);  // block 0 is h_{-1}
        gB.assign(NativeMatrix.detached(dbSum, type, gB.shape()));
        Nd4j.gemm(dz.array, w, dx.array, false, true, 1.0, 0.0);

        INDArray epsOut = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{bSize, nIn, tSize}, 'f');
        epsOut.assign(dx3.permute(1, 2, 0));
        epsOut = backpropDropOutIfPresent(epsOut);

        Gradient g = new DefaultGradient(gradientsFlattened);
        g.gradientForVariable().put(W, gW);
        g.gradientForVariable().put(RW, gRW);
        g.gradientForVariable().put(B, gB);
        weightNoiseParams.clear();
        return new Pair<>(g, rank2 ? epsOut.reshape(bSize, nIn) : permuteIfNWC(epsOut));
    }

    private void ensureBackwardBuffers(DataType type, int bSize, int tSize) {
        if (dz == null || dz.array.dataType() != type || dhRecurrent.rows != bSize || dz.rows != tSize * bSize) {
            dz = new NativeMatrix(type, tSize * bSize, width);
            dx = new NativeMatrix(type, tSize * bSize, nIn);
            eps = new NativeMatrix(type, tSize * bSize, nOut);
            dhRecurrent = new NativeMatrix(type, bSize, nOut);
            dx3 = dx.array.reshape('c', tSize, bSize, nIn);
            eps3 = eps.array.reshape('c', tSize, bSize, nOut);
            dhStep = new double[bSize * nOut];
            dhRecStep = new double[bSize * nOut];
            dzStep = new double[bSize * width];
            dbSum = new double[width];
        }
    }
}
