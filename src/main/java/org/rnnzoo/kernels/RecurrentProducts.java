package org.rnnzoo.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-step recurrent products of {@link LstmKernel}, h_{t-1}·RW (forward) and dz_{t+1}·RWᵀ
 * (backward), for a range of examples, on Java arrays. Per step these are small products
 * ([examples, H]·[H, 4H] at PTB-small: 20×200·200×800) and a gemm call repacked all of RW each
 * time (~140 µs for 10 rows, measured); here RW and RWᵀ are packed once per pass.
 * One class per precision, named so that DoubleLstmKernel stays FloatLstmKernel with float → double.
 */
final class RecurrentProducts {
    private RecurrentProducts() {}

    /** Float: RW and RWᵀ packed for multi-row products ({@link PackedMatrix#multiplyRows}). */
    static final class FloatRows {
        private PackedMatrix w, wT;
        private float[] values;

        void load(INDArray rw) {
            float[] v = values = PackedMatrix.columnMajor(rw, values);
            int rows = (int) rw.size(0), cols = (int) rw.size(1);
            TwoLanes.run((phase, lane) -> {           // a serial ~1 ms per layer per step otherwise
                if (lane == 0) w = PackedMatrix.repack(v, rows, cols, false, w);
                else wT = PackedMatrix.repack(v, cols, rows, true, wT);
            }, 0, 2);
        }

        /** out[outOff + r·4H + j] = (x[xOff + r·H …]·RW)_j for r &lt; n. */
        void forward(float[] x, int xOff, int n, float[] out, int outOff) {
            w.multiplyRows(x, xOff, w.rows, n, out, outOff, w.cols);
        }

        /** out[outOff + r·H + i] = (x[xOff + r·4H …]·RWᵀ)_i for r &lt; n. */
        void backward(float[] x, int xOff, int n, float[] out, int outOff) {
            wT.multiplyRows(x, xOff, wT.rows, n, out, outOff, wT.cols);
        }
    }

    /** Double (gradient checks, tiny sizes): plain loops over RW in row-major order. */
    static final class DoubleRows {
        private double[] w;
        private int size, gates;

        void load(INDArray rw) {
            size = (int) rw.size(0);
            gates = (int) rw.size(1);
            w = rw.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup('c').data().asDouble();
        }

        void forward(double[] x, int xOff, int n, double[] out, int outOff) {
            for (int r = 0; r < n; r++)
                for (int j = 0; j < gates; j++) {
                    double s = 0;
                    for (int i = 0; i < size; i++) s += x[xOff + r * size + i] * w[i * gates + j];
                    out[outOff + r * gates + j] = s;
                }
        }

        void backward(double[] x, int xOff, int n, double[] out, int outOff) {
            for (int r = 0; r < n; r++)
                for (int i = 0; i < size; i++) {
                    double s = 0;
                    for (int j = 0; j < gates; j++) s += x[xOff + r * gates + j] * w[i * gates + j];
                    out[outOff + r * size + i] = s;
                }
        }
    }
}
