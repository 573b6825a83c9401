package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The layer {@link FastSimpleRnn} instantiates: {@code h_t = tanh(x_t·W + h_{t-1}·RW + b)} (Elman
 * 1990), DL4J's SimpleRnn parameters (W [nIn, n], RW [n, n], b [1, n]), computed as described in
 * {@link FastRecurrentLayer}.
 */
public class FastSimpleRnnLayer extends FastRecurrentLayer<FastSimpleRnn> {
    private static final String[] KEYS = {SimpleRnn.STATE_KEY_PREV_ACTIVATION};

    private double[] act;       // [T·B·n] tanh(z_t) before masking
    private double[] hLast;     // [B·n]

    public FastSimpleRnnLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType, 1);
    }

    @Override
    protected String[] stateKeys() {
        return KEYS;
    }

    @Override
    protected void allocate() {
        act = new double[steps * batch * nOut];
        hLast = new double[batch * nOut];
    }

    @Override
    protected void setInitialState(double[][] state) {
        System.arraycopy(state[0], 0, hLast, 0, batch * nOut);
    }

    @Override
    protected void forwardStep(int t, double[] z, double[] hOut) {
        final int n = nOut, base = t * batch * n;
        for (int b = 0; b < batch; b++) {
            double m = mask(b, t);
            for (int j = 0, r = b * n; j < n; j++) {
                double a = tanh(z[r + j]);
                act[base + r + j] = a;
                hOut[r + j] = m * a;
            }
        }
        if (t == steps - 1) System.arraycopy(hOut, 0, hLast, 0, batch * n);
    }

    @Override
    protected double[][] lastState() {
        return new double[][]{hLast.clone()};
    }

    @Override
    protected void beginBackward() {}

    @Override
    protected void backwardStep(int t, double[] dh, double[] dz) {
        final int n = nOut, base = t * batch * n;
        for (int b = 0; b < batch; b++) {
            double m = mask(b, t);
            for (int j = 0, r = b * n; j < n; j++) {
                double a = act[base + r + j];
                dz[r + j] = m * dh[r + j] * (1 - a * a);
            }
        }
    }
}
