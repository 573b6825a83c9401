package org.rnnzoo.kernels;

import org.junit.jupiter.api.extension.Extension;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * {@link LstmKernel} in double, for the gradient checks of double FastLstm networks: main's
 * {@link FloatLstmKernel} with float → double, {@link LstmCell}'s equations and
 * {@link RecurrentProducts} as plain double loops below (change them together). Main computes in
 * float only; this kernel reaches {@link LstmKernel#create} through {@link Registration}, which JUnit
 * loads before any test runs (META-INF/services, autodetection on in junit-platform.properties).
 * It skips the padding as the float kernel does, so the masked gradient checks check that path
 * ({@link #expectSkippedPadding} makes sure that they did).
 */
public final class DoubleLstmKernel extends LstmKernel {
    /** Registers the double kernel when JUnit instantiates this extension (it adds no callbacks). */
    public static final class Registration implements Extension {
        public Registration() {
            LstmKernel.registerPrecision(DataType.DOUBLE, DoubleLstmKernel::new);
        }
    }

    /** While a check watches: the kernels (one per layer and shape) that ran a forward / backward step on part of a lane. */
    private static final Set<DoubleLstmKernel> skippedForward = ConcurrentHashMap.newKeySet(), skippedBackward = ConcurrentHashMap.newKeySet();
    private static volatile boolean watching;

    /**
     * Runs {@code check} (a gradient check) and returns its result, having failed unless exactly
     * {@code layers} FastLstm layers (kernels) skipped padding in both their forward and backward steps
     * (0: no step of any layer skipped any). A check that silently ran every step cannot pass as a check
     * of the skip path. The tests run one at a time, so a watch sees only its own check's passes.
     */
    public static boolean expectSkippedPadding(int layers, BooleanSupplier check) {
        skippedForward.clear();
        skippedBackward.clear();
        watching = true;
        boolean result;
        try {
            result = check.getAsBoolean();
        } finally {
            watching = false;
        }
        int f = skippedForward.size(), b = skippedBackward.size();
        if (!skippedForward.equals(skippedBackward) || f != layers)
            throw new AssertionError("expected " + layers + " layer(s) to skip padding; " + f + " did forward, " + b + " backward");
        return result;
    }

    private final int gates;
    private final double[] z, c, tanhC, h, eps, dz, bias, h0, c0, rec, dhRec, dcNext;
    private double[] mask;
    /** Each example's length, or null for every step (see {@link #loadLengths}). */
    private int[] lengths;
    /** Per lane, from its first example on: the rows still running at a step, and their gathered inputs to a recurrent product. */
    private final int[] running;
    private final double[] gathered;
    private double[] rw;

    DoubleLstmKernel(int batch, int steps, int size) {
        super(batch, steps, size);
        gates = 4 * size;
        int rows = steps * batch;
        z = new double[rows * gates];
        dz = new double[rows * gates];
        c = new double[rows * size];
        tanhC = new double[rows * size];
        h = new double[rows * size];
        eps = new double[rows * size];
        bias = new double[gates];
        h0 = new double[batch * size];
        c0 = new double[batch * size];
        rec = new double[batch * gates];
        dhRec = new double[batch * size];
        dcNext = new double[batch * size];
        running = new int[batch];
        gathered = new double[batch * gates];
    }

    @Override
    public void loadLengths(int[] lengths) {
        if (lengths != null && lengths.length != batch) throw new IllegalArgumentException(lengths.length + " lengths for " + batch + " examples");
        this.lengths = lengths;
    }

    /** How many of the examples [b0, b1) run at step t; they are listed in running[b0 …]. */
    private int running(int t, int b0, int b1) {
        int n = 0;
        for (int b = b0; b < b1; b++) if (lengths[b] > t) running[b0 + n++] = b;
        return n;
    }

    @Override
    public DataType dataType() {
        return DataType.DOUBLE;
    }

    /** The native memory of a contiguous, offset-0 'c' array of this precision. */
    private static DoubleBuffer nio(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asDoubleBuffer();
    }

    /** Any array's elements in 'c' order, converted to this precision. */
    static double[] values(INDArray a) {
        INDArray x = a.dataType() == DataType.DOUBLE ? a : a.castTo(DataType.DOUBLE);
        if (x.isView() || x.ordering() != 'c' || x.data().length() != x.length()) x = x.dup('c');
        return x.data().asDouble();
    }

    @Override
    public void loadProjection(INDArray projection) {
        generation++;
        nio(projection).get(0, z, 0, z.length);
    }

    @Override
    public void loadProjection(INDArray projection, int[] rows) {
        if (rows == null) {
            loadProjection(projection);
            return;
        }
        generation++;
        Arrays.fill(z, 0.0);
        DoubleBuffer p = nio(projection);
        for (int i = 0; i < rows.length; i++) p.get(i * gates, z, rows[i] * gates, gates);
    }

    @Override
    public void writeGateGradients(INDArray out, int firstStep, int[] rows) {
        if (rows == null || firstStep > 0) {   // truncated BPTT never packs
            writeGateGradients(out, firstStep);
            return;
        }
        DoubleBuffer o = nio(out);
        for (int i = 0; i < rows.length; i++) o.put(i * gates, dz, rows[i] * gates, gates);
    }

    @Override
    public void writePreviousOutputs(INDArray out, int[] rows) {
        if (rows == null) {
            writePreviousOutputs(out);
            return;
        }
        DoubleBuffer o = nio(out);
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            if (r < batch) o.put(i * size, h0, r * size, size);
            else o.put(i * size, h, (r - batch) * size, size);
        }
    }

    @Override
    public void loadBias(INDArray b) {
        System.arraycopy(values(b), 0, bias, 0, gates);
    }

    @Override
    public void loadInitialState(INDArray h0, INDArray c0) {
        load(h0, this.h0);
        load(c0, this.c0);
    }

    private void load(INDArray state, double[] into) {
        if (state == null) {
            Arrays.fill(into, 0.0);
        } else {
            if (state.length() != into.length) {
                throw new IllegalStateException("stored state has " + state.length() / size + " examples, input has "
                        + batch + "; call rnnClearPreviousState() between sequences of different batch size");
            }
            System.arraycopy(values(state), 0, into, 0, into.length);
        }
    }

    @Override
    public void loadMask(INDArray m) {
        mask = m == null ? null : values(m);
        if (mask != null && mask.length != batch * steps) {
            throw new IllegalStateException("mask has shape " + Arrays.toString(m.shape()) + ", expected [" + batch + ", " + steps + "]");
        }
    }

    @Override
    public void loadRecurrentWeights(INDArray rw) {
        this.rw = values(rw);
    }

    @Override
    public void forwardStep(int t, int b0, int b1, boolean recurrent) {
        if (lengths != null && running(t, b0, b1) < b1 - b0) {
            forwardRunning(t, b0, b1, recurrent);
            return;
        }
        final int H = size, G = gates;
        if (recurrent) recurrentForward(t == 0 ? h0 : h, t == 0 ? b0 * H : ((t - 1) * batch + b0) * H, b1 - b0, rec, b0 * G);
        double[] cPrev = t == 0 ? c0 : c;
        for (int b = b0; b < b1; b++) {
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            if (recurrent) {
                for (int j = 0, rr = b * G; j < G; j++) z[zr + j] += bias[j] + rec[rr + j];
            } else {
                for (int j = 0; j < G; j++) z[zr + j] += bias[j];
            }
            cellForward(z, zr, cPrev, pr, c, hr, tanhC, hr, h, hr, H);
            if (mask != null) {
                // As DL4J's LSTM: a masked step outputs zero and passes a zero cell on.
                double m = mask[b * steps + t];
                if (m != 1.0) {
                    for (int j = 0; j < H; j++) {
                        c[hr + j] *= m;
                        h[hr + j] *= m;
                    }
                }
            }
        }
    }

    /**
     * Step t of only the examples listed in running[b0 …] (their previous outputs gathered into one
     * block for the recurrent product); the others' gates, cell and output are zero at t. Masks are
     * not combined with lengths (the layer passes one or the other).
     */
    private void forwardRunning(int t, int b0, int b1, boolean recurrent) {
        if (watching) skippedForward.add(this);
        final int H = size, G = gates;
        int n = 0;
        for (int b = b0; b < b1; b++) if (lengths[b] > t) n++;
        double[] hPrev = t == 0 ? h0 : h, cPrev = t == 0 ? c0 : c;
        if (recurrent && n > 0) {
            for (int k = 0; k < n; k++) {
                int b = running[b0 + k];
                System.arraycopy(hPrev, t == 0 ? b * H : ((t - 1) * batch + b) * H, gathered, (b0 + k) * H, H);
            }
            recurrentForward(gathered, b0 * H, n, rec, b0 * G);
        }
        for (int k = 0; k < n; k++) {
            int b = running[b0 + k];
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            if (recurrent) {
                for (int j = 0, rr = (b0 + k) * G; j < G; j++) z[zr + j] += bias[j] + rec[rr + j];
            } else {
                for (int j = 0; j < G; j++) z[zr + j] += bias[j];
            }
            cellForward(z, zr, cPrev, pr, c, hr, tanhC, hr, h, hr, H);
        }
        for (int b = b0; b < b1; b++) {
            if (lengths[b] > t) continue;
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H;
            Arrays.fill(z, zr, zr + G, 0.0);
            Arrays.fill(c, hr, hr + H, 0.0);
            Arrays.fill(tanhC, hr, hr + H, 0.0);
            Arrays.fill(h, hr, hr + H, 0.0);
        }
    }

    @Override
    public void writeOutputs(INDArray out) {
        nio(out).put(0, h, 0, h.length);
    }

    @Override
    public INDArray lastOutput() {
        return Nd4j.create(Arrays.copyOfRange(h, (steps - 1) * batch * size, steps * batch * size), new long[]{batch, size}, 'c');
    }

    @Override
    public INDArray lastCell() {
        return Nd4j.create(Arrays.copyOfRange(c, (steps - 1) * batch * size, steps * batch * size), new long[]{batch, size}, 'c');
    }

    @Override
    public void loadEpsilon(INDArray epsilon) {
        nio(epsilon).get(0, eps, 0, eps.length);
    }

    @Override
    public void backwardStep(int t, int b0, int b1) {
        if (lengths != null && running(t, b0, b1) < b1 - b0) {
            backwardRunning(t, b0, b1);
            return;
        }
        final int H = size, G = gates;
        boolean last = t == steps - 1;
        if (!last) recurrentBackward(dz, ((t + 1) * batch + b0) * G, b1 - b0, dhRec, b0 * H);
        double[] cPrev = t == 0 ? c0 : c;
        for (int b = b0; b < b1; b++) {
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            int nr = zr + batch * G; // next step's gates
            double m = mask == null ? 1.0 : mask[b * steps + t];
            // dh = dL/dh_t + the next step's dz·RWᵀ, made in place in dhRec
            double[] dh = last ? eps : dhRec;
            int dhOff = last ? hr : b * H;
            if (!last) for (int j = 0; j < H; j++) dhRec[dhOff + j] = eps[hr + j] + dhRec[dhOff + j];
            cellBackward(z, last ? null : z, nr, dz, zr, cPrev, pr, c, tanhC, hr, m != 1.0, dh, dhOff, dcNext, b * H, H);
        }
    }

    /**
     * The backward step of only the examples listed in running[b0 …]: the next step's gate gradients
     * of those rows gathered for the recurrent product (a row that stopped at t + 1 has zeros there),
     * dhRec in that gathered order; the others get zero gate gradients and pass a zero cell gradient on.
     */
    private void backwardRunning(int t, int b0, int b1) {
        if (watching) skippedBackward.add(this);
        final int H = size, G = gates;
        boolean last = t == steps - 1;
        int n = 0;
        for (int b = b0; b < b1; b++) if (lengths[b] > t) n++;
        if (!last && n > 0) {
            for (int k = 0; k < n; k++)
                System.arraycopy(dz, ((t + 1) * batch + running[b0 + k]) * G, gathered, (b0 + k) * G, G);
            recurrentBackward(gathered, b0 * G, n, dhRec, b0 * H);
        }
        double[] cPrev = t == 0 ? c0 : c;
        for (int k = 0; k < n; k++) {
            int b = running[b0 + k];
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            double[] dh = last ? eps : dhRec;
            int dhOff = last ? hr : (b0 + k) * H;
            if (!last) for (int j = 0; j < H; j++) dhRec[dhOff + j] = eps[hr + j] + dhRec[dhOff + j];
            cellBackward(z, last ? null : z, zr + batch * G, dz, zr, cPrev, pr, c, tanhC, hr, false, dh, dhOff, dcNext, b * H, H);
        }
        for (int b = b0; b < b1; b++) {
            if (lengths[b] > t) continue;
            int zr = (t * batch + b) * G;
            Arrays.fill(dz, zr, zr + G, 0.0);
            Arrays.fill(dcNext, b * H, (b + 1) * H, 0.0);
        }
    }

    @Override
    public void writeGateGradients(INDArray out, int firstStep) {
        Arrays.fill(dz, 0, firstStep * batch * gates, 0.0);
        nio(out).put(0, dz, 0, dz.length);
    }

    @Override
    public void writePreviousOutputs(INDArray out) {
        DoubleBuffer buf = nio(out);
        buf.put(0, h0, 0, h0.length);
        buf.put(h0.length, h, 0, (steps - 1) * batch * size);
    }

    @Override
    public INDArray biasGradient(int firstStep) {
        double[] sum = new double[gates];
        for (int r = firstStep * batch, rows = steps * batch; r < rows; r++) {
            for (int j = 0, off = r * gates; j < gates; j++) sum[j] += dz[off + j];
        }
        return Nd4j.create(sum, new long[]{1, gates}, 'c');
    }

    // ---- RecurrentProducts in double: plain loops over RW, row-major [H, 4H] ----

    /** out[outOff + r·4H + j] = (x[xOff + r·H …]·RW)_j for r &lt; n. */
    private void recurrentForward(double[] x, int xOff, int n, double[] out, int outOff) {
        for (int r = 0; r < n; r++)
            for (int j = 0; j < gates; j++) {
                double s = 0;
                for (int i = 0; i < size; i++) s += x[xOff + r * size + i] * rw[i * gates + j];
                out[outOff + r * gates + j] = s;
            }
    }

    /** out[outOff + r·H + i] = (x[xOff + r·4H …]·RWᵀ)_i for r &lt; n. */
    private void recurrentBackward(double[] x, int xOff, int n, double[] out, int outOff) {
        for (int r = 0; r < n; r++)
            for (int i = 0; i < size; i++) {
                double s = 0;
                for (int j = 0; j < gates; j++) s += x[xOff + r * gates + j] * rw[i * gates + j];
                out[outOff + r * size + i] = s;
            }
    }

    // ---- LstmCell in double: the same expressions in the same order ----

    private static final int G = LstmCell.G, F = LstmCell.F, O = LstmCell.O, I = LstmCell.I;

    /** {@link LstmCell#forward} in double. */
    private static void cellForward(double[] z, int zOff, double[] cPrev, int cPrevOff, double[] c, int cOff,
                                    double[] tanhC, int tanhCOff, double[] h, int hOff, int n) {
        for (int j = 0; j < n; j++) z[zOff + G * n + j] = Math.tanh(z[zOff + G * n + j]);
        for (int i = zOff + F * n, end = i + 3 * n; i < end; i++) z[i] = 1.0 / (1.0 + Math.exp(-z[i]));
        for (int j = 0; j < n; j++) {
            c[cOff + j] = z[zOff + F * n + j] * cPrev[cPrevOff + j] + z[zOff + I * n + j] * z[zOff + G * n + j];
        }
        for (int j = 0; j < n; j++) tanhC[tanhCOff + j] = Math.tanh(c[cOff + j]);
        for (int j = 0; j < n; j++) h[hOff + j] = z[zOff + O * n + j] * tanhC[tanhCOff + j];
    }

    /** {@link LstmCell#backward} in double. */
    private static void cellBackward(double[] z, double[] zNext, int zNextOff, double[] dz, int zOff,
                                     double[] cPrev, int cPrevOff, double[] c, double[] tanhC, int cOff, boolean masked,
                                     double[] dh, int dhOff, double[] dcNext, int dcOff, int n) {
        for (int j = 0; j < n; j++) {
            double g = z[zOff + G * n + j], f = z[zOff + F * n + j], o = z[zOff + O * n + j], i = z[zOff + I * n + j];
            double tc = tanhC[cOff + j];
            double tcm = masked ? Math.tanh(c[cOff + j]) : tc;
            double dc = dh[dhOff + j] * o * (1.0 - tcm * tcm);
            if (zNext != null) dc += zNext[zNextOff + F * n + j] * dcNext[dcOff + j];
            dcNext[dcOff + j] = dc;
            dz[zOff + G * n + j] = dc * i * (1.0 - g * g);
            dz[zOff + F * n + j] = dc * cPrev[cPrevOff + j] * f * (1.0 - f);
            dz[zOff + O * n + j] = dh[dhOff + j] * tc * o * (1.0 - o);
            dz[zOff + I * n + j] = dc * g * i * (1.0 - i);
        }
    }
}
