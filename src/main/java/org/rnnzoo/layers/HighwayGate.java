package org.rnnzoo.layers;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.kernels.HighwayKernel;
import org.rnnzoo.kernels.TwoLanes;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The runtime of {@link HighwayGateVertex}. Everything runs time-major, rows = (step, example), as
 * the recurrent layers store their outputs. The rows are cut in two shares, one per lane
 * ({@link TwoLanes}), and each pass is one hand-off: forward, each lane multiplies its rows of W_T·x
 * and runs the sigmoid and the mix over them ({@link HighwayKernel}); backward, each lane runs the
 * element-wise gradients, its rows of dx and its part of dW_T (summed after). The output and the
 * input gradients are written straight into workspace arrays, the gradients as
 * {@link TimeMajorGradient}s so that DL4J's sum at x's fork runs in Java. It replaces a time-distributed
 * dense gate (reshaping preprocessors on both sides) and three element-wise vertices (an output and a
 * gradient array each), under which a depth-4 highway stack trained at 0.67–0.88× the plain stack
 * (docs/performance.md, "Deep stacks at depth 4").
 *
 * <p>The forward pass made in training is kept (T and H − C) for the backward pass that follows,
 * checked as the recurrent layers check theirs: same input arrays; otherwise it is recomputed.
 */
public class HighwayGate extends SameDiffGraphVertex {
    private final int inputWidth, width;
    private final boolean projected;   // a third input carries a projection of x

    private int rows;                  // steps × batch of the arrays below
    private DataType type;
    private INDArray xRows, pre, dPre; // native, outside workspaces: [rows, inputWidth], [rows, width], [rows, width]
    private INDArray gWPart;           // lane 1's part of dW_T [inputWidth, width] (two lanes only)
    private int shares;                // lanes the rows are cut over, and the cuts of the arrays above (a view costs a native call)
    private INDArray[] xShares, preShares, dPreShares;
    private float[][] f;               // Java side, float networks: the slots below
    private double[][] d;              // Java side, double networks (gradient checks)
    private static final int GATE = 0, DIFF = 1, CARRY = 2, OUT = 3, DPRE = 4, DH = 5, DCARRY = 6, SLOTS = 7;
    private float[] fBias;
    private float[][] fDBias;          // per lane: its rows' column sums of dPre
    private double[] dBias;
    private double[][] dDBias;

    private boolean recordValid;
    private INDArray[] recordInputs;

