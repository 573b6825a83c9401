package org.rnnzoo.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The output layer's training pass — logits, softmax cross-entropy, and the gradients dW, db, dx —
 * over the vocabulary in blocks of {@link #BLOCK} columns (Vector API; loaded only when the JVM has
 * {@code jdk.incubator.vector}). Each lane takes half the vocabulary.
 *
 * <p>Why: at PTB-small the logits are [400, 10k] = 16 MB. The gemm-then-softmax pipeline went over
 * them five times a step (the gemm wrote them, three softmax passes read and wrote them, the
 * backward pass copied them into L2-sized blocks) and computed exp twice. Here each block of logits
 * (128 columns × all rows, 200 KB) is made with the bias and its row maxima in the product kernel,
 * turned into exponentials and folded into running row sums (the "online" softmax) while in L2,
 * and in the backward pass turned into dz with one multiply per entry and used by both products.
 * (docs/performance.md#output-layer-blocked-softmax)
 *
 * <p>Layouts: the logits are held transposed, {@code [column][row]} per block, so every softmax
 * step runs along rows with whole vectors and no horizontal reductions (the row statistics are
 * vectors too). Products, all with 4 × 4-vector register tiles:
 * <ul>
 *   <li>logitsᵀ(block) = W(block) · xᵀ — broadcast W, vectors along rows;</li>
 *   <li>dW(block) = dzᵀ(block) · x — broadcast dzᵀ, vectors along nIn;</li>
 *   <li>dx += dz(block) · W(block) — broadcast dzᵀ down a column, vectors along nIn.</li>
 * </ul>
 * Inputs (row-major, as the layer holds them): x [n, nIn]; W stored as [v, nIn] (DL4J's 'f'-ordered
 * [nIn, v] parameter view); outputs dW [v, nIn], dx [n, nIn], db [v].
 *
 * <p>Masked rows (target −1) and the padding rows get a log-sum-exp of +∞, and the padding columns
 * of a lane's last block a bias of −∞, so their probabilities are exactly 0 and they add nothing to
 * the maxima, the sums or any gradient.
 */
public final class BlockedSoftmaxLoss {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Vocabulary columns per block: the block's logits (128 × n floats) and W (128 × nIn) stay in L2. */
    static final int BLOCK = 128;
    /** Rows per register tile. */
    private static final int R = 4;
    /**
     * Bytes of a kernel's b operand that one run over a block's tiles may read: the three products
     * (logits, dW, dx) walk their depth in chunks this size or less, so the chunk of the shared panel
     * stays in L1 while every tile of the block reuses it (see {@link #depthChunk};
     * docs/performance.md#output-layer-blocked-softmax-tiles).
     */
    static final int PANEL_CHUNK_BYTES = Switches.PANEL_CHUNK_BYTES;

    private final int n, nIn, v, lanes, np, kp, panelChunkBytes;
    /** False for a scoring-only instance: it keeps nothing for {@link #backward} (no x and W panels for dW and dx). */
    private final boolean backward;
    private final Panels rowPanels, kPanels;  // how the np rows and the kp inputs are cut into tiles and panels (see Panels)
    private final int[] c0, blocks;          // per lane: first column, number of blocks
    private final float[] xp, xt;            // x [np × kp] and xᵀ [kp × np], zero padded, in panels
    private final float[][] wh, wp, lt;      // per lane: W rows [blocks × BLOCK × kp], plain and in panels; logitsᵀ [blocks × BLOCK × np]
    private final float[][] rowMax, rowSum;  // per lane: running softmax statistics [np]
    private final float[][] blockMax, shift; // per lane: the block's row maxima [np]; each block's exp shift [blocks × np]
    private final float[][] biasp;           // per lane: its bias, −∞ past the vocabulary [blocks × BLOCK]
    private final float[][] scale;           // per lane: exp(shift − lse) of one block [np]
    private final float[] targetLogit;       // [n] the target's logit of each row
    private final float[][] dwb, dxp;        // per lane: one block of dW [BLOCK × kp]; partial dx [np × kp]
    private final float[] lse;               // [np] log Σ exp(logits) of a row; +∞ where masked or padding
    private int[] targets;

    public BlockedSoftmaxLoss(int n, int nIn, int v, int lanes) {
        this(n, nIn, v, lanes, PANEL_CHUNK_BYTES, true);
    }

    /**
     * Forward only, for scoring: the same logits, log-sum-exps and target NLLs bit for bit, without
     * packing x and W a second time for a backward pass that never comes.
     */
    public static BlockedSoftmaxLoss forScoring(int n, int nIn, int v, int lanes) {
        return new BlockedSoftmaxLoss(n, nIn, v, lanes, PANEL_CHUNK_BYTES, false);
    }

    /** With the b-panel chunk budget given (tests: any budget gives the same bits). */
    public BlockedSoftmaxLoss(int n, int nIn, int v, int lanes, int panelChunkBytes) {
        this(n, nIn, v, lanes, panelChunkBytes, true);
    }

    private BlockedSoftmaxLoss(int n, int nIn, int v, int lanes, int panelChunkBytes, boolean backward) {
        this.backward = backward;
        if (panelChunkBytes < 4 * L * 5) throw new IllegalArgumentException("panel chunk budget " + panelChunkBytes + " bytes is under one row of a panel");
        this.panelChunkBytes = panelChunkBytes;
        this.n = n;
        this.nIn = nIn;
        this.v = v;
        this.lanes = lanes;
        np = roundUp(n, L);
        kp = roundUp(nIn, L);
        rowPanels = new Panels(np, false);
        kPanels = new Panels(kp, true);
        xp = backward ? new float[np * kp] : new float[0];
        xt = new float[kp * np];
        c0 = new int[lanes];
        blocks = new int[lanes];
        wh = new float[lanes][];
        wp = new float[lanes][];
        lt = new float[lanes][];
        rowMax = new float[lanes][np];
        rowSum = new float[lanes][np];
        blockMax = new float[lanes][np];
        scale = new float[lanes][np];
        shift = new float[lanes][];
        biasp = new float[lanes][];
        targetLogit = new float[n];
        dwb = new float[lanes][backward ? BLOCK * kp : 0];
        dxp = new float[lanes][backward ? np * kp : 0];
        for (int lane = 0; lane < lanes; lane++) {
            c0[lane] = v * lane / lanes;
            blocks[lane] = (v * (lane + 1) / lanes - c0[lane] + BLOCK - 1) / BLOCK;
            wh[lane] = new float[blocks[lane] * BLOCK * kp];     // padding stays zero: only [c < bc][k < nIn] is ever written
            wp[lane] = new float[backward ? blocks[lane] * BLOCK * kp : 0];
            lt[lane] = new float[blocks[lane] * BLOCK * np];
            shift[lane] = new float[blocks[lane] * np];
            biasp[lane] = new float[blocks[lane] * BLOCK];
        }
        lse = new float[np];
    }

    public boolean fits(int n, int nIn, int v, int lanes) {
        return this.n == n && this.nIn == nIn && this.v == v && this.lanes == lanes;
    }

    /**
     * Logits x·W + b of every row, their softmax statistics, and the summed negative log-likelihood
     * of the targets (−1: masked, not counted). Keeps what {@link #backward} needs.
     */
    public double forward(FloatBuffer x, long xOff, FloatBuffer w, long wOff, float[] bias, int[] targets) {
        this.targets = targets;
        TwoLanes.run((phase, lane) -> {                // each lane packs half the rows; both need all of them after
            float[] row = new float[nIn];
            for (int r = n * lane / lanes, end = n * (lane + 1) / lanes; r < end; r++) {
                x.get((int) (xOff + (long) r * nIn), row, 0, nIn);
                for (int k = 0; k < nIn; k++) {
                    if (backward) xp[kPanels.at(np, r, k)] = row[k];
                    xt[rowPanels.at(kp, k, r)] = row[k];
                }
            }
        }, 0, lanes);
        TwoLanes.run((phase, lane) -> forwardLane(w, wOff, bias, lane), 1, lanes);
        double nll = 0;
        for (int r = 0; r < np; r++) {
            if (r >= n || targets[r] < 0) {
                lse[r] = Float.POSITIVE_INFINITY;
                continue;
            }
            float m = rowMax[0][r];
            for (int lane = 1; lane < lanes; lane++) m = Math.max(m, rowMax[lane][r]);
            double s = 0;
            for (int lane = 0; lane < lanes; lane++) s += rowSum[lane][r] * Math.exp(rowMax[lane][r] - m);
            double logSumExp = m + Math.log(s);
            lse[r] = (float) logSumExp;
            nll += logSumExp - targetLogit[r];
        }
        return nll;
    }

    /** Row r's negative log-likelihood in the last {@link #forward}: its log-sum-exp less its target's logit (+∞ if masked). */
    public double rowNll(int r) { return (double) lse[r] - targetLogit[r]; }

    private void forwardLane(FloatBuffer w, long wOff, float[] bias, int lane) {
        float[] wh = this.wh[lane], wp = this.wp[lane], lt = this.lt[lane], max = rowMax[lane], sum = rowSum[lane],
                bmax = blockMax[lane], bp = biasp[lane];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        Arrays.fill(sum, 0f);
        int end = v * (lane + 1) / lanes;
        // padding columns get a bias of −∞: their logits drop out of the max, and their exp is 0
        Arrays.fill(bp, Float.NEGATIVE_INFINITY);
        System.arraycopy(bias, c0[lane], bp, 0, end - c0[lane]);
        for (int blk = 0; blk < blocks[lane]; blk++) {
            int cb = c0[lane] + blk * BLOCK, bc = Math.min(BLOCK, end - cb), bcp = roundUp(bc, R);
            int wo = blk * BLOCK * kp, lo = blk * BLOCK * np;
            for (int c = 0; c < bc; c++) {
                w.get((int) (wOff + (long) (cb + c) * nIn), wh, wo + c * kp, nIn);
                if (backward) for (int p = 0; p < kPanels.count; p++)     // the same row in panels, for the backward dx product
                    System.arraycopy(wh, wo + c * kp + kPanels.start[p], wp, wo + kPanels.at(BLOCK, c, kPanels.start[p]), kPanels.width[p]);
            }
            Arrays.fill(bmax, Float.NEGATIVE_INFINITY);
            // logitsᵀ rows c… = b[c…] + W[c…] · xᵀ, and their row maxima: a chunk of a panel of xᵀ at a
            // time for every tile of the block; the bias starts a sum, the last chunk takes the maxima
            for (int p = 0; p < rowPanels.count; p++) {
                int j = rowPanels.start[p], width = rowPanels.width[p], chunk = depthChunk(nIn, width);
                for (int q0 = 0; q0 < nIn; q0 += chunk) {
                    int depth = Math.min(chunk, nIn - q0);
                    boolean first = q0 == 0, last = q0 + depth == nIn;
                    for (int c = 0; c < bcp; c += R)
                        rowsTile(rowPanels.vectors[p], wh, kp, wo + c * kp + q0, depth, xt, width, j * kp + q0 * width,
                                lt, np, lo + c * np + j, !first, first ? bp : null, blk * BLOCK + c, last ? bmax : null, j);
                }
            }
            for (int r = 0; r < n; r++) {                 // the targets' logits, before they become exponentials
                int t = targets[r] - cb;
                if (t >= 0 && t < bc) targetLogit[r] = lt[lo + t * np + r];
            }
            for (int j = 0; j < np; j += L) exponentials(lt, lo, bcp, j, bmax, max, sum, shift[lane], blk * np);
        }
    }

    /**
     * A block's logits (rows j…j+L, columns c &lt; bcp) → exp(z − m), m the running max including this
     * block, kept as the block's shift; the running sum rescaled to m and the block's exponentials
     * added. The backward pass turns them into probabilities with one multiply, exp(m − lse).
     */
    private void exponentials(float[] lt, int lo, int bcp, int j, float[] bmax, float[] max, float[] sum, float[] shift, int so) {
        FloatVector m = FloatVector.fromArray(S, max, j);
        FloatVector mNew = m.max(FloatVector.fromArray(S, bmax, j));
        // exp(−∞ − finite) = 0 rescales the empty sum of the first block
        FloatVector s = FloatVector.fromArray(S, sum, j).mul(m.sub(mNew).lanewise(VectorOperators.EXP));
        for (int c = 0, o = lo + j; c < bcp; c++, o += np) {
            FloatVector e = FloatVector.fromArray(S, lt, o).sub(mNew).lanewise(VectorOperators.EXP);
            e.intoArray(lt, o);
            s = s.add(e);
        }
        mNew.intoArray(max, j);
        mNew.intoArray(shift, so + j);
        s.intoArray(sum, j);
    }

    /**
     * dW ([v, nIn] at {@code dw[dwOff…]}), db ([v]) and dx ([n, nIn] at {@code dx[dxOff…]}) of the
     * summed loss of the last {@link #forward}.
     */
    public void backward(FloatBuffer dw, long dwOff, float[] db, FloatBuffer dx, long dxOff) {
        if (!backward) throw new IllegalStateException("a scoring-only BlockedSoftmaxLoss keeps nothing for backward");
        TwoLanes.run((phase, lane) -> backwardLane(dw, dwOff, db, lane), 0, lanes);
        float[] total = dxp[0];                        // the lanes' partial sums, added into lane 0's rows, half the rows each
        TwoLanes.run((phase, half) -> {
            for (int r = n * half / lanes, end = n * (half + 1) / lanes; r < end; r++) {
                for (int lane = 1; lane < lanes; lane++) for (int k = r * kp, e = k + nIn; k < e; k++) total[k] += dxp[lane][k];
                dx.put((int) (dxOff + (long) r * nIn), total, r * kp, nIn);
            }
        }, 1, lanes);
    }

    private void backwardLane(FloatBuffer dw, long dwOff, float[] db, int lane) {
        float[] wp = this.wp[lane], lt = this.lt[lane], dwb = this.dwb[lane], dxp = this.dxp[lane], f = scale[lane], sh = shift[lane];
        Arrays.fill(dxp, 0f);
        int end = v * (lane + 1) / lanes;
        for (int blk = 0; blk < blocks[lane]; blk++) {
            int cb = c0[lane] + blk * BLOCK, bc = Math.min(BLOCK, end - cb), bcp = roundUp(bc, R);
            int wo = blk * BLOCK * kp, lo = blk * BLOCK * np;
            for (int j = 0; j < np; j += L)              // lse = +∞ (masked, padding): 0
                FloatVector.fromArray(S, sh, blk * np + j).sub(FloatVector.fromArray(S, lse, j)).lanewise(VectorOperators.EXP).intoArray(f, j);
            for (int c = 0; c < bc; c++) db[cb + c] = probabilities(lt, lo + c * np, f);  // padding columns are 0 already
            for (int r = 0; r < n; r++) {                 // dz = p − onehot(target)
                int t = targets[r] - cb;
                if (t >= 0 && t < bc) {
                    lt[lo + t * np + r] -= 1f;
                    db[cb + t] -= 1f;
                }
            }
            for (int p = 0; p < kPanels.count; p++) {   // dW rows c… = dzᵀ[c…] · x, a chunk of a panel of x at a time
                int k = kPanels.start[p], width = kPanels.width[p], chunk = depthChunk(np, width);
                for (int q0 = 0; q0 < np; q0 += chunk) {
                    int depth = Math.min(chunk, np - q0);
                    for (int c = 0; c < bcp; c += R)
                        rowsTile(kPanels.vectors[p], lt, np, lo + c * np + q0, depth, xp, width, k * np + q0 * width,
                                dwb, kp, c * kp + k, q0 > 0, null, 0, null, 0);
                }
            }
            for (int c = 0; c < bc; c++) dw.put((int) (dwOff + (long) (cb + c) * nIn), dwb, c * kp, nIn);
            // dx rows r… += dz[r…, block] · W(block), a chunk of a panel of W at a time
            // (docs/performance.md#output-layer-blocked-softmax-tiles)
            for (int p = 0; p < kPanels.count; p++) {
                int k = kPanels.start[p], vectors = kPanels.vectors[p], width = kPanels.width[p], chunk = depthChunk(bc, width);
                for (int q0 = 0; q0 < bc; q0 += chunk) {
                    int depth = Math.min(chunk, bc - q0);
                    for (int r = 0; r < np; r += R)
                        columnsTile(vectors, lt, np, lo + q0 * np + r, depth, wp, width, wo + k * BLOCK + q0 * width, dxp, kp, r * kp + k);
                }
            }
        }
    }

    /**
     * The depth of a chunk of a [depth × width] panel that fits the budget, equal chunks. Why: a panel
     * row is 4–5 vectors, so a whole panel of xᵀ (200 deep) or of x (400 deep) is 51–128 KB, more than
     * L1, and each tile of a block re-read it from L2; a tile's sums continue from chunk to chunk in
     * the same order (stored and reloaded exactly), so the products are bit for bit the same.
     */
    int depthChunk(int depth, int width) {
        int chunks = (int) Math.max(1, ((long) depth * width * Float.BYTES + panelChunkBytes - 1) / panelChunkBytes);
        return (depth + chunks - 1) / chunks;
    }

    /** One column's exponentials (all rows, at lt[o…]) → probabilities, times the rows' factors f, in place; returns their sum. */
    private float probabilities(float[] lt, int o, float[] f) {
        FloatVector s = FloatVector.zero(S);
        for (int j = 0; j < np; j += L) {
            FloatVector p = FloatVector.fromArray(S, lt, o + j).mul(FloatVector.fromArray(S, f, j));
            p.intoArray(lt, o + j);
            s = s.add(p);
        }
        return s.reduceLanes(VectorOperators.ADD);
    }

    // The two kernels. Tiles of 4 rows × 4 or 5 vectors keep 16 or 20 sums in registers, enough
    // independent sums for the FMA units; 4 × 3 and 4 × 1 take the leftovers of a width (see Panels;
    // docs/performance.md#output-layer-blocked-softmax-tiles). Offsets are absolute: aAt is a's first row (or column) of the
    // tile, bAt b's first column, cAt c's first entry.

    static void rowsTile(int vectors, float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                                 float[] c, int ldc, int cAt, boolean more, float[] init, int initAt, float[] max, int maxAt) {
        switch (vectors) {
            case 5 -> rowsTile5(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt, more, init, initAt, max, maxAt);
            case 4 -> rowsTile4(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt, more, init, initAt, max, maxAt);
            case 3 -> rowsTile3(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt, more, init, initAt, max, maxAt);
            default -> rowsTile1(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt, more, init, initAt, max, maxAt);
        }
    }

    static void columnsTile(int vectors, float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                                    float[] c, int ldc, int cAt) {
        switch (vectors) {
            case 5 -> columnsTile5(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt);
            case 4 -> columnsTile4(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt);
            case 3 -> columnsTile3(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt);
            default -> columnsTile1(a, lda, aAt, depth, b, ldb, bAt, c, ldc, cAt);
        }
    }

    /**
     * c[cAt + i·ldc + j·L…] = init[initAt + i] + Σ_{q<depth} a[aAt + i·lda + q] · b[q·ldb + bAt + j·L…],
     * i, j &lt; 4 (init null: 0; {@code more}: c's own values, the sums of an earlier chunk of the depth,
     * continued in the same order); with max not null, max[maxAt + j·L…] also takes the tile's column maxima.
     */
    static void rowsTile4(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                          float[] c, int ldc, int cAt, boolean more, float[] init, int initAt, float[] max, int maxAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
        if (init != null) {
            c00 = FloatVector.broadcast(S, init[initAt]);
            c10 = FloatVector.broadcast(S, init[initAt + 1]);
            c20 = FloatVector.broadcast(S, init[initAt + 2]);
            c30 = FloatVector.broadcast(S, init[initAt + 3]);
        }
        FloatVector c01 = c00, c02 = c00, c03 = c00, c11 = c10, c12 = c10, c13 = c10,
                c21 = c20, c22 = c20, c23 = c20, c31 = c30, c32 = c30, c33 = c30;
        if (more) {                                  // a later chunk of the depth: go on from the stored sums
            c00 = FloatVector.fromArray(S, c, o0); c01 = FloatVector.fromArray(S, c, o0 + L); c02 = FloatVector.fromArray(S, c, o0 + 2 * L); c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
            c10 = FloatVector.fromArray(S, c, o1); c11 = FloatVector.fromArray(S, c, o1 + L); c12 = FloatVector.fromArray(S, c, o1 + 2 * L); c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
            c20 = FloatVector.fromArray(S, c, o2); c21 = FloatVector.fromArray(S, c, o2 + L); c22 = FloatVector.fromArray(S, c, o2 + 2 * L); c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
            c30 = FloatVector.fromArray(S, c, o3); c31 = FloatVector.fromArray(S, c, o3 + L); c32 = FloatVector.fromArray(S, c, o3 + 2 * L); c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        }
        int a0 = aAt, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            int bo = q * ldb + bAt;
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
        if (max != null) {
            FloatVector.fromArray(S, max, maxAt).max(c00.max(c10).max(c20.max(c30))).intoArray(max, maxAt);
            FloatVector.fromArray(S, max, maxAt + L).max(c01.max(c11).max(c21.max(c31))).intoArray(max, maxAt + L);
            FloatVector.fromArray(S, max, maxAt + 2 * L).max(c02.max(c12).max(c22.max(c32))).intoArray(max, maxAt + 2 * L);
            FloatVector.fromArray(S, max, maxAt + 3 * L).max(c03.max(c13).max(c23.max(c33))).intoArray(max, maxAt + 3 * L);
        }
    }

    /** {@link #rowsTile4} for five vectors (j &lt; 5). */
    static void rowsTile5(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                          float[] c, int ldc, int cAt, boolean more, float[] init, int initAt, float[] max, int maxAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
        if (init != null) {
            c00 = FloatVector.broadcast(S, init[initAt]);
            c10 = FloatVector.broadcast(S, init[initAt + 1]);
            c20 = FloatVector.broadcast(S, init[initAt + 2]);
            c30 = FloatVector.broadcast(S, init[initAt + 3]);
        }
        FloatVector c01 = c00, c02 = c00, c03 = c00, c04 = c00, c11 = c10, c12 = c10, c13 = c10, c14 = c10,
                c21 = c20, c22 = c20, c23 = c20, c24 = c20, c31 = c30, c32 = c30, c33 = c30, c34 = c30;
        if (more) {                                  // a later chunk of the depth: go on from the stored sums
            c00 = FloatVector.fromArray(S, c, o0); c01 = FloatVector.fromArray(S, c, o0 + L); c02 = FloatVector.fromArray(S, c, o0 + 2 * L); c03 = FloatVector.fromArray(S, c, o0 + 3 * L); c04 = FloatVector.fromArray(S, c, o0 + 4 * L);
            c10 = FloatVector.fromArray(S, c, o1); c11 = FloatVector.fromArray(S, c, o1 + L); c12 = FloatVector.fromArray(S, c, o1 + 2 * L); c13 = FloatVector.fromArray(S, c, o1 + 3 * L); c14 = FloatVector.fromArray(S, c, o1 + 4 * L);
            c20 = FloatVector.fromArray(S, c, o2); c21 = FloatVector.fromArray(S, c, o2 + L); c22 = FloatVector.fromArray(S, c, o2 + 2 * L); c23 = FloatVector.fromArray(S, c, o2 + 3 * L); c24 = FloatVector.fromArray(S, c, o2 + 4 * L);
            c30 = FloatVector.fromArray(S, c, o3); c31 = FloatVector.fromArray(S, c, o3 + L); c32 = FloatVector.fromArray(S, c, o3 + 2 * L); c33 = FloatVector.fromArray(S, c, o3 + 3 * L); c34 = FloatVector.fromArray(S, c, o3 + 4 * L);
        }
        int a0 = aAt, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            int bo = q * ldb + bAt;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L),
                    b4 = FloatVector.fromArray(S, b, bo + 4 * L);
            FloatVector e = FloatVector.broadcast(S, a[a0 + q]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02); c03 = b3.fma(e, c03); c04 = b4.fma(e, c04);
            e = FloatVector.broadcast(S, a[a1 + q]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12); c13 = b3.fma(e, c13); c14 = b4.fma(e, c14);
            e = FloatVector.broadcast(S, a[a2 + q]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22); c23 = b3.fma(e, c23); c24 = b4.fma(e, c24);
            e = FloatVector.broadcast(S, a[a3 + q]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32); c33 = b3.fma(e, c33); c34 = b4.fma(e, c34);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L); c04.intoArray(c, o0 + 4 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L); c14.intoArray(c, o1 + 4 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L); c24.intoArray(c, o2 + 4 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L); c34.intoArray(c, o3 + 4 * L);
        if (max != null) {
            FloatVector.fromArray(S, max, maxAt).max(c00.max(c10).max(c20.max(c30))).intoArray(max, maxAt);
            FloatVector.fromArray(S, max, maxAt + L).max(c01.max(c11).max(c21.max(c31))).intoArray(max, maxAt + L);
            FloatVector.fromArray(S, max, maxAt + 2 * L).max(c02.max(c12).max(c22.max(c32))).intoArray(max, maxAt + 2 * L);
            FloatVector.fromArray(S, max, maxAt + 3 * L).max(c03.max(c13).max(c23.max(c33))).intoArray(max, maxAt + 3 * L);
            FloatVector.fromArray(S, max, maxAt + 4 * L).max(c04.max(c14).max(c24.max(c34))).intoArray(max, maxAt + 4 * L);
        }
    }

    /** {@link #rowsTile4} for three vectors (j &lt; 3). */
    static void rowsTile3(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                          float[] c, int ldc, int cAt, boolean more, float[] init, int initAt, float[] max, int maxAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.zero(S), c10 = c00, c20 = c00, c30 = c00;
        if (init != null) {
            c00 = FloatVector.broadcast(S, init[initAt]);
            c10 = FloatVector.broadcast(S, init[initAt + 1]);
            c20 = FloatVector.broadcast(S, init[initAt + 2]);
            c30 = FloatVector.broadcast(S, init[initAt + 3]);
        }
        FloatVector c01 = c00, c02 = c00, c11 = c10, c12 = c10, c21 = c20, c22 = c20, c31 = c30, c32 = c30;
        if (more) {                                  // a later chunk of the depth: go on from the stored sums
            c00 = FloatVector.fromArray(S, c, o0); c01 = FloatVector.fromArray(S, c, o0 + L); c02 = FloatVector.fromArray(S, c, o0 + 2 * L);
            c10 = FloatVector.fromArray(S, c, o1); c11 = FloatVector.fromArray(S, c, o1 + L); c12 = FloatVector.fromArray(S, c, o1 + 2 * L);
            c20 = FloatVector.fromArray(S, c, o2); c21 = FloatVector.fromArray(S, c, o2 + L); c22 = FloatVector.fromArray(S, c, o2 + 2 * L);
            c30 = FloatVector.fromArray(S, c, o3); c31 = FloatVector.fromArray(S, c, o3 + L); c32 = FloatVector.fromArray(S, c, o3 + 2 * L);
        }
        int a0 = aAt, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            int bo = q * ldb + bAt;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector e = FloatVector.broadcast(S, a[a0 + q]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02);
            e = FloatVector.broadcast(S, a[a1 + q]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12);
            e = FloatVector.broadcast(S, a[a2 + q]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22);
            e = FloatVector.broadcast(S, a[a3 + q]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L);
        if (max != null) {
            FloatVector.fromArray(S, max, maxAt).max(c00.max(c10).max(c20.max(c30))).intoArray(max, maxAt);
            FloatVector.fromArray(S, max, maxAt + L).max(c01.max(c11).max(c21.max(c31))).intoArray(max, maxAt + L);
            FloatVector.fromArray(S, max, maxAt + 2 * L).max(c02.max(c12).max(c22.max(c32))).intoArray(max, maxAt + 2 * L);
        }
    }

    /** {@link #rowsTile4} for one vector (j = 0). */
    static void rowsTile1(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                          float[] c, int ldc, int cAt, boolean more, float[] init, int initAt, float[] max, int maxAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        if (init != null) {
            c0 = FloatVector.broadcast(S, init[initAt]);
            c1 = FloatVector.broadcast(S, init[initAt + 1]);
            c2 = FloatVector.broadcast(S, init[initAt + 2]);
            c3 = FloatVector.broadcast(S, init[initAt + 3]);
        }
        if (more) {                                  // a later chunk of the depth: go on from the stored sums
            c0 = FloatVector.fromArray(S, c, o0); c1 = FloatVector.fromArray(S, c, o1); c2 = FloatVector.fromArray(S, c, o2); c3 = FloatVector.fromArray(S, c, o3);
        }
        int a0 = aAt, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int q = 0; q < depth; q++) {
            FloatVector b0 = FloatVector.fromArray(S, b, q * ldb + bAt);
            c0 = b0.fma(FloatVector.broadcast(S, a[a0 + q]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[a1 + q]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[a2 + q]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[a3 + q]), c3);
        }
        c0.intoArray(c, o0); c1.intoArray(c, o1); c2.intoArray(c, o2); c3.intoArray(c, o3);
        if (max != null) FloatVector.fromArray(S, max, maxAt).max(c0.max(c1).max(c2.max(c3))).intoArray(max, maxAt);
    }

    /**
     * c[cAt + i·ldc + j·L…] += Σ_{q<depth} a[aAt + q·lda + i] · b[bAt + q·ldb + j·L…], i, j < 4: the
     * tile's four rows of c take their factors from four neighbouring entries of a column of a.
     */
    static void columnsTile4(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                             float[] c, int ldc, int cAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L),
                c02 = FloatVector.fromArray(S, c, o0 + 2 * L), c03 = FloatVector.fromArray(S, c, o0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L),
                c12 = FloatVector.fromArray(S, c, o1 + 2 * L), c13 = FloatVector.fromArray(S, c, o1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L),
                c22 = FloatVector.fromArray(S, c, o2 + 2 * L), c23 = FloatVector.fromArray(S, c, o2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L),
                c32 = FloatVector.fromArray(S, c, o3 + 2 * L), c33 = FloatVector.fromArray(S, c, o3 + 3 * L);
        for (int q = 0; q < depth; q++) {
            int ao = aAt + q * lda, bo = bAt + q * ldb;
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
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L);
    }

    /** {@link #columnsTile4} for five vectors (j &lt; 5). */
    static void columnsTile5(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                             float[] c, int ldc, int cAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L),
                c02 = FloatVector.fromArray(S, c, o0 + 2 * L), c03 = FloatVector.fromArray(S, c, o0 + 3 * L),
                c04 = FloatVector.fromArray(S, c, o0 + 4 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L),
                c12 = FloatVector.fromArray(S, c, o1 + 2 * L), c13 = FloatVector.fromArray(S, c, o1 + 3 * L),
                c14 = FloatVector.fromArray(S, c, o1 + 4 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L),
                c22 = FloatVector.fromArray(S, c, o2 + 2 * L), c23 = FloatVector.fromArray(S, c, o2 + 3 * L),
                c24 = FloatVector.fromArray(S, c, o2 + 4 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L),
                c32 = FloatVector.fromArray(S, c, o3 + 2 * L), c33 = FloatVector.fromArray(S, c, o3 + 3 * L),
                c34 = FloatVector.fromArray(S, c, o3 + 4 * L);
        for (int q = 0; q < depth; q++) {
            int ao = aAt + q * lda, bo = bAt + q * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L), b3 = FloatVector.fromArray(S, b, bo + 3 * L),
                    b4 = FloatVector.fromArray(S, b, bo + 4 * L);
            FloatVector e = FloatVector.broadcast(S, a[ao]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02); c03 = b3.fma(e, c03); c04 = b4.fma(e, c04);
            e = FloatVector.broadcast(S, a[ao + 1]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12); c13 = b3.fma(e, c13); c14 = b4.fma(e, c14);
            e = FloatVector.broadcast(S, a[ao + 2]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22); c23 = b3.fma(e, c23); c24 = b4.fma(e, c24);
            e = FloatVector.broadcast(S, a[ao + 3]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32); c33 = b3.fma(e, c33); c34 = b4.fma(e, c34);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L); c03.intoArray(c, o0 + 3 * L); c04.intoArray(c, o0 + 4 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L); c13.intoArray(c, o1 + 3 * L); c14.intoArray(c, o1 + 4 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L); c23.intoArray(c, o2 + 3 * L); c24.intoArray(c, o2 + 4 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L); c33.intoArray(c, o3 + 3 * L); c34.intoArray(c, o3 + 4 * L);
    }

    /** {@link #columnsTile4} for three vectors (j &lt; 3). */
    static void columnsTile3(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                             float[] c, int ldc, int cAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c00 = FloatVector.fromArray(S, c, o0), c01 = FloatVector.fromArray(S, c, o0 + L),
                c02 = FloatVector.fromArray(S, c, o0 + 2 * L);
        FloatVector c10 = FloatVector.fromArray(S, c, o1), c11 = FloatVector.fromArray(S, c, o1 + L),
                c12 = FloatVector.fromArray(S, c, o1 + 2 * L);
        FloatVector c20 = FloatVector.fromArray(S, c, o2), c21 = FloatVector.fromArray(S, c, o2 + L),
                c22 = FloatVector.fromArray(S, c, o2 + 2 * L);
        FloatVector c30 = FloatVector.fromArray(S, c, o3), c31 = FloatVector.fromArray(S, c, o3 + L),
                c32 = FloatVector.fromArray(S, c, o3 + 2 * L);
        for (int q = 0; q < depth; q++) {
            int ao = aAt + q * lda, bo = bAt + q * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bo), b1 = FloatVector.fromArray(S, b, bo + L),
                    b2 = FloatVector.fromArray(S, b, bo + 2 * L);
            FloatVector e = FloatVector.broadcast(S, a[ao]);
            c00 = b0.fma(e, c00); c01 = b1.fma(e, c01); c02 = b2.fma(e, c02);
            e = FloatVector.broadcast(S, a[ao + 1]);
            c10 = b0.fma(e, c10); c11 = b1.fma(e, c11); c12 = b2.fma(e, c12);
            e = FloatVector.broadcast(S, a[ao + 2]);
            c20 = b0.fma(e, c20); c21 = b1.fma(e, c21); c22 = b2.fma(e, c22);
            e = FloatVector.broadcast(S, a[ao + 3]);
            c30 = b0.fma(e, c30); c31 = b1.fma(e, c31); c32 = b2.fma(e, c32);
        }
        c00.intoArray(c, o0); c01.intoArray(c, o0 + L); c02.intoArray(c, o0 + 2 * L);
        c10.intoArray(c, o1); c11.intoArray(c, o1 + L); c12.intoArray(c, o1 + 2 * L);
        c20.intoArray(c, o2); c21.intoArray(c, o2 + L); c22.intoArray(c, o2 + 2 * L);
        c30.intoArray(c, o3); c31.intoArray(c, o3 + L); c32.intoArray(c, o3 + 2 * L);
    }

    /** {@link #columnsTile4} for one vector (j = 0). */
    static void columnsTile1(float[] a, int lda, int aAt, int depth, float[] b, int ldb, int bAt,
                             float[] c, int ldc, int cAt) {
        int o0 = cAt, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        FloatVector c0 = FloatVector.fromArray(S, c, o0), c1 = FloatVector.fromArray(S, c, o1),
                c2 = FloatVector.fromArray(S, c, o2), c3 = FloatVector.fromArray(S, c, o3);
        for (int q = 0; q < depth; q++) {
            int ao = aAt + q * lda;
            FloatVector b0 = FloatVector.fromArray(S, b, bAt + q * ldb);
            c0 = b0.fma(FloatVector.broadcast(S, a[ao]), c0);
            c1 = b0.fma(FloatVector.broadcast(S, a[ao + 1]), c1);
            c2 = b0.fma(FloatVector.broadcast(S, a[ao + 2]), c2);
            c3 = b0.fma(FloatVector.broadcast(S, a[ao + 3]), c3);
        }
        c0.intoArray(c, o0); c1.intoArray(c, o1); c2.intoArray(c, o2); c3.intoArray(c, o3);
    }

    /**
     * How a width of whole vectors is cut into panels, one register tile wide each. With fives (the
     * nIn side: dW and dx): fours and fives, which fill any width of 12 vectors or more (13: 4 + 4 +
     * 5), threes and ones only for the narrower widths they cannot (3, 6, 7, 11; 1, 2). Without (the
     * rows of the logits): fours, then one three or up to two ones. A [depth × width] matrix stored
     * panel by panel puts each panel's rows together, so a kernel's b operand streams through
     * consecutive memory (docs/performance.md#output-layer-blocked-softmax-tiles).
     */
    static final class Panels {
        final int count;
        final int[] start, width, vectors;     // per panel: first column, width in floats and in vectors
        private final int[] startOf, widthOf;  // per column: its panel's start and width

        Panels(int width, boolean fives) {
            vectors = fives ? cut(width / L) : cutFours(width / L);
            count = vectors.length;
            start = new int[count];
            this.width = new int[count];
            startOf = new int[width];
            widthOf = new int[width];
            for (int p = 0, col = 0; p < count; p++) {
                start[p] = col;
                this.width[p] = vectors[p] * L;
                for (int e = col + this.width[p]; col < e; col++) {
                    startOf[col] = start[p];
                    widthOf[col] = this.width[p];
                }
            }
        }

        /** Fours, then the rest as one three or ones. */
        private static int[] cutFours(int nv) {
            int[] v = new int[nv / 4 + (nv % 4 == 3 ? 1 : nv % 4)];
            java.util.Arrays.fill(v, 0, nv / 4, 4);
            if (nv % 4 == 3) v[nv / 4] = 3;
            else java.util.Arrays.fill(v, nv / 4, v.length, 1);
            return v;
        }

        /** nv = 4·fours + 5·fives with as many fives as fit; the widths no such sum makes as listed above. */
        private static int[] cut(int nv) {
            int fives = nv / 5;
            while (fives > 0 && (nv - 5 * fives) % 4 != 0) fives--;
            int fours = (nv - 5 * fives) / 4;
            if ((nv - 5 * fives) % 4 == 0) {
                int[] v = new int[fours + fives];
                java.util.Arrays.fill(v, 0, fours, 4);
                java.util.Arrays.fill(v, fours, v.length, 5);
                return v;
            }
            return switch (nv) {
                case 1 -> new int[]{1};
                case 2 -> new int[]{1, 1};
                case 3 -> new int[]{3};
                case 6 -> new int[]{3, 3};
                case 7 -> new int[]{4, 3};
                case 11 -> new int[]{4, 4, 3};
                default -> throw new AssertionError(nv);
            };
        }

        /** Where entry (q, col) of a [depth × width] matrix stored panel by panel lies. */
        int at(int depth, int q, int col) {
            int s = startOf[col];
            return s * depth + q * widthOf[col] + (col - s);
        }
    }

    private static int roundUp(int a, int m) { return (a + m - 1) / m * m; }
}
