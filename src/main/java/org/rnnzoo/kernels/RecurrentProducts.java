package org.rnnzoo.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-step recurrent products of {@link LstmKernel}, h_{t-1}·RW (forward) and dz_{t+1}·RWᵀ
 * (backward), for a range of examples, on Java arrays. Per step these are small products and a gemm
 * call repacks all of RW every time, so RW and RWᵀ are packed once per pass
 * (docs/performance.md#lstm-per-step-recurrent-products).
 */
final class RecurrentProducts {
    private PackedMatrix w, wT;
    private float[] values;

    void load(INDArray rw) {
        float[] v = values = PackedMatrix.columnMajor(rw, values);
        int rows = (int) rw.size(0), cols = (int) rw.size(1);
        TwoLanes.run((phase, lane) -> {           // one matrix a lane: packing both serially showed in every training step
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
