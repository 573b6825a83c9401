package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.BaseRecurrentLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnnzoo.kernels.HeapCopy;
import org.rnnzoo.kernels.LstmKernel;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.PackedMatrix;
import org.rnnzoo.kernels.Switches;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;

import java.util.Map;

/**
 * The runtime side of {@link FastLstm}. DL4J's LSTM spends its time in a per-step loop of small
 * native ops (docs/dl4j-notes.md#lstm-per-step-ops); here each direction is one big ND4J product for all steps, and per
 * step a small product on packed heap copies of RW ({@link RecurrentProducts}) plus the gate maths,
 * in {@link LstmKernel} on Java arrays; the examples are split over two lanes ({@link TwoLanes}):
 * <pre>
 *   forward:  Z = X·W (all steps)            then per step  Z_t += h_{t-1}·RW,  gates, c_t, h_t
 *   backward: per step dh_t = ε_t + dZ_{t+1}·RWᵀ, dZ_t    then  dW = Xᵀ·dZ, dRW = H_{-1}ᵀ·dZ, ε_x = dZ·Wᵀ
 * </pre>
 *
 * <p>Recurrent-layer semantics follow DL4J's LSTM exactly (that is what the equivalence tests check):
 * state keys {@code prevAct}/{@code prevMem}; {@code rnnTimeStep} uses and updates the
 * {@code stateMap}; {@code rnnActivateUsingStoredState} uses the TBPTT map and stores into it; the
 * TBPTT backward pass starts from the {@code stateMap} state (as DL4J's does) and refreshes the TBPTT
 * map; a feature mask set on the layer zeroes output and cell at masked steps; like DL4J's LSTM the
 * layer passes the graph's masks through without applying them (padding is handled by the output
 * layer's label mask). Unlike it, a whole-sequence pass reads that sequence mask to stop each example
 * at its length, with zero outputs past it ({@link #lengths}; {@code -Drnnzoo.skipPadding=false} runs
 * every step).
 *
 * <p>With an initial-state width K &gt; 0 ({@link FastLstm}) a pass that is given no state starts from
 * h0 = tanh(s_0·W_b + b_b), c0 = 0, s_0 the last K input features at step 0; only the first nIn − K
 * features are the input W multiplies, and the summary's gradient is dL/ds_0 =
 * (dL/dh0 ⊙ (1 − h0²))·W_bᵀ at step 0 and zero after it, with dL/dh0 = dZ_0·RWᵀ.
 */
public class FastLstmLayer extends BaseRecurrentLayer<FastLstm> {
    /** DL4J's LSTM keys, so state maps move between the two layers. */
    public static final String STATE_KEY_PREV_ACTIVATION = "prevAct";
    public static final String STATE_KEY_PREV_MEMCELL = "prevMem";

    private LstmKernel kernel;
    private NativeBuffers buffers;
    /** The (post-dropout) input of the kernel's stored training pass, or null. */
    private INDArray passInput;
    private long passGeneration = -1;
    /** Heap copies of W and RW for {@link #smallSingleStep}; stale after every backward pass. */
    private final HeapCopy inputWeights = new HeapCopy(), recurrentWeights = new HeapCopy();
    /** The sequence mask the graph handed on with {@link #feedForwardMaskArray} (not applied), or null. */
    private INDArray sequenceMask;
    /** The rows t·B + b of the last forward pass's real steps (ascending), packed first in its buffers; null: every row. */
    private int[] realRows;
    /**
     * The summary s_0 [B, K] and the state h0 [B, H] made from it by the last forward pass, when it made
     * its initial state that way (initial-state width K > 0 and no state given), else null; detached.
     */
    private INDArray bridgeSummary, bridgeState;
    /** Off: every padded step is computed, as before (a measurement switch, docs/performance.md#switches). */
    static volatile boolean skipPadding = Switches.SKIP_PADDING;

