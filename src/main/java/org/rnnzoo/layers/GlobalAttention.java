package org.rnnzoo.layers;

import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Broadcast;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnnzoo.kernels.AdditiveScores;
import org.rnnzoo.kernels.Switches;
import org.rnnzoo.kernels.TwoLanes;

/**
 * The runtime of {@link GlobalAttentionVertex}: forward and backward written out in batched ND4J
 * calls. It keeps DL4J's SameDiff vertex plumbing (parameter views, updater, serialisation) but
 * not its SameDiff graph: in M2.1 the backward passes of {@code tensorMmul} and of a multiply that
 * broadcasts both ways failed or disagreed with finite differences, and a SameDiff vertex fixes its
 * mask placeholders on its first call. Masks are read on every call; none means all ones.
 *
 * <p>Shapes: queries q {@code [b, Hq, T]}, keys k {@code [b, Hk, S]}, scores E and weights
 * W {@code [b, T, S]}, context C = k Wᵀ {@code [b, Hk, T]}.
 */
public class GlobalAttention extends SameDiffGraphVertex {
    private final GlobalAttentionVertex conf;

    GlobalAttention(GlobalAttentionVertex conf, ComputationGraph graph, String name, int index, INDArray paramsView,
                    boolean initialize, DataType dataType) {
        super(conf, graph, name, index, paramsView, initialize, dataType);
        this.conf = conf;
    }

    /**
     * The intermediates the backward pass needs. queryRows: q as rows {@code [b·T, Hq]}; projectedQueries:
     * general's h_tᵀ W_a {@code [b, T, Hk]}; hidden: additive's tanh layer (ND4J path); keyRows: k as rows
     * {@code [b·S, Hk]} and kernelPass: the {@link AdditiveScores} pass that holds the tanh layer (fused path, else −1).
     */
    private record Forward(INDArray weights, INDArray queryRows, INDArray projectedQueries, INDArray hidden, INDArray keyRows,
                           long kernelPass) {}

    /** The fused additive score for float arrays; double (the gradient checks) keeps the ND4J path below. */
    private final AdditiveScores additive = new AdditiveScores();
    /** Package-private so that a test can compare the two paths in one JVM; {@code -Drnnzoo.fastAdditive=false} for a whole run. */
    boolean fastAdditive = Switches.FAST_ADDITIVE;