    HighwayGate(HighwayGateVertex conf, ComputationGraph graph, String name, int index, INDArray paramsView, boolean initialize,
                DataType dataType) {
        super(conf, graph, name, index, paramsView, initialize, dataType);
        this.inputWidth = (int) conf.getInputWidth();
        this.width = (int) conf.getWidth();
        this.projected = conf.carriesProjection();
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        validate();   // first, so a wrong wiring gets the named message
        INDArray h = inputs[1];
        long batch = h.size(0), steps = h.size(2);
        recordValid = training;
        recordInputs = inputs.clone();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, h.dataType(), new long[]{steps, batch, width}, 'c');
        forward(out);
        return out.permute(1, 2, 0);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!(recordValid && java.util.Arrays.equals(recordInputs, inputs, (a, b) -> a == b ? 0 : 1))) {
            validate();
            forward(null);
        }
        recordValid = false;   // one forward pass backs one backward pass: the parameters change after it
        INDArray h = inputs[1];
        long batch = h.size(0), steps = h.size(2);
        INDArray dy = timeMajor(epsilon, width);
        INDArray dh = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, width}, 'c');
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, inputWidth}, 'c');
        // dL/dC: where x itself is carried it is x's gradient, and the dx gemm below adds the gate's part (beta 1)
        INDArray dCarry = projected
                ? workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, width}, 'c') : dx;
        INDArray w = paramTable.get("W"), gW = gradTable.get("W"), gB = gradTable.get("b");
        double beta = projected ? 0.0 : 1.0;
        INDArray[] dxShares = TwoLanes.rowShares(dx.reshape('c', rows, inputWidth), shares);
        // Each lane, on its own rows: the element-wise gradients, dx (+)= dPre·W_Tᵀ, and its part of
        // dW_T = xᵀ·dPre (lane 0 into dW_T, lane 1 beside it, added below): one hand-off, no serial pass
        TwoLanes.run((phase, k) -> {
            int from = rowStart(k), to = rowStart(k + 1);
            read(dy, OUT, from, to);   // dL/dy into the output's slot
            if (f != null) HighwayKernel.backward(f[GATE], f[DIFF], f[OUT], f[DPRE], f[DH], f[DCARRY], fDBias[k], from, to, width);
            else HighwayKernel.backward(d[GATE], d[DIFF], d[OUT], d[DPRE], d[DH], d[DCARRY], dDBias[k], from, to, width);
            write(DPRE, dPre, from, to);
            write(DH, dh, from, to);
            write(DCARRY, dCarry, from, to);
            Nd4j.gemm(dPreShares[k], w, dxShares[k], false, true, 1.0, beta);
            Nd4j.gemm(xShares[k], dPreShares[k], k == 0 ? gW : gWPart, true, false, 1.0, 0.0);
        }, 0, shares);
        if (shares > 1) gW.addi(gWPart);
        writeBias(gB);

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put("W", gW);
        g.gradientForVariable().put("b", gB);
        INDArray[] out = projected
                ? new INDArray[]{TimeMajorGradient.of(dx), TimeMajorGradient.of(dh), TimeMajorGradient.of(dCarry)}
                : new INDArray[]{TimeMajorGradient.of(dx), TimeMajorGradient.of(dh)};   // x's is summed with H's gradient of x: in Java
        return new Pair<>(g, out);
    }

    @Override
    public void clear() {
        super.clear();
        recordValid = false;
    }

    private void validate() {
        if (inputs.length != (projected ? 3 : 2))
            throw new DL4JInvalidInputException("highway vertex " + getVertexName() + ": " + inputs.length + " inputs (expected "
                    + (projected ? "3: x, H(x) and the projected carry)" : "2: x and H(x))"));
        INDArray x = inputs[0], h = inputs[1], carry = projected ? inputs[2] : x;
        if (x.rank() != 3 || x.size(1) != inputWidth || h.rank() != 3 || h.size(1) != width || carry.rank() != 3 || carry.size(1) != width
                || x.size(0) != h.size(0) || x.size(2) != h.size(2) || carry.size(0) != h.size(0) || carry.size(2) != h.size(2))
            throw new DL4JInvalidInputException("highway vertex " + getVertexName() + ": inputs " + shapes()
                    + " (expected x [batch, " + inputWidth + ", time], H(x) [batch, " + width + ", time]"
                    + (projected ? ", carry [batch, " + width + ", time])" : ")"));
        prepare(h.dataType(), (int) (h.size(0) * h.size(2)));
    }

    /**
     * T into GATE, H − C into DIFF, y into OUT (and into {@code out}, time-major, unless null), from the
     * current inputs and parameters: each lane its rows of W_T·x, then the element-wise pass over them.
     */
    private void forward(INDArray out) {
        INDArray x = inputs[0];
        xRows.assign(timeMajor(x, inputWidth));
        INDArray h = timeMajor(inputs[1], width), carry = projected ? timeMajor(inputs[2], width) : xRows;
        INDArray w = paramTable.get("W"), b = paramTable.get("b");
        if (f != null) readInto(b, fBias);
        else readInto(b, dBias);
        TwoLanes.run((phase, k) -> {
            Nd4j.gemm(xShares[k], w, preShares[k], false, false, 1.0, 0.0);
            int from = rowStart(k), to = rowStart(k + 1);
            read(pre, GATE, from, to);
            read(h, DIFF, from, to);
            read(carry, CARRY, from, to);
            if (f != null) HighwayKernel.forward(f[GATE], fBias, f[DIFF], f[CARRY], f[OUT], from, to, width);
            else HighwayKernel.forward(d[GATE], dBias, d[DIFF], d[CARRY], d[OUT], from, to, width);
            if (out != null) write(OUT, out, from, to);
        }, 0, shares);
    }

    /** The first row of lane k's share (as {@link TwoLanes#rowShares} cuts). */
    private int rowStart(int k) { return (int) ((long) rows * k / shares); }

    private void prepare(DataType dataType, int rowCount) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
            throw new DL4JInvalidInputException("highway vertex " + getVertexName() + ": data type " + dataType + " (expected FLOAT or DOUBLE)");
        if (dataType == type && rowCount == rows) return;
        type = dataType;
        rows = rowCount;
        // two lanes only when each gets a fair share of rows: below that the hand-off costs more than it saves
        shares = rows >= 64 ? TwoLanes.lanes() : 1;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            xRows = Nd4j.createUninitializedDetached(type, rows, inputWidth);
            pre = Nd4j.createUninitializedDetached(type, rows, width);
            dPre = Nd4j.createUninitializedDetached(type, rows, width);
            gWPart = shares > 1 ? Nd4j.createUninitializedDetached(type, inputWidth, width) : null;
        }
        xShares = TwoLanes.rowShares(xRows, shares);
        preShares = TwoLanes.rowShares(pre, shares);
        dPreShares = TwoLanes.rowShares(dPre, shares);
        f = null;
        d = null;
        if (type == DataType.FLOAT) {
            f = new float[SLOTS][rows * width];
            fBias = new float[width];
            fDBias = new float[shares][width];
        } else {
            d = new double[SLOTS][rows * width];
            dBias = new double[width];
            dDBias = new double[shares][width];
        }
        recordValid = false;
    }

    /**
     * {@code a} {@code [batch, n, time]} as a c-ordered {@code [time, batch, n]} array: a view when it
     * is laid out that way (a recurrent layer's output or this vertex's), else a copy.
     */
    private static INDArray timeMajor(INDArray a, int n) {
        INDArray v = a.permute(2, 0, 1);
        long[] s = v.stride();
        boolean cOrdered = s[2] == 1 && s[1] == n && (s[0] == (long) n * v.size(1) || v.size(0) == 1);
        return cOrdered && v.offset() >= 0 && v.offset() + v.length() <= whole(v).length() ? v : v.dup('c');
    }

    /** The buffer that {@code a.offset()} counts from. */
    private static DataBuffer whole(INDArray a) {
        return a.data().originalDataBuffer() != null ? a.data().originalDataBuffer() : a.data();
    }

    private static ByteBuffer nio(INDArray a) { return whole(a).asNio().order(ByteOrder.nativeOrder()); }

    /** Rows [from, to) of a Java slot ← the same rows of a contiguous c-ordered native array [rows, width]. */
    private void read(INDArray src, int slot, int from, int to) {
        int at = from * width, len = (to - from) * width, src0 = (int) src.offset() + at;
        if (f != null) nio(src).asFloatBuffer().get(src0, f[slot], at, len);
        else nio(src).asDoubleBuffer().get(src0, d[slot], at, len);
    }

    /** Rows [from, to) of a contiguous c-ordered native array [rows, width] ← the same rows of a Java slot. */
    private void write(int slot, INDArray dst, int from, int to) {
        int at = from * width, len = (to - from) * width, dst0 = (int) dst.offset() + at;
        if (f != null) nio(dst).asFloatBuffer().put(dst0, f[slot], at, len);
        else nio(dst).asDoubleBuffer().put(dst0, d[slot], at, len);
    }

    private static void readInto(INDArray bias, float[] out) { nio(bias).asFloatBuffer().get((int) bias.offset(), out, 0, out.length); }

    private static void readInto(INDArray bias, double[] out) { nio(bias).asDoubleBuffer().get((int) bias.offset(), out, 0, out.length); }

    /** dL/db_T: the lanes' column sums added up. */
    private void writeBias(INDArray gB) {
        if (f != null) {
            for (int k = 1; k < shares; k++) for (int j = 0; j < width; j++) fDBias[0][j] += fDBias[k][j];
            nio(gB).asFloatBuffer().put((int) gB.offset(), fDBias[0], 0, width);
        } else {
            for (int k = 1; k < shares; k++) for (int j = 0; j < width; j++) dDBias[0][j] += dDBias[k][j];
            nio(gB).asDoubleBuffer().put((int) gB.offset(), dDBias[0], 0, width);
        }
    }

    private String shapes() {
        StringBuilder s = new StringBuilder();
        for (INDArray a : inputs) s.append(s.length() == 0 ? "" : ", ").append(java.util.Arrays.toString(a.shape()));
        return s.toString();
    }
}