    public FastLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    // ---- Layer ----

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Gradient gradient() {
        throw new UnsupportedOperationException("FastLstm has no layerwise pretraining gradient " + layerId());
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState, int minibatchSize) {
        // Same as DL4J's LSTM: masks pass through untouched; masking happens in the loss. Kept to skip the padding.
        sequenceMask = maskArray;
        return new Pair<>(maskArray, MaskState.Passthrough);
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        super.setMaskArray(maskArray);
        if (maskArray == null) sequenceMask = null;   // the graph clears masks this way before it hands on new ones
    }

    @Override
    public void clear() {
        super.clear();            // DL4J's clear() nulls the mask field directly, without setMaskArray(null)
        sequenceMask = null;      // so a batch after clear() never runs with the previous batch's lengths
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        return forward(training, null, null, true, workspaceMgr);
    }

    @Override
    public INDArray activate(INDArray input, boolean training, LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        return activate(training, workspaceMgr);
    }

    // ---- RecurrentLayer ----

    @Override
    public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        if (isSmallSingleStep(input)) return smallSingleStep(input, workspaceMgr);
        setInput(input, workspaceMgr);
        INDArray out = forward(false, stateMap.get(STATE_KEY_PREV_ACTIVATION), stateMap.get(STATE_KEY_PREV_MEMCELL), false, workspaceMgr);
        storeLastState(stateMap);
        return out;
    }

    @Override
    public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
                                                LayerWorkspaceMgr workspaceMgr) {
        setInput(input, workspaceMgr);
        INDArray out = forward(training, tBpttStateMap.get(STATE_KEY_PREV_ACTIVATION),
                tBpttStateMap.get(STATE_KEY_PREV_MEMCELL), false, workspaceMgr);
        if (storeLastForTBPTT) storeLastState(tBpttStateMap);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        return backward(epsilon, false, -1, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackwardLength, LayerWorkspaceMgr workspaceMgr) {
        return backward(epsilon, true, tbpttBackwardLength, workspaceMgr);
    }

    /**
     * Sampling (a few rows, one step, float, no mask): per-call ND4J overhead and one-row gemms cost more
     * than the arithmetic, so the step is computed in Java, the gate pre-activations from heap copies of
     * W and RW packed for one-row products ({@link PackedMatrix}; docs/performance.md#heap-copies-for-batch-1-products).
     */
    private boolean isSmallSingleStep(INDArray input) {
        boolean oneStep = input.rank() == 2 || (input.rank() == 3 && input.size(2) == 1);
        return oneStep && input.size(0) <= 4 && dataType == DataType.FLOAT && maskArray == null
                && layerConf().getRnnDataFormat() == RNNFormat.NCW && VectorMath.vectorApi()
                && HeapCopy.usable(getParam(FastLstmParams.INPUT_WEIGHT_KEY)) && HeapCopy.usable(getParam(FastLstmParams.RECURRENT_WEIGHT_KEY));
    }

    private INDArray smallSingleStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        int batch = (int) input.size(0), nIn = (int) layerConf().getNIn(), inW = (int) layerConf().inputWidth(), H = (int) layerConf().getNOut();
        PackedMatrix w = inputWeights.of(getParam(FastLstmParams.INPUT_WEIGHT_KEY));
        PackedMatrix rw = recurrentWeights.of(getParam(FastLstmParams.RECURRENT_WEIGHT_KEY));
        float[] bias = getParam(FastLstmParams.BIAS_KEY).castTo(DataType.FLOAT).dup('c').data().asFloat();
        INDArray x2 = input.castTo(DataType.FLOAT).reshape(batch, nIn);
        float[] x = x2.dup('c').data().asFloat();
        INDArray h0 = stateMap.get(STATE_KEY_PREV_ACTIVATION), c0 = stateMap.get(STATE_KEY_PREV_MEMCELL);
        if (h0 == null && c0 == null && inW < nIn) h0 = stateFromSummary(x2.get(NDArrayIndex.all(), NDArrayIndex.interval(inW, nIn)), false, workspaceMgr);
        float[] hPrev = h0 == null ? new float[batch * H] : h0.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] cPrev = c0 == null ? new float[batch * H] : c0.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] h = new float[batch * H], c = new float[batch * H];
        float[] z = new float[4 * H], tanhC = new float[H], hb = new float[H], cb = new float[H];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(hPrev, b * H, hb, 0, H);
            System.arraycopy(cPrev, b * H, cb, 0, H);
            PackedMatrix.lstmStep(w, rw, bias, java.util.Arrays.copyOfRange(x, b * nIn, b * nIn + inW), hb, cb, z, tanhC);
            System.arraycopy(hb, 0, h, b * H, H);
            System.arraycopy(cb, 0, c, b * H, H);
        }
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            stateMap.put(STATE_KEY_PREV_ACTIVATION, Nd4j.create(h, new long[]{batch, H}, 'c'));
            stateMap.put(STATE_KEY_PREV_MEMCELL, Nd4j.create(c, new long[]{batch, H}, 'c'));
        }
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, Nd4j.create(h, new long[]{batch, H, 1}, 'c'));
    }

    private void storeLastState(Map<String, INDArray> into) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            into.put(STATE_KEY_PREV_ACTIVATION, kernel.lastOutput());
            into.put(STATE_KEY_PREV_MEMCELL, kernel.lastCell());
        }
    }

    // ---- forward ----

    /**
     * Runs the forward pass from state (h0, c0) (null: zeros) and returns the output [B, H, T] (NCW).
     * {@code mayskip}: a whole-sequence pass whose last state nobody reads — with the graph's sequence
     * mask it runs each example only up to its length (see {@link #lengths}).
     */
    private INDArray forward(boolean training, INDArray h0, INDArray c0, boolean mayskip, LayerWorkspaceMgr ws) {
        assertInputSet(false);
        applyDropOutIfNecessary(training, ws);
        INDArray x = timeMajor(input);          // [T, B, nIn] view
        int steps = (int) x.size(0), batch = (int) x.size(1), size = (int) layerConf().getNOut();
        long nIn = layerConf().getNIn(), inW = layerConf().inputWidth();
        if (x.size(2) != nIn) {
            throw new IllegalArgumentException("FastLstm " + layerId() + ": input has size " + x.size(2)
                    + " along the feature axis, layer nIn is " + nIn);
        }
        prepare(batch, steps, size);
        INDArray w = getParamWithNoise(FastLstmParams.INPUT_WEIGHT_KEY, training, ws);
        INDArray rw = getParamWithNoise(FastLstmParams.RECURRENT_WEIGHT_KEY, training, ws);
        INDArray b = getParamWithNoise(FastLstmParams.BIAS_KEY, training, ws);

        NativeBuffers nb = buffers;
        nb.input3d.assign(inW == nIn ? x : x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, inW)));
        boolean given = h0 != null || c0 != null;
        bridgeSummary = bridgeState = null;
        if (!given && inW < nIn) {
            // no state given: start from the summary at step 0 (FastLstm#initialStateWidth); its later steps are never read
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                bridgeSummary = x.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(inW, nIn)).dup('c');
            }
            h0 = bridgeState = stateFromSummary(bridgeSummary, training, ws);
        }
        kernel.loadBias(b);
        kernel.loadInitialState(h0, c0);
        kernel.loadMask(maskArray);
        // a state made from the summary still skips the padding: the kernel's skipping steps read h0 per example
        int[] lengths = mayskip && !given ? lengths(batch, steps) : null;
        kernel.loadLengths(lengths);
        realRows = lengths == null ? null : realRows(lengths, steps);
        // the products skip the padding too: the real rows packed first, the projection of those only
        if (realRows != null) NativeMatrix.packRows(nb.input, realRows);
        INDArray in = packed(nb.input), projection = packed(nb.projection);
        boolean hasState = h0 != null;
        // Two lanes (TwoLanes): the projection by rows, then each lane runs every step for its own
        // examples — they never interact, so the lanes need not meet between steps.
        INDArray[] inputRows = TwoLanes.rowShares(in, nb.shares), projectionRows = TwoLanes.rowShares(projection, nb.shares);
        TwoLanes.run((phase, k) -> Nd4j.gemm(inputRows[k], w, projectionRows[k], false, false, 1.0, 0.0), 0, nb.shares);
        kernel.loadProjection(projection, realRows);
        kernel.loadRecurrentWeights(rw);
        TwoLanes.run((phase, k) -> {
            int b0 = nb.firstExample[k], b1 = nb.firstExample[k + 1];
            for (int t = 0; t < steps; t++) kernel.forwardStep(t, b0, b1, t > 0 || hasState);
        }, 0, nb.shares);
        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{steps, batch, size}, 'c');
        kernel.writeOutputs(out);
        passInput = training ? input : null;
        passGeneration = kernel.generation;
        return layerConf().getRnnDataFormat() == RNNFormat.NWC ? out.permute(1, 0, 2) : out.permute(1, 2, 0);
    }

    /** h0 = tanh(s·W_b + b_b) [B, H] for a summary s [B, K], outside any workspace (the kernel copies it; backward reads it). */
    private INDArray stateFromSummary(INDArray summary, boolean training, LayerWorkspaceMgr ws) {
        INDArray wb = getParamWithNoise(FastLstmParams.STATE_WEIGHT_KEY, training, ws);
        INDArray bb = getParamWithNoise(FastLstmParams.STATE_BIAS_KEY, training, ws);
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray s = summary.dataType() == wb.dataType() ? summary : summary.castTo(wb.dataType());
            return Transforms.tanh(s.mmul(wb).addiRowVector(bb.reshape(1, bb.length())), false);
        }
    }

    /**
     * Each example's length from the graph's sequence mask, when the kernel can skip what lies past it
     * and the mask is ones then zeros in every row; else null (every step runs). Past its length an
     * example's outputs, cell and gate gradients are then zero instead of the LSTM run over the padding:
     * nothing downstream reads them (attention weighs padded keys 0, the last-step vertex, pooling and
     * the loss read real steps only), so the loss and every gradient stay what they were
     * (FastLstmPaddingTest), and a whole-batch step no longer pays for its longest example on every row
     * (docs/performance.md, "Sixteenth session").
     */
    private int[] lengths(int batch, int steps) {
        INDArray m = sequenceMask;
        if (!skipPadding || m == null || maskArray != null || m.rank() != 2 || m.size(0) != batch || m.size(1) != steps)
            return null;
        float[] v = NativeMatrix.toFloats(m);
        int[] lengths = new int[batch];
        boolean padded = false, real = false;
        for (int b = 0; b < batch; b++) {
            int n = 0;
            while (n < steps && v[b * steps + n] != 0f) n++;
            for (int k = n; k < steps; k++) if (v[b * steps + k] != 0f) return null;   // a hole: every step runs
            lengths[b] = n;
            padded |= n < steps;
            real |= n > 0;
        }
        return padded && real ? lengths : null;   // an all-padding batch runs every step: no empty packed products
    }

    /** The rows t·B + b with t &lt; lengths[b], ascending. */
    private static int[] realRows(int[] lengths, int steps) {
        int batch = lengths.length, n = 0;
        for (int l : lengths) n += Math.min(l, steps);
        int[] rows = new int[n];
        for (int t = 0, i = 0; t < steps; t++) for (int b = 0; b < batch; b++) if (lengths[b] > t) rows[i++] = t * batch + b;
        return rows;
    }

    /** The first rows of a [T·B, w] buffer that hold the real rows when they are packed; the buffer itself otherwise. */
    private INDArray packed(INDArray rows) {
        return realRows == null ? rows : rows.get(NDArrayIndex.interval(0, realRows.length), NDArrayIndex.all());
    }

    /** The layer input as a [T, B, nIn] view (2-d input [B, nIn] is one step). */
    private INDArray timeMajor(INDArray in) {
        INDArray x = in.dataType() == dataType ? in : in.castTo(dataType);
        if (x.rank() == 2) return x.reshape(1, x.size(0), x.size(1));
        if (x.rank() != 3) throw new IllegalArgumentException("FastLstm " + layerId() + " expects 3-d input, got shape "
                + java.util.Arrays.toString(x.shape()));
        return layerConf().getRnnDataFormat() == RNNFormat.NWC ? x.permute(1, 0, 2) : x.permute(2, 0, 1);
    }

    private void prepare(int batch, int steps, int size) {
        if (kernel == null || !kernel.fits(dataType, batch, steps, size)) {
            kernel = LstmKernel.create(dataType, batch, steps, size);
            passInput = null;
        }
        if (buffers == null || !buffers.fits(batch, steps)) {
            buffers = new NativeBuffers(dataType, batch, steps, (int) layerConf().inputWidth(), size, buffers);
        }
    }

    // ---- backward ----

    private Pair<Gradient, INDArray> backward(INDArray epsilon, boolean tbptt, int tbpttLength, LayerWorkspaceMgr ws) {
        assertInputSet(true);
        // the parameters are about to change in place
        inputWeights.invalidate();
        recurrentWeights.invalidate();
        applyDropOutIfNecessary(true, ws);
        // The gradient is that of the training pass that produced this input's output, whatever state
        // it started from. Under TBPTT in a ComputationGraph that pass (rnnActivateUsingStoredState)
        // started from the carried state, yet DL4J 1.0.0-M2.1 calls backpropGradient for it, and its
        // own LSTM recomputes the pass there from a zero state: every segment after the first got the
        // gradient of a different forward pass. Recompute only when no such pass is stored.
        boolean stored = passInput == input && kernel != null && passGeneration == kernel.generation;
        if (!stored) forward(true, tbptt ? stateMap.get(STATE_KEY_PREV_ACTIVATION) : null,
                tbptt ? stateMap.get(STATE_KEY_PREV_MEMCELL) : null, !tbptt, ws);
        if (tbptt) storeLastState(tBpttStateMap);

        int steps = kernel.steps, batch = kernel.batch, size = kernel.size;
        NativeBuffers nb = buffers;
        INDArray w = getParamWithNoise(FastLstmParams.INPUT_WEIGHT_KEY, true, ws);

        INDArray eps = epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType);
        nb.epsilon3d.assign(timeMajor3(eps));
        kernel.loadEpsilon(nb.epsilon);
        int first = tbptt ? Math.max(0, steps - tbpttLength) : 0;
        TwoLanes.run((phase, k) -> {                 // per lane, its own examples, as in forward
            for (int t = steps - 1; t >= first; t--) kernel.backwardStep(t, nb.firstExample[k], nb.firstExample[k + 1]);
        }, 0, nb.shares);
        int[] rows = first == 0 ? realRows : null;       // truncated BPTT never skips (see forward)
        INDArray gates = rows == null ? nb.gates : packed(nb.gates), previousOutputs = rows == null ? nb.previousOutputs : packed(nb.previousOutputs),
                input = rows == null ? nb.input : packed(nb.input);
        kernel.writeGateGradients(gates, first, rows);
        kernel.writePreviousOutputs(previousOutputs, rows);
        // a truncated window that does not reach step 0 passes nothing back to h0: W_b, b_b and the summary get zero
        INDArray summaryGradient = bridgeSummary == null || first > 0 ? null : bridgeBackward(gates, rows, batch, size, ws);   // writes W_b's, b_b's gradients

        INDArray gW = gradientViews.get(FastLstmParams.INPUT_WEIGHT_KEY);
        INDArray gRW = gradientViews.get(FastLstmParams.RECURRENT_WEIGHT_KEY);
        INDArray gB = gradientViews.get(FastLstmParams.BIAS_KEY);
        gB.assign(kernel.biasGradient(first).reshape(gB.shape()));
        long nIn = layerConf().getNIn(), inW = layerConf().inputWidth();
        INDArray epsOut = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[]{steps, batch, inW}, 'c');
        // weight gradients by gate columns, the input gradient by rows
        int shares = nb.shares;
        INDArray epsAll = epsOut.reshape(steps * batch, inW);
        INDArray[] gateCols = TwoLanes.columnShares(gates, shares), gWCols = TwoLanes.columnShares(gW, shares),
                gRWCols = TwoLanes.columnShares(gRW, shares), gateRows = TwoLanes.rowShares(gates, shares),
                epsRows = TwoLanes.rowShares(rows == null ? epsAll : epsAll.get(NDArrayIndex.interval(0, rows.length), NDArrayIndex.all()), shares);
        TwoLanes.run((phase, k) -> {
            Nd4j.gemm(input, gateCols[k], gWCols[k], true, false, 1.0, 0.0);
            Nd4j.gemm(previousOutputs, gateCols[k], gRWCols[k], true, false, 1.0, 0.0);
            Nd4j.gemm(gateRows[k], w, epsRows[k], false, true, 1.0, 0.0);
        }, 0, nb.shares);
        if (rows != null) NativeMatrix.unpackRows(epsAll, rows);   // the padding's input gradient is zero
        if (inW < nIn) {
            // the summary columns: dL/ds_0 at step 0 when the state was made from them, zero at every other step
            INDArray all = ws.create(ArrayType.ACTIVATION_GRAD, dataType, new long[]{steps, batch, nIn}, 'c');
            all.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, inW)).assign(epsOut);
            if (summaryGradient != null)
                all.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.interval(inW, nIn)).assign(summaryGradient);
            epsOut = all;
        }

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(FastLstmParams.INPUT_WEIGHT_KEY, gW);
        g.gradientForVariable().put(FastLstmParams.RECURRENT_WEIGHT_KEY, gRW);
        g.gradientForVariable().put(FastLstmParams.BIAS_KEY, gB);
        if (inW < nIn) {
            INDArray gWb = gradientViews.get(FastLstmParams.STATE_WEIGHT_KEY), gBb = gradientViews.get(FastLstmParams.STATE_BIAS_KEY);
            if (summaryGradient == null) {   // a pass from a given state (TBPTT's later segments): W_b, b_b took no part
                gWb.assign(0);
                gBb.assign(0);
            }
            g.gradientForVariable().put(FastLstmParams.STATE_WEIGHT_KEY, gWb);
            g.gradientForVariable().put(FastLstmParams.STATE_BIAS_KEY, gBb);
        }
        weightNoiseParams.clear();

        INDArray epsNext = layerConf().getRnnDataFormat() == RNNFormat.NWC ? epsOut.permute(1, 0, 2) : epsOut.permute(1, 2, 0);
        // Input dropout multiplies this gradient by its mask, laid out as the layer's input: a permuted view
        // against a contiguous mask took libnd4j's element-by-element path (11% of an SST-2 step); a
        // contiguous copy made in Java first is cheaper (docs/performance.md, "Seq2seq and classifier training")
        if (layerConf().getIDropout() != null && StridedArrays.supports(epsNext.dataType())) epsNext = StridedArrays.compact(epsNext, ws, ArrayType.ACTIVATION_GRAD);
        return new Pair<>(g, backpropDropOutIfPresent(epsNext));
    }

    /**
     * The initial state's share of the backward pass, when the forward pass made it from the summary:
     * dL/dh0 = dZ_0·RWᵀ (dZ_0: the step-0 rows of {@code gates}, packed first when {@code rows} skip the
     * padding), then through h0 = tanh(s·W_b + b_b) into the gradients of W_b and b_b; returns dL/ds [B, K].
     */
    private INDArray bridgeBackward(INDArray gates, int[] rows, int batch, int size, LayerWorkspaceMgr ws) {
        INDArray rw = getParamWithNoise(FastLstmParams.RECURRENT_WEIGHT_KEY, true, ws);
        INDArray wb = getParamWithNoise(FastLstmParams.STATE_WEIGHT_KEY, true, ws);
        int first = 0;     // how many rows of gates are step 0's
        if (rows == null) first = batch;
        else while (first < rows.length && rows[first] < batch) first++;
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            INDArray dh0 = Nd4j.create(dataType, new long[]{batch, size}, 'c');
            if (first > 0) {
                dh0.get(NDArrayIndex.interval(0, first), NDArrayIndex.all())
                        .assign(gates.get(NDArrayIndex.interval(0, first), NDArrayIndex.all()).mmul(rw.transpose()));
                if (rows != null) NativeMatrix.unpackRows(dh0, java.util.Arrays.copyOf(rows, first));
            }
            INDArray dPre = dh0.muli(bridgeState.mul(bridgeState).rsubi(1.0));   // tanh' = 1 − h0²
            gradientViews.get(FastLstmParams.STATE_WEIGHT_KEY).assign(bridgeSummary.transpose().mmul(dPre));
            gradientViews.get(FastLstmParams.STATE_BIAS_KEY).assign(dPre.sum(0).reshape(gradientViews.get(FastLstmParams.STATE_BIAS_KEY).shape()));
            return dPre.mmul(wb.transpose());
        }
    }

    /** dL/dout as a [T, B, H] view. */
    private INDArray timeMajor3(INDArray eps) {
        if (eps.rank() == 2) return eps.reshape(1, eps.size(0), eps.size(1));
        return layerConf().getRnnDataFormat() == RNNFormat.NWC ? eps.permute(1, 0, 2) : eps.permute(2, 0, 1);
    }

    /**
     * Contiguous native buffers reused across calls (allocated outside any workspace), and the split
     * of the examples over lanes: lane k holds examples [firstExample[k], firstExample[k + 1]).
     * Batches of whole sentences differ in length from one step to the next: a new shape takes views
     * of the previous buffers' storage when it fits in them, since a fresh native allocation per
     * layer and step was a measurable share of a seq2seq step (docs/performance.md, "Seq2seq and
     * classifier training").
     */
    private static final class NativeBuffers {
        final int batch, steps, shares;
        final int[] firstExample;
        final INDArray input, input3d, projection, previousOutputs, epsilon, epsilon3d, gates;
        /** Flat storage of input, projection, previousOutputs, epsilon and gates, each for {@link #capacity} rows. */
        private final INDArray[] storage;
        private final long capacity;

        NativeBuffers(DataType type, int batch, int steps, int nIn, int size, NativeBuffers previous) {
            this.batch = batch;
            this.steps = steps;
            // two lanes only when each gets a few examples: below that the hand-offs cost more than they save
            shares = batch >= 4 ? TwoLanes.lanes() : 1;
            firstExample = new int[shares + 1];
            for (int k = 0; k <= shares; k++) firstExample[k] = batch * k / shares;
            long rows = (long) batch * steps;
            long[] widths = {nIn, 4L * size, size, size, 4L * size};
            if (previous != null && previous.capacity >= rows && previous.storage[0].dataType() == type) {
                storage = previous.storage;
                capacity = previous.capacity;
            } else {
                storage = new INDArray[widths.length];
                capacity = rows;
                try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    for (int i = 0; i < widths.length; i++) storage[i] = Nd4j.create(type, new long[]{rows * widths[i]}, 'c');
                }
            }
            input = rows(storage[0], rows, widths[0]);
            projection = rows(storage[1], rows, widths[1]);
            previousOutputs = rows(storage[2], rows, widths[2]);
            epsilon = rows(storage[3], rows, widths[3]);
            gates = rows(storage[4], rows, widths[4]);
            input3d = input.reshape('c', steps, batch, nIn);
            epsilon3d = epsilon.reshape('c', steps, batch, size);
        }

        /** The first rows × width elements of flat storage as a {@code [rows, width]} view. */
        private static INDArray rows(INDArray flat, long rows, long width) {
            return flat.get(NDArrayIndex.interval(0, rows * width)).reshape('c', rows, width);
        }

        boolean fits(int batch, int steps) {
            return batch == this.batch && steps == this.steps;
        }
    }
}