    /**
     * The last training forward pass and what it read (the very arrays): the backward pass of the same
     * inputs reuses it instead of computing it again (docs/performance.md, "Sixteenth session").
     * Consumed by that backward pass; parameters change only after it.
     */
    private Forward stored;
    private INDArray[] storedFor;

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray k = inputs[1];
            Forward f = forward(inputs[0], k, mask(0), mask(1));
            stored = training ? f : null;
            storedFor = training ? new INDArray[]{inputs[0], k, mask(0), mask(1)} : null;
            INDArray context = Nd4j.matmul(k, f.weights().permute(0, 2, 1).dup());
            INDArray queryMask = mask(0);
            if (queryMask != null) Broadcast.mul(context, queryMask.castTo(context.dataType()), context, 0, 2);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, context);
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        Gradient g = new DefaultGradient();
        INDArray dq, dk;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray q = inputs[0], k = inputs[1];
            Forward f = stored != null && sameArrays(storedFor, q, k, mask(0), mask(1))
                    && (stored.kernelPass() < 0 || stored.kernelPass() == additive.pass()) ? stored : forward(q, k, mask(0), mask(1));
            stored = null;
            storedFor = null;
            INDArray a = f.weights();
            INDArray dc = epsilon.dup();
            INDArray queryMask = mask(0);
            if (queryMask != null) Broadcast.mul(dc, queryMask.castTo(dc.dataType()), dc, 0, 2);
            dk = Nd4j.matmul(dc, a);                                              // C = k Wᵀ
            INDArray da = Nd4j.matmul(dc.permute(0, 2, 1).dup(), k);               // [b, T, S]
            // softmax backward along the source axis: dE = W ⊙ (dW − Σ_s dW ⊙ W)
            INDArray de = a.mul(Broadcast.sub(da, da.mul(a).sum(2), da, 0, 1));
            if (conf.scoreScale() != 1.0) de.muli(conf.scoreScale());              // E = scale · raw score
            switch (conf.score()) {
                case "dot" -> {
                    dq = Nd4j.matmul(k, de.permute(0, 2, 1).dup());
                    dk.addi(Nd4j.matmul(q, de));
                }
                case "general" -> {
                    // E = U k with U = qᵀ W_a [b, T, Hk]: dU = dE kᵀ, dk += Uᵀ dE, dW_a = Σ q dU, dq = (dU W_aᵀ)ᵀ
                    INDArray u = f.projectedQueries();
                    long b = u.size(0), t = u.size(1);
                    INDArray du = Nd4j.matmul(de, k.permute(0, 2, 1)).reshape('c', b * t, k.size(1));
                    dk.addi(Nd4j.matmul(u.permute(0, 2, 1), de));
                    // the two products with W_a on two lanes: dW_a = Σ q dU by columns, dq by rows
                    INDArray dqRows = Nd4j.createUninitialized(du.dataType(), b * t, q.size(1));
                    TwoLanes.denseBackward(f.queryRows(), du, paramTable.get("Wa"), gradTable.get("Wa"), dqRows);
                    dq = dqRows.reshape('c', b, t, q.size(1)).permute(0, 2, 1);
                }
                case "additive" -> {
                    if (f.kernelPass() >= 0) {
                        dq = fusedAdditiveBackward(f, de, q.size(1), dk);
                        break;
                    }
                    INDArray h = f.hidden(), v = paramTable.get("v");             // [b, A, T, S], [1, A]
                    long[] shape = h.shape();
                    INDArray deA = expand(de, 1, shape);                           // dE along every A
                    gradTable.get("v").assign(h.mul(deA).sum(0, 2, 3).reshape(1, shape[1]));
                    INDArray pre = deA.muli(expand(v.reshape(1, shape[1], 1, 1), -1, shape)).muli(h.mul(h).rsubi(1));
                    INDArray du = pre.sum(3), dw = pre.sum(2);                      // [b, A, T], [b, A, S]
                    gradTable.get("W2").assign(flat(du).mmul(flat(q).transpose()));
                    gradTable.get("W1").assign(flat(dw).mmul(flat(k).transpose()));
                    dq = project(paramTable.get("W2").transpose(), du);
                    dk.addi(project(paramTable.get("W1").transpose(), dw));
                }
                default -> throw new IllegalStateException(conf.score());
            }
            for (String key : paramTable.keySet()) g.gradientForVariable().put(key, gradTable.get(key));
        }
        return new Pair<>(g, new INDArray[]{workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dq), workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, dk)});
    }

    /**
     * The attention weights {@code [b, T, S]} of queries {@code [b, Hq, T]} over keys {@code [b, Hk, S]}
     * (key mask {@code [b, S]} or null): what the vertex mixes the keys with, which DL4J does not keep.
     */
    public INDArray weights(INDArray q, INDArray k, INDArray keyMask) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return forward(q, k, null, keyMask).weights();
        }
    }

    /** queryMask: the fused additive score skips padded decoder steps (their output is masked); null, every step scored. */
    private Forward forward(INDArray q, INDArray k, INDArray queryMask, INDArray keyMask) {
        INDArray qT = q.permute(0, 2, 1).dup();                                    // [b, T, Hq]
        INDArray projected = null, hidden = null, keyRows = null, scores;   // projected: general's queries through W_a
        long kernelPass = -1;
        switch (conf.score()) {
            case "dot" -> scores = Nd4j.matmul(qT, k);
            case "general" -> {
                // h_tᵀ W_a for every (example, step) in one product, then against the keys: no permuted copies of the keys
                long b = qT.size(0), t = qT.size(1);
                INDArray rows = qT.reshape('c', b * t, qT.size(2)), wa = paramTable.get("Wa");
                projected = Nd4j.createUninitialized(qT.dataType(), b * t, k.size(1));
                int shares = b * t >= 64 ? TwoLanes.lanes() : 1;
                INDArray[] in = TwoLanes.rowShares(rows, shares), out = TwoLanes.rowShares(projected, shares);
                TwoLanes.run((phase, lane) -> Nd4j.gemm(in[lane], wa, out[lane], false, false, 1.0, 0.0), 0, shares);
                projected = projected.reshape('c', b, t, k.size(1));
                scores = Nd4j.matmul(projected, k);
            }
            case "additive" -> {
                long b = q.size(0), t = q.size(2), s = k.size(2), width = paramTable.get("v").size(1);
                if (fastAdditive && q.dataType() == DataType.FLOAT && k.dataType() == DataType.FLOAT && b * t * s * width < Integer.MAX_VALUE - 8) {
                    // u = W2 q_t and w = W1 k_s as rows (two products), then the fused tanh and v· (docs/performance.md,
                    // "Additive attention: a fused score")
                    INDArray queryRows = qT.reshape('c', b * t, qT.size(2));
                    keyRows = k.permute(0, 2, 1).dup('c').reshape('c', b * s, k.size(1));
                    float[] e = new float[(int) (b * t * s)];
                    kernelPass = additive.forward(floats(queryRows.mmul(paramTable.get("W2").transpose())),
                            floats(keyRows.mmul(paramTable.get("W1").transpose())), floats(paramTable.get("v")),
                            (int) b, (int) t, (int) s, (int) width, maskFloats(queryMask), maskFloats(keyMask), e);
                    scores = Nd4j.create(e, new long[]{b, t, s}, 'c');
                    break;
                }
                INDArray u = project(paramTable.get("W2"), q), w = project(paramTable.get("W1"), k);   // [b, A, T], [b, A, S]
                long[] shape = {u.size(0), u.size(1), u.size(2), w.size(2)};
                hidden = Transforms.tanh(expand(u, 3, shape).add(expand(w, 2, shape)), false);
                scores = hidden.mul(expand(paramTable.get("v").reshape(1, shape[1], 1, 1), -1, shape)).sum(1);
            }
            default -> throw new IllegalStateException(conf.score());
        }
        // broadcast and softmax ops rather than materialised broadcasts: one native call each (docs/performance.md,
        // "Seq2seq and classifier training")
        if (conf.scoreScale() != 1.0) scores.muli(conf.scoreScale());
        if (keyMask != null)   // a padded source position scores −10⁹: weight exactly 0
            Broadcast.add(scores, keyMask.castTo(scores.dataType()).sub(1.0).muli(1e9), scores, 0, 2);
        Nd4j.exec(new SoftMax(scores, scores, 2));   // subtracts each row's max first
        return new Forward(scores, qT.reshape('c', qT.size(0) * qT.size(1), qT.size(2)), projected, hidden, keyRows, kernelPass);
    }

    /**
     * The additive score's backward pass through {@link AdditiveScores}: its du {@code [b·T, A]} and dw
     * {@code [b·S, A]} back through W2 and W1 (gradients and inputs), dv directly. Adds to dk; returns dq.
     */
    private INDArray fusedAdditiveBackward(Forward f, INDArray de, long hq, INDArray dk) {
        INDArray qRows = f.queryRows(), kRows = f.keyRows(), w1 = paramTable.get("W1"), w2 = paramTable.get("W2");
        long b = de.size(0), t = de.size(1), s = de.size(2), width = w1.size(0);
        float[] du = new float[(int) (b * t * width)], dw = new float[(int) (b * s * width)], dv = new float[(int) width];
        additive.backward(floats(de), floats(paramTable.get("v")), du, dw, dv);
        INDArray duRows = Nd4j.create(du, new long[]{b * t, width}, 'c'), dwRows = Nd4j.create(dw, new long[]{b * s, width}, 'c');
        gradTable.get("v").assign(Nd4j.create(dv, new long[]{1, width}, 'c'));
        gradTable.get("W2").assign(duRows.transpose().mmul(qRows));
        gradTable.get("W1").assign(dwRows.transpose().mmul(kRows));
        dk.addi(dwRows.mmul(w1).reshape('c', b, s, kRows.size(1)).permute(0, 2, 1));
        return duRows.mmul(w2).reshape('c', b, t, hq).permute(0, 2, 1);
    }

    private static float[] maskFloats(INDArray mask) { return mask == null ? null : floats(mask.castTo(DataType.FLOAT)); }

    /** A float array's values in c order (a copy). */
    private static float[] floats(INDArray x) { return x.dup('c').data().asFloat(); }

    private static boolean sameArrays(INDArray[] a, INDArray... b) {
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    /** The mask of input {@code i}, or null where there is none. */
    private INDArray mask(int i) { return maskArrays == null || maskArrays.length <= i ? null : maskArrays[i]; }

    /**
     * {@code x} broadcast to {@code shape}: {@code axis} ≥ 0 is the axis x lacks (inserted with size
     * 1 first), −1 means x already has the rank of {@code shape} with ones where it is broadcast.
     */
    private static INDArray expand(INDArray x, int axis, long[] shape) {
        INDArray e = x;
        if (axis >= 0) {
            long[] s = new long[x.rank() + 1];
            for (int i = 0, j = 0; i < s.length; i++) s[i] = i == axis ? 1 : x.size(j++);
            e = x.reshape(s);
        }
        return e.broadcast(shape);
    }

    /** M [r, c] applied at every (example, position) of x [b, c, n]: [b, r, n]. */
    private static INDArray project(INDArray m, INDArray x) {
        long b = x.size(0), n = x.size(2);
        return m.mmul(flat(x)).reshape(m.size(0), b, n).permute(1, 0, 2).dup();
    }

    /** x [b, c, n] as [c, b·n]. */
    private static INDArray flat(INDArray x) { return x.permute(1, 0, 2).dup().reshape(x.size(1), x.size(0) * x.size(2)); }
}
