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
 * the recurrent layers store their outputs: the gate's product W_T·x is one gemm over all steps
 * (two lanes, {@link TwoLanes}); the sigmoid, the mix and their gradients are one Java pass over the
 * whole sequence ({@link HighwayKernel}); the backward pass adds two gemms (dW_T, dx). The output
 * and the input gradients are written straight into workspace arrays. It replaces a time-distributed
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
    private int shares;                // lanes the products are cut over, and the cuts of the arrays above (a view costs a native call)
    private INDArray[] xShares, preShares, xCols, dPreRows;
    private float[][] f;               // Java side, float networks: the slots below
    private double[][] d;              // Java side, double networks (gradient checks)
    private static final int GATE = 0, DIFF = 1, CARRY = 2, OUT = 3, DPRE = 4, DH = 5, DCARRY = 6, SLOTS = 7;
    private float[] fBias, fDBias;
    private double[] dBias, dDBias;

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
        forward();   // validates the inputs first, so a wrong wiring gets the named message
        INDArray h = inputs[1];
        long batch = h.size(0), steps = h.size(2);
        recordValid = training;
        recordInputs = inputs.clone();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, type, new long[]{steps, batch, width}, 'c');
        write(OUT, out);
        return out.permute(1, 2, 0);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!(recordValid && java.util.Arrays.equals(recordInputs, inputs, (a, b) -> a == b ? 0 : 1))) forward();
        recordValid = false;   // one forward pass backs one backward pass: the parameters change after it
        INDArray h = inputs[1];
        long batch = h.size(0), steps = h.size(2);
        read(timeMajor(epsilon, width), OUT);   // dL/dy into the output's slot
        if (f != null) HighwayKernel.backward(f[GATE], f[DIFF], f[OUT], f[DPRE], f[DH], f[DCARRY], fDBias, rows, width);
        else HighwayKernel.backward(d[GATE], d[DIFF], d[OUT], d[DPRE], d[DH], d[DCARRY], dDBias, rows, width);
        write(DPRE, dPre);

        INDArray dh = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, width}, 'c');
        write(DH, dh);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, inputWidth}, 'c');
        INDArray dCarry = null;
        if (projected) {
            dCarry = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, type, new long[]{steps, batch, width}, 'c');
            write(DCARRY, dCarry);
        } else {
            write(DCARRY, dx);   // x is the carried input too: the gate's part is added to this below
        }
        INDArray w = paramTable.get("W"), gW = gradTable.get("W"), gB = gradTable.get("b");
        INDArray dxRows = dx.reshape('c', rows, inputWidth);
        double beta = projected ? 0.0 : 1.0;
        // results cut by rows only: gemm writes into contiguous blocks, and W_T is c-ordered
        INDArray[] gWRows = TwoLanes.rowShares(gW, shares), dxShares = TwoLanes.rowShares(dxRows, shares);
        TwoLanes.run((phase, k) -> {
            Nd4j.gemm(xCols[k], dPre, gWRows[k], true, false, 1.0, 0.0);                // dW_T = xᵀ·dPre, by rows of dW_T
            Nd4j.gemm(dPreRows[k], w, dxShares[k], false, true, 1.0, beta);              // dx (+)= dPre·W_Tᵀ, by rows
        }, 0, shares);
        writeBias(gB);

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put("W", gW);
        g.gradientForVariable().put("b", gB);
        INDArray[] out = projected
                ? new INDArray[]{dx.permute(1, 2, 0), dh.permute(1, 2, 0), dCarry.permute(1, 2, 0)}
                : new INDArray[]{dx.permute(1, 2, 0), dh.permute(1, 2, 0)};
        return new Pair<>(g, out);
    }

    @Override
    public void clear() {
        super.clear();
        recordValid = false;
    }

    /** T into GATE, H − C into DIFF, y into OUT, from the current inputs and parameters. */
    private void forward() {
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
        xRows.assign(timeMajor(x, inputWidth));
        INDArray w = paramTable.get("W");
        TwoLanes.run((phase, k) -> Nd4j.gemm(xShares[k], w, preShares[k], false, false, 1.0, 0.0), 0, shares);
        read(pre, GATE);
        read(timeMajor(h, width), DIFF);
        read(timeMajor(carry, width), CARRY);
        INDArray b = paramTable.get("b");
        if (f != null) {
            readInto(b, fBias);
            HighwayKernel.forward(f[GATE], fBias, f[DIFF], f[CARRY], f[OUT], rows, width);
        } else {
            readInto(b, dBias);
            HighwayKernel.forward(d[GATE], dBias, d[DIFF], d[CARRY], d[OUT], rows, width);
        }
    }

    private void prepare(DataType dataType, int rowCount) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE)
            throw new DL4JInvalidInputException("highway vertex " + getVertexName() + ": data type " + dataType + " (expected FLOAT or DOUBLE)");
        if (dataType == type && rowCount == rows) return;
        type = dataType;
        rows = rowCount;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            xRows = Nd4j.createUninitializedDetached(type, rows, inputWidth);
            pre = Nd4j.createUninitializedDetached(type, rows, width);
            dPre = Nd4j.createUninitializedDetached(type, rows, width);
        }
        // two lanes only when each gets a fair share of rows: below that the hand-off costs more than it saves
        shares = rows >= 64 ? TwoLanes.lanes() : 1;
        xShares = TwoLanes.rowShares(xRows, shares);
        preShares = TwoLanes.rowShares(pre, shares);
        xCols = TwoLanes.columnShares(xRows, shares);
        dPreRows = TwoLanes.rowShares(dPre, shares);
        f = null;
        d = null;
        if (type == DataType.FLOAT) {
            f = new float[SLOTS][rows * width];
            fBias = new float[width];
            fDBias = new float[width];
        } else {
            d = new double[SLOTS][rows * width];
            dBias = new double[width];
            dDBias = new double[width];
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

    /** Java slot ← contiguous c-ordered native array of rows × width elements. */
    private void read(INDArray src, int slot) {
        int from = (int) src.offset(), len = rows * width;
        if (f != null) nio(src).asFloatBuffer().get(from, f[slot], 0, len);
        else nio(src).asDoubleBuffer().get(from, d[slot], 0, len);
    }

    /** Contiguous c-ordered native array ← Java slot. */
    private void write(int slot, INDArray dst) {
        int to = (int) dst.offset(), len = rows * width;
        if (f != null) nio(dst).asFloatBuffer().put(to, f[slot], 0, len);
        else nio(dst).asDoubleBuffer().put(to, d[slot], 0, len);
    }

    private static void readInto(INDArray bias, float[] out) { nio(bias).asFloatBuffer().get((int) bias.offset(), out, 0, out.length); }

    private static void readInto(INDArray bias, double[] out) { nio(bias).asDoubleBuffer().get((int) bias.offset(), out, 0, out.length); }

    private void writeBias(INDArray gB) {
        if (f != null) nio(gB).asFloatBuffer().put((int) gB.offset(), fDBias, 0, width);
        else nio(gB).asDoubleBuffer().put((int) gB.offset(), dDBias, 0, width);
    }

    private String shapes() {
        StringBuilder s = new StringBuilder();
        for (INDArray a : inputs) s.append(s.length() == 0 ? "" : ", ").append(java.util.Arrays.toString(a.shape()));
        return s.toString();
    }
}
