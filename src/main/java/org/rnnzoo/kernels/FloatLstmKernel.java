package org.rnnzoo.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * {@link LstmKernel} in float: the buffers and loops around {@link LstmCell}, which holds the
 * equations. The tests' DoubleLstmKernel copies this plumbing in double for gradient checks
 * (change both together).
 */
final class FloatLstmKernel extends LstmKernel {
    private final int gates;
    private final float[] z, c, tanhC, h, eps, dz, bias, h0, c0, rec, dhRec, dcNext;
    private float[] mask;
    /** Each example's length, or null for every step (see {@link #loadLengths}). */
    private int[] lengths;
    /** Per lane, from its first example on: the rows still running at a step, and their gathered inputs to a recurrent product. */
    private final int[] running;
    private final float[] gathered;
    private final RecurrentProducts recurrentWeights = new RecurrentProducts();

    FloatLstmKernel(int batch, int steps, int size) {
        super(batch, steps, size);
        gates = 4 * size;
        int rows = steps * batch;
        z = new float[rows * gates];
        dz = new float[rows * gates];
        c = new float[rows * size];
        tanhC = new float[rows * size];
        h = new float[rows * size];
        eps = new float[rows * size];
        bias = new float[gates];
        h0 = new float[batch * size];
        c0 = new float[batch * size];
        rec = new float[batch * gates];
        dhRec = new float[batch * size];
        dcNext = new float[batch * size];
        running = new int[batch];
        gathered = new float[batch * gates];
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
        return DataType.FLOAT;
    }

