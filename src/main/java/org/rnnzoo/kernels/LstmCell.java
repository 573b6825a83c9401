package org.rnnzoo.kernels;

/**
 * The LSTM cell, the one place its equations are written (Hochreiter &amp; Schmidhuber 1997, with the
 * forget gate of Gers et al. 2000; no peepholes). From the pre-activations z = x·W + h_{t-1}·RW + b:
 * <pre>
 *   i = σ(z_i)   f = σ(z_f)   o = σ(z_o)   g = tanh(z_g)
 *   c_t = f ⊙ c_{t-1} + i ⊙ g
 *   h_t = o ⊙ tanh(c_t)
 * </pre>
 * A row of z holds the four gates in DL4J's order [g | f | o | i], each {@code n} wide, so that
 * FastLstm's parameters stay interchangeable with DL4J's own LSTM. The training kernel
 * ({@link LstmKernel}), the packed one-row step ({@link PackedMatrix#lstmStep}) and the batch-1
 * decoder all call {@link #forward}; the training kernel's backward pass calls {@link #backward}.
 *
 * <p>Float only: the gradient checks' double copy lives with the tests' DoubleLstmKernel, since Java
 * cannot share arithmetic between the two primitive types without boxing.
 */
public final class LstmCell {
    /** Offsets of the gates inside a row of z, in units of the layer size n. */
    public static final int G = 0, F = 1, O = 2, I = 3;

    private LstmCell() {}

    /**
     * One row forward over {@code n} units: activates z[zOff …] in place (g tanh; f, o, i sigmoid),
     * then c = f⊙cPrev + i⊙g and h = o⊙tanh(c), keeping tanh(c) for the backward pass. {@code c}
     * may be {@code cPrev} at the same offset (state updated in place).
     */
    public static void forward(float[] z, int zOff, float[] cPrev, int cPrevOff, float[] c, int cOff,
                               float[] tanhC, int tanhCOff, float[] h, int hOff, int n) {
        GateFunctions.tanh(z, zOff + G * n, z, zOff + G * n, n);
        GateFunctions.sigmoid(z, zOff + F * n, 3 * n);                  // f, o, i are adjacent
        for (int j = 0; j < n; j++) {
            c[cOff + j] = z[zOff + F * n + j] * cPrev[cPrevOff + j] + z[zOff + I * n + j] * z[zOff + G * n + j];
        }
        GateFunctions.tanh(c, cOff, tanhC, tanhCOff, n);
        for (int j = 0; j < n; j++) h[hOff + j] = z[zOff + O * n + j] * tanhC[tanhCOff + j];
    }

    /**
     * One row back over {@code n} units, from the activated gates z[zOff …] and the stored c, tanh(c):
     * dc = dh⊙o⊙(1 − tanh²c) + f_{t+1}⊙dc_{t+1}, then the pre-activation gradients dz[zOff …] in the
     * same gate order. {@code zNext} (null at the last step) holds the next step's activated gates at
     * {@code zNextOff}; {@code dcNext} holds dc_{t+1} on entry and dc_t on return. {@code masked}: the
     * step's mask was not 1, and tanh is differentiated at the stored, masked c (as DL4J's LSTM does,
     * whose backward pass sees no mask).
     */
    public static void backward(float[] z, float[] zNext, int zNextOff, float[] dz, int zOff,
                                float[] cPrev, int cPrevOff, float[] c, float[] tanhC, int cOff, boolean masked,
                                float[] dh, int dhOff, float[] dcNext, int dcOff, int n) {
        for (int j = 0; j < n; j++) {
            float g = z[zOff + G * n + j], f = z[zOff + F * n + j], o = z[zOff + O * n + j], i = z[zOff + I * n + j];
            float tc = tanhC[cOff + j];
            float tcm = masked ? (float) Math.tanh(c[cOff + j]) : tc;
            float dc = dh[dhOff + j] * o * (1f - tcm * tcm);
            if (zNext != null) dc += zNext[zNextOff + F * n + j] * dcNext[dcOff + j];
            dcNext[dcOff + j] = dc;
            dz[zOff + G * n + j] = dc * i * (1f - g * g);
            dz[zOff + F * n + j] = dc * cPrev[cPrevOff + j] * f * (1f - f);
            dz[zOff + O * n + j] = dh[dhOff + j] * tc * o * (1f - o);
            dz[zOff + I * n + j] = dc * g * i * (1f - i);
        }
    }
}
