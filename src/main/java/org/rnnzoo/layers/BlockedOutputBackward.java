package org.rnnzoo.layers;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The output layer's two backward products, dW = dzᵀ·x and dx = dz·Wᵀ, as one pass over the
 * vocabulary in blocks of {@link #BLOCK} columns (Vector API; loaded only when the JVM has
 * {@code jdk.incubator.vector}). Each lane takes half the vocabulary: its dW rows are its own, its
 * dx is a partial sum that the caller adds to the other lane's.
 *
 * <p>Why not two gemm calls (what the layer does without the Vector API): at PTB-small the logit
 * gradient dz is [400, 10k] = 16 MB, and each gemm streams all of it; OpenBLAS 0.3.19 (ND4J M2.1's)
 * ran dW at ~66 GFLOP/s per lane with both lanes busy. Here each block of dz (400 × 128, 200 KB) is
 * copied to the heap once and used by both products while it sits in L2, next to the block of W and
 * all of x (both padded to whole vectors, so the micro-kernels have no tails). The micro-kernels keep
 * a 4 × 4-vector tile of the result in registers and broadcast one operand: 16 FMAs per 4 vector
 * loads and 4 broadcasts (~85–100 GFLOP/s per lane on heap arrays). The gain is modest: in a PTB-small
 * training step the pair took 20.9 ms against the gemms' 22.2 (same dz, alternating), and the step
 * 50.8 against 52.5 ms (medians of 16 alternating blocks; docs/performance.md, seventh session).
 *
 * <p>Layouts (all row-major, as the layer holds them): x [n, nIn]; dz [n, v]; W and dW stored as
 * [v, nIn] (DL4J's 'f'-ordered [nIn, v] parameter views); dx [n, nIn].
 */
final class BlockedOutputBackward {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vocabulary columns per block: dz's block (n × 128 floats) and W's (128 × nIn) stay in L2. */
    static final int BLOCK = 128;
    /** Rows (of dx) or columns (of dW) per register tile. */
    private static final int R = 4;

    private final int n, nIn, np, kp;
    private final float[] xp;              // x, rows padded to np, columns to kp (zeros)
    private final float[][] dzb, wb, dwb;  // per lane: dz block [np × BLOCK], W block and dW block [BLOCK × kp]
    private final float[][] dxp;           // per lane: partial dx [np × kp]

    BlockedOutputBackward(int n, int nIn) {
        this.n = n;
        this.nIn = nIn;
        this.np = roundUp(n, R);
        this.kp = roundUp(nIn, L);
        xp = new float[np * kp];
        dzb = new float[2][np * BLOCK];
        wb = new float[2][BLOCK * kp];
        dwb = new float[2][BLOCK * kp];
        dxp = new float[2][np * kp];
    }

    boolean fits(int n, int nIn) { return this.n == n && this.nIn == nIn; }

    /**
     * Both products for {@code lanes} lanes (1 or 2): x at {@code x[xOff…]}, dz at {@code dz[dzOff…]}
     * ([n, v]), W at {@code w[wOff…]} ([v, nIn]); dW written to {@code dw[dwOff…]}, dx to
     * {@code dx[dxOff…]} ([n, nIn], row-major).
     */
    void run(FloatBuffer x, long xOff, FloatBuffer dz, long dzOff, int v, FloatBuffer w, long wOff,
             FloatBuffer dw, long dwOff, FloatBuffer dx, long dxOff, int lanes) {
        for (int r = 0; r < n; r++) x.get((int) (xOff + (long) r * nIn), xp, r * kp, nIn);
        // absolute bulk gets and puts: the lanes share the buffers without touching their positions
        TwoLanes.run((phase, lane) -> lane(dz, dzOff, v, w, wOff, dw, dwOff, v * lane / lanes, v * (lane + 1) / lanes, lane),
                0, lanes);
        float[] sum = dxp[0];                        // the lanes' partial sums, added into lane 0's rows
        for (int r = 0; r < n; r++) {
            if (lanes > 1) for (int k = r * kp, end = k + nIn; k < end; k++) sum[k] += dxp[1][k];
            dx.put((int) (dxOff + (long) r * nIn), sum, r * kp, nIn);
        }
    }

    /** One lane: vocabulary columns [c0, c1). */
    private void lane(FloatBuffer dz, long dzOff, int v, FloatBuffer w, long wOff, FloatBuffer dw, long dwOff,
                      int c0, int c1, int lane) {
        float[] dzb = this.dzb[lane], wb = this.wb[lane], dwb = this.dwb[lane], dxp = this.dxp[lane];
        Arrays.fill(dxp, 0f);
        for (int cb = c0; cb < c1; cb += BLOCK) {
            int bc = Math.min(BLOCK, c1 - cb), bcp = roundUp(bc, R);
            for (int r = 0; r < n; r++) {
                dz.get((int) (dzOff + (long) r * v + cb), dzb, r * BLOCK, bc);
                if (bcp > bc) Arrays.fill(dzb, r * BLOCK + bc, r * BLOCK + bcp, 0f);
            }
            for (int c = 0; c < bc; c++) w.get((int) (wOff + (long) (cb + c) * nIn), wb, c * kp, nIn);
            if (bcp > bc) Arrays.fill(wb, bc * kp, bcp * kp, 0f);   // a stale NaN times a padded zero is still NaN
            for (int c = 0; c < bcp; c += R) {          // dW rows cb+c… = dz[:, c…]ᵀ · x
                int k = 0;
                for (; kp - k >= 4 * L; k += 4 * L) transposedTile4(dzb, BLOCK, c, xp, kp, k, np, dwb, kp);
                for (; k < kp; k += L) transposedTile1(dzb, BLOCK, c, xp, kp, k, np, dwb, kp);
            }
            for (int c = 0; c < bc; c++) dw.put((int) (dwOff + (long) (cb + c) * nIn), dwb, c * kp, nIn);
            for (int r = 0; r < np; r += R) {           // dx rows r… += dz[r…, block] · W[block]
                int k = 0;
                for (; kp - k >= 4 * L; k += 4 * L) accumulateTile4(dzb, BLOCK, r, bcp, wb, kp, k, dxp, kp);
                for (; k < kp; k += L) accumulateTile1(dzb, BLOCK, r, bcp, wb, kp, k, dxp, kp);
            }
        }
    }

    // The k loops above take 4-vector tiles while four vectors are left, then single vectors
    // (nIn = 200 → 13 vectors = 3 × 4 + 1). A 4 × 5 tile for the last five was ~3% faster alone, not
    // worth two more unrolled kernels; 8 × 2, 8 × 3 and 6 × 4 tiles were no faster than 4 × 4.

    /** c[(c0+i)·ldc + k + j·L] = Σ_r a[r·lda + c0 + i] · b[r·ldb + k + j·L] for i, j < 4. */
    static void transposedTile4(float[] a, int lda, int c0, float[] b, int ldb, int k, int rows, float[] c, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c02 = FloatVector.zero(S), c03 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S), c12 = FloatVector.zero(S), c13 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c22 = FloatVector.zero(S), c23 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S), c32 = FloatVector.zero(S), c33 = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int bo = r * ldb + k, ao = r * lda + c0;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector e = FloatVector.broadcast(S, a[ao]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02); c03 = b3.fma(e, c03);
            e = FloatVector.broadcast(S, a[ao + 1]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12); c13 = b3.fma(e, c13);
            e = FloatVector.broadcast(S, a[ao + 2]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22); c23 = b3.fma(e, c23);
            e = FloatVector.broadcast(S, a[ao + 3]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32); c33 = b3.fma(e, c33);
        }
        int o = c0 * ldc + k;
        c00.intoArray(c, o); c01.intoArray(c, o + L); c02.intoArray(c, o + 2 * L); c03.intoArray(c, o + 3 * L);
        o += ldc;
        c10.intoArray(c, o); c11.intoArray(c, o + L); c12.intoArray(c, o + 2 * L); c13.intoArray(c, o + 3 * L);
        o += ldc;
        c20.intoArray(c, o); c21.intoArray(c, o + L); c22.intoArray(c, o + 2 * L); c23.intoArray(c, o + 3 * L);
        o += ldc;
        c30.intoArray(c, o); c31.intoArray(c, o + L); c32.intoArray(c, o + 2 * L); c33.intoArray(c, o + 3 * L);
    }

    /** {@link #transposedTile4} for one vector of columns (j = 0). */
    static void transposedTile1(float[] a, int lda, int c0, float[] b, int ldb, int k, int rows, float[] c, int ldc) {
        FloatVector c0v = FloatVector.zero(S), c1v = FloatVector.zero(S), c2v = FloatVector.zero(S), c3v = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            int ao = r * lda + c0;
            FloatVector b0 = FloatVector.fromArray(S, b, r * ldb + k);
            c0v = b0.fma(FloatVector.broadcast(S, a[ao]), c0v);
            c1v = b0.fma(FloatVector.broadcast(S, a[ao + 1]), c1v);
            c2v = b0.fma(FloatVector.broadcast(S, a[ao + 2]), c2v);
            c3v = b0.fma(FloatVector.broadcast(S, a[ao + 3]), c3v);
        }
        int o = c0 * ldc + k;
        c0v.intoArray(c, o); c1v.intoArray(c, o + ldc); c2v.intoArray(c, o + 2 * ldc); c3v.intoArray(c, o + 3 * ldc);
    }

    /** c[(r0+i)·ldc + k + j·L] += Σ_{q<depth} a[(r0+i)·lda + q] · b[q·ldb + k + j·L] for i, j < 4. */
    static void accumulateTile4(float[] a, int lda, int r0, int depth, float[] b, int ldb, int k, float[] c, int ldc) {
        int o0 = r0 * ldc + k, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L),
                c02 = FloatVector.fromArray(S, c, o0 + 2 * L), c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L),
                c12 = FloatVector.fromArray(S, c, o1 + 2 * L), c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L),
                c22 = FloatVector.fromArray(S, c, o2 + 2 * L), c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L),
                c32 = FloatVector.fromArray(S, c, o3 + 2 * L), c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        int a0 = r0 * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            int bo = q * ldb + k;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L);
            FloatVector e = FloatVector.broadcast(S, a[a0 + q]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02); c03 = b3.fma(e, c03);
            e = FloatVector.broadcast(S, a[a1 + q]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12); c13 = b3.fma(e, c13);
            e = FloatVector.broadcast(S, a[a2 + q]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22); c23 = b3.fma(e, c23);
            e = FloatVector.broadcast(S, a[a3 + q]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32); c33 = b3.fma(e, c33);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L);
    }

    /** {@link #accumulateTile4} for one vector of columns (j = 0). */
    static void accumulateTile1(float[] a, int lda, int r0, int depth, float[] b, int ldb, int k, float[] c, int ldc) {
        int o0 = r0 * ldc + k, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c0v = FloatVector.fromArray(S, c, o0), c1v = FloatVector.fromArray(S, c, o1),
                c2v = FloatVector.fromArray(S, c, o2), c3v = FloatVector.fromArray(S, c, o3);
        int a0 = r0 * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            FloatVector b0 = FloatVector.fromArray(S, b, q * ldb + k);
            c0v = b0.fma(FloatVector.broadcast(S, a[a0 + q]), c0v);
            c1v = b0.fma(FloatVector.broadcast(S, a[a1 + q]), c1v);
            c2v = b0.fma(FloatVector.broadcast(S, a[a2 + q]), c2v);
            c3v = b0.fma(FloatVector.broadcast(S, a[a3 + q]), c3v);
        }
        c0v.intoArray(c, o0); c1v.intoArray(c, o1); c2v.intoArray(c, o2); c3v.intoArray(c, o3);
    }

    private static int roundUp(int a, int m) { return (a + m - 1) / m * m; }
}