    /** The native memory of a contiguous, offset-0 'c' array of this precision. */
    private static FloatBuffer nio(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Any array's elements in 'c' order, converted to this precision. */
    static float[] values(INDArray a) {
        INDArray x = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        if (x.isView() || x.ordering() != 'c' || x.data().length() != x.length()) x = x.dup('c');
        return x.data().asFloat();
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
        Arrays.fill(z, 0f);
        FloatBuffer p = nio(projection);
        for (int i = 0; i < rows.length; i++) p.get(i * gates, z, rows[i] * gates, gates);
    }

    @Override
    public void writeGateGradients(INDArray out, int firstStep, int[] rows) {
        if (rows == null || firstStep > 0) {   // truncated BPTT never packs
            writeGateGradients(out, firstStep);
            return;
        }
        FloatBuffer o = nio(out);
        for (int i = 0; i < rows.length; i++) o.put(i * gates, dz, rows[i] * gates, gates);
    }

    @Override
    public void writePreviousOutputs(INDArray out, int[] rows) {
        if (rows == null) {
            writePreviousOutputs(out);
            return;
        }
        FloatBuffer o = nio(out);
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

    private void load(INDArray state, float[] into) {
        if (state == null) {
            Arrays.fill(into, 0f);
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
        recurrentWeights.load(rw);
    }

    @Override
    public void forwardStep(int t, int b0, int b1, boolean recurrent) {
        if (lengths != null && running(t, b0, b1) < b1 - b0) {
            forwardRunning(t, b0, b1, recurrent);
            return;
        }
        final int H = size, G = gates;
        if (recurrent) recurrentWeights.forward(t == 0 ? h0 : h, t == 0 ? b0 * H : ((t - 1) * batch + b0) * H, b1 - b0, rec, b0 * G);
        float[] cPrev = t == 0 ? c0 : c;
        for (int b = b0; b < b1; b++) {
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            if (recurrent) {
                for (int j = 0, rr = b * G; j < G; j++) z[zr + j] += bias[j] + rec[rr + j];
            } else {
                for (int j = 0; j < G; j++) z[zr + j] += bias[j];
            }
            LstmCell.forward(z, zr, cPrev, pr, c, hr, tanhC, hr, h, hr, H);
            if (mask != null) {
                // As DL4J's LSTM: a masked step outputs zero and passes a zero cell on.
                float m = mask[b * steps + t];
                if (m != 1f) {
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
        final int H = size, G = gates;
        int n = 0;
        for (int b = b0; b < b1; b++) if (lengths[b] > t) n++;
        float[] hPrev = t == 0 ? h0 : h, cPrev = t == 0 ? c0 : c;
        if (recurrent && n > 0) {
            for (int k = 0; k < n; k++) {
                int b = running[b0 + k];
                System.arraycopy(hPrev, t == 0 ? b * H : ((t - 1) * batch + b) * H, gathered, (b0 + k) * H, H);
            }
            recurrentWeights.forward(gathered, b0 * H, n, rec, b0 * G);
        }
        for (int k = 0; k < n; k++) {
            int b = running[b0 + k];
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            if (recurrent) {
                for (int j = 0, rr = (b0 + k) * G; j < G; j++) z[zr + j] += bias[j] + rec[rr + j];
            } else {
                for (int j = 0; j < G; j++) z[zr + j] += bias[j];
            }
            LstmCell.forward(z, zr, cPrev, pr, c, hr, tanhC, hr, h, hr, H);
        }
        for (int b = b0; b < b1; b++) {
            if (lengths[b] > t) continue;
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H;
            Arrays.fill(z, zr, zr + G, 0f);
            Arrays.fill(c, hr, hr + H, 0f);
            Arrays.fill(tanhC, hr, hr + H, 0f);
            Arrays.fill(h, hr, hr + H, 0f);
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
        if (!last) recurrentWeights.backward(dz, ((t + 1) * batch + b0) * G, b1 - b0, dhRec, b0 * H);
        float[] cPrev = t == 0 ? c0 : c;
        for (int b = b0; b < b1; b++) {
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            int nr = zr + batch * G; // next step's gates
            float m = mask == null ? 1f : mask[b * steps + t];
            // dh = dL/dh_t + the next step's dz·RWᵀ, made in place in dhRec
            float[] dh = last ? eps : dhRec;
            int dhOff = last ? hr : b * H;
            if (!last) for (int j = 0; j < H; j++) dhRec[dhOff + j] = eps[hr + j] + dhRec[dhOff + j];
            LstmCell.backward(z, last ? null : z, nr, dz, zr, cPrev, pr, c, tanhC, hr, m != 1f, dh, dhOff, dcNext, b * H, H);
        }
    }

    /**
     * The backward step of only the examples listed in running[b0 …]: the next step's gate gradients
     * of those rows gathered for the recurrent product (a row that stopped at t + 1 has zeros there),
     * dhRec in that gathered order; the others get zero gate gradients and pass a zero cell gradient on.
     */
    private void backwardRunning(int t, int b0, int b1) {
        final int H = size, G = gates;
        boolean last = t == steps - 1;
        int n = 0;
        for (int b = b0; b < b1; b++) if (lengths[b] > t) n++;
        if (!last && n > 0) {
            for (int k = 0; k < n; k++)
                System.arraycopy(dz, ((t + 1) * batch + running[b0 + k]) * G, gathered, (b0 + k) * G, G);
            recurrentWeights.backward(gathered, b0 * G, n, dhRec, b0 * H);
        }
        float[] cPrev = t == 0 ? c0 : c;
        for (int k = 0; k < n; k++) {
            int b = running[b0 + k];
            int zr = (t * batch + b) * G, hr = (t * batch + b) * H, pr = t == 0 ? b * H : hr - batch * H;
            float[] dh = last ? eps : dhRec;
            int dhOff = last ? hr : (b0 + k) * H;
            if (!last) for (int j = 0; j < H; j++) dhRec[dhOff + j] = eps[hr + j] + dhRec[dhOff + j];
            LstmCell.backward(z, last ? null : z, zr + batch * G, dz, zr, cPrev, pr, c, tanhC, hr, false, dh, dhOff, dcNext, b * H, H);
        }
        for (int b = b0; b < b1; b++) {
            if (lengths[b] > t) continue;
            int zr = (t * batch + b) * G;
            Arrays.fill(dz, zr, zr + G, 0f);
            Arrays.fill(dcNext, b * H, (b + 1) * H, 0f);
        }
    }

    @Override
    public void writeGateGradients(INDArray out, int firstStep) {
        Arrays.fill(dz, 0, firstStep * batch * gates, 0f);
        nio(out).put(0, dz, 0, dz.length);
    }

    @Override
    public void writePreviousOutputs(INDArray out) {
        FloatBuffer buf = nio(out);
        buf.put(0, h0, 0, h0.length);
        buf.put(h0.length, h, 0, (steps - 1) * batch * size);
    }

    @Override
    public INDArray biasGradient(int firstStep) {
        float[] sum = new float[gates];
        for (int r = firstStep * batch, rows = steps * batch; r < rows; r++) {
            for (int j = 0, off = r * gates; j < gates; j++) sum[j] += dz[off + j];
        }
        return Nd4j.create(sum, new long[]{1, gates}, 'c');
    }
}
