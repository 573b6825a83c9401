package org.rnnzoo.kernels;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fused additive score worked by hand: one query, two keys, A = 2. */
class AdditiveScoresTest {
    private static final float TANH_075 = 0.63514895f, TANH_05 = 0.46211716f;   // tanh(0.75), tanh(0.5)

    @Test
    void forwardAndBackwardOfOneQueryOverTwoKeysWorkedByHand() {
        // u = W2 q = (0.5, −1); w_0 = W1 k_0 = (0.25, 0.5), w_1 = (−0.5, 1); v = (2, −1)
        float[] u = {0.5f, -1f}, w = {0.25f, 0.5f, -0.5f, 1f}, v = {2f, -1f}, e = new float[2];
        AdditiveScores kernel = new AdditiveScores();
        long pass = kernel.forward(u, w, v, 1, 1, 2, 2, null, null, e);
        assertEquals(pass, kernel.pass());
        // s = 0: h = (tanh 0.75, tanh −0.5), e = 2·tanh 0.75 + tanh 0.5; s = 1: u + w = 0, h = 0, e = 0
        assertEquals(2 * TANH_075 + TANH_05, e[0], 1e-6);
        assertEquals(0f, e[1], 0f);
        // dE = (2, 3): pre_0 = 2·v⊙(1 − h_0²) = (4(1 − tanh² 0.75), −2(1 − tanh² 0.5)), pre_1 = 3·v⊙(1 − 0) = (6, −3)
        float[] du = new float[2], dw = new float[4], dv = new float[2];
        kernel.backward(new float[]{2f, 3f}, v, du, dw, dv);
        float p0 = 4 * (1 - TANH_075 * TANH_075), p1 = -2 * (1 - TANH_05 * TANH_05);
        assertArrayEquals(new float[]{p0 + 6, p1 - 3}, du, 1e-6f);          // Σ_s pre
        assertArrayEquals(new float[]{p0, p1, 6, -3}, dw, 1e-6f);           // pre of each key
        assertArrayEquals(new float[]{2 * TANH_075, -2 * TANH_05}, dv, 1e-6f);   // 2·h_0 + 3·h_1
    }

    @Test
    void aLaterForwardIsANewPassAndTheBackwardOverwritesItsOutputs() {
        float[] u = {0.5f, -1f}, w = {0.25f, 0.5f, -0.5f, 1f}, v = {2f, -1f}, e = new float[2];
        AdditiveScores kernel = new AdditiveScores();
        long first = kernel.forward(u, w, v, 1, 1, 2, 2, null, null, e);
        assertEquals(first + 1, kernel.forward(u, w, v, 1, 1, 2, 2, null, null, e));
        float[] du = {9f, 9f}, dw = {9f, 9f, 9f, 9f}, dv = {9f, 9f};
        kernel.backward(new float[]{0f, 0f}, v, du, dw, dv);   // zero dE: zero gradients, whatever the arrays held
        assertArrayEquals(new float[2], du);
        assertArrayEquals(new float[4], dw);
        assertArrayEquals(new float[2], dv);
    }
    @Test
    void aMaskedSourcePositionIsNeitherScoredNorBackpropagated() {
        // the case above with key 1 masked: its score stays 0 and its (nonzero) dE is not read
        float[] u = {0.5f, -1f}, w = {0.25f, 0.5f, -0.5f, 1f}, v = {2f, -1f}, e = {9f, 9f};
        AdditiveScores kernel = new AdditiveScores();
        kernel.forward(u, w, v, 1, 1, 2, 2, null, new float[]{1f, 0f}, e);
        assertEquals(2 * TANH_075 + TANH_05, e[0], 1e-6);
        assertEquals(0f, e[1], 0f);
        float[] du = new float[2], dw = new float[4], dv = new float[2];
        kernel.backward(new float[]{2f, 3f}, v, du, dw, dv);
        float p0 = 4 * (1 - TANH_075 * TANH_075), p1 = -2 * (1 - TANH_05 * TANH_05);
        assertArrayEquals(new float[]{p0, p1}, du, 1e-6f);
        assertArrayEquals(new float[]{p0, p1, 0, 0}, dw, 1e-6f);
        assertArrayEquals(new float[]{2 * TANH_075, -2 * TANH_05}, dv, 1e-6f);
        // a masked decoder step: nothing scored, nothing back
        kernel.forward(u, w, v, 1, 1, 2, 2, new float[]{0f}, null, e);
        assertArrayEquals(new float[2], e);
        kernel.backward(new float[]{2f, 3f}, v, du, dw, dv);
        assertArrayEquals(new float[2], dv);
    }
}
