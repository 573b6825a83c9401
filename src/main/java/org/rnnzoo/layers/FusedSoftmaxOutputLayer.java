package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.recurrent.RnnOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.kernels.BlockedSoftmaxLoss;
import org.rnnzoo.kernels.HeapCopy;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.PackedMatrix;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;
import org.rnnzoo.kernels.Switches;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Softmax + sparse cross-entropy over {@code [batch, nIn, time]} inputs, fused. Training in float
 * with the Vector API: the whole pass — logits, softmax statistics, loss, dz = p − onehot(target),
 * dW, db and dx — runs over blocks of the vocabulary while each block is in L2
 * ({@link BlockedSoftmaxLoss}). Otherwise (double precision, no Vector API, inference):
 * <ol>
 *   <li>one gemm for the logits of all batch×time positions,</li>
 *   <li>a vectorised row softmax in Java ({@link VectorMath}),</li>
 *   <li>the loss from the target's probability, and the logit gradient p − onehot(target) made
 *       in place (masked positions zeroed),</li>
 *   <li>dW and the input gradient by two gemms, db from the softmax pass's column sums.</li>
 * </ol>
 * No one-hot label array ever exists.
 * The softmax is shared between {@link #computeScore} and {@link #backpropGradient}, whichever
 * DL4J calls first; DL4J's own layer computes the logits twice.
 *
 * <p>Conventions match DL4J's: score = summed NLL of unmasked targets / batch size (+ the
 * regularisation term DL4J passes in); gradients are sums over the batch (the updater divides).
 */
public class FusedSoftmaxOutputLayer extends RnnOutputLayer {
    private INDArray probs;          // [batch·time, vocab] c-order; becomes dLoss/dlogits in place
    private INDArray x2d;            // [batch·time, nIn], row n = (b, t) with n = b·T + t
    private int[] targets;           // -1 where masked
    private INDArray logitsBuffer;   // reused: a fresh native buffer per step costs more than the softmax (docs/performance.md#output-layer-fused-softmax)
    private float[] probabilitySums; // column sums of probs (float training pass): the bias gradient without another pass
    private double nll;
    private long cachedFor = -1;     // identity of the (input, labels, mask) the probabilities belong to
    private long scoredFor = -1;     // ... and the one nll belongs to (it outlives the probabilities)
    private long version;
    /** Heap copy of W for {@link #smallBatchSoftmax} (read once per sampled token); stale after backprop. */
    private final HeapCopy weights = new HeapCopy();
    /**
     * The whole training pass over vocabulary blocks ({@link BlockedSoftmaxLoss}); {@code
     * -Drnnzoo.blockedSoftmax=false} keeps the gemms and the softmax pass (what double precision and
     * a JVM without the Vector API always use). Not final so that one JVM can time both.
     */
    static volatile boolean blockedSoftmax = VectorMath.vectorApi()
            && Switches.BLOCKED_SOFTMAX;
    private BlockedSoftmaxLoss blockedLoss;  // holds the last forward's logits when lossInBlocks
    private boolean lossInBlocks;
    private int[] scoringTargets;            // armed by scoreTargetsOnNextForward, consumed by the next activate
    private BlockedSoftmaxLoss scoringLoss;  // scoring's own scratch: eval batches differ from training's, which keeps its own

    public FusedSoftmaxOutputLayer(NeuralNetConfiguration conf, DataType dataType) { super(conf, dataType); }

    @Override
    public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
        super.setInput(input, workspaceMgr);
        version++;
    }

    // Labels and masks invalidate the cached probabilities only when they change: after backprop,
    // ComputationGraph.computeGradientAndScore sets the mask again (null, or a freshly reshaped copy of
    // the same mask) before asking for the score, and counting that as a change recomputed the whole
    // forward pass (docs/performance.md#output-layer-fused-softmax). A mask is compared by value:
    // [batch·time] numbers.

    @Override
    public void setLabels(INDArray labels) {
        if (labels != this.labels) version++;
        super.setLabels(labels);
    }

    @Override
    public void setMaskArray(INDArray maskArray) {
        if (!sameValues(maskArray, this.maskArray)) version++;
        super.setMaskArray(maskArray);
    }

    /** Same mask values? DL4J hands the mask over as [b·t, 1] ('f') for the forward pass and as [b, t] after backprop. */
    private boolean sameValues(INDArray a, INDArray b) {
        if (a == b) return true;
        if (a == null || b == null || input == null || input.rank() != 3 || a.length() != b.length()) return false;
        long batch = input.size(0), time = input.size(2);
        if (a.length() != batch * time) return false;
        return java.util.Arrays.equals(NativeMatrix.toFloats(mask2d(a, batch, time)), NativeMatrix.toFloats(mask2d(b, batch, time)));
    }

    /**
     * Makes the next forward pass ({@link #activate}, which {@code rnnTimeStep} and {@code output}
     * call) return each target's negative log-likelihood instead of the probabilities: {@code [b, 1, t]}
     * ({@code [b, 1]} for rank-2 input), 0 where the target is −1 (masked). Targets are in row order
     * b·t + s, as the labels {@code [b, 1, t]} are laid out. Scoring needs only these
     * (docs/performance.md, "Scoring: target log-probabilities only").
     */
    public void scoreTargetsOnNextForward(int[] targets) { this.scoringTargets = targets; }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        if (scoringTargets != null) return targetNll(training, workspaceMgr);
        applyDropOutIfNecessary(training, workspaceMgr);
        boolean rank2 = input.rank() == 2;    // rnnTimeStep feeds single steps as [batch, nIn]
        long b = input.size(0), t = rank2 ? 1 : input.size(2), v = layerConf().getNOut();
        INDArray x = flatten(input);
        INDArray probs = x.size(0) <= 4 ? smallBatchSoftmax(x) : null;
        if (probs == null) probs = softmax(x, false);
        INDArray out = rank2 ? probs : probs.reshape('c', b, t, v).permute(0, 2, 1);
        INDArray result = workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out.dup('f'));
        // Free the probabilities (8 MB a validation batch at PTB-small) now, not when a GC finds them:
        // inference makes little heap garbage, so native buffers waiting for a collection piled up to GBs.
        if (probs.closeable()) probs.close();
        return result;
    }

    /**
     * The armed targets' NLL: the blocked pass's log-sum-exp less the target's logit, with no
     * probability array; otherwise (double, no Vector API) from the softmax, −log max(p, MIN_NORMAL).
     */
    private INDArray targetNll(boolean training, LayerWorkspaceMgr workspaceMgr) {
        int[] targets = scoringTargets;
        scoringTargets = null;
        applyDropOutIfNecessary(training, workspaceMgr);
        boolean rank2 = input.rank() == 2;
        long b = input.size(0), t = rank2 ? 1 : input.size(2);
        INDArray x = flatten(input);
        int n = (int) x.size(0), nIn = (int) x.size(1), v = (int) layerConf().getNOut();
        if (targets.length != n) throw new IllegalArgumentException("output layer " + layerId() + ": " + targets.length
                + " targets for " + n + " positions");
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        float[] nll = new float[n];
        if (blockedSoftmax && x.dataType() == DataType.FLOAT && dense(x, 'c') && dense(w, 'f')) {
            int lanes = lanesFor(n);
            if (scoringLoss == null || !scoringLoss.fits(n, nIn, v, lanes)) scoringLoss = BlockedSoftmaxLoss.forScoring(n, nIn, v, lanes);
            float[] bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr).castTo(DataType.FLOAT).toFloatVector();
            scoringLoss.forward(NativeMatrix.floatBuffer(x), x.offset(), NativeMatrix.floatBuffer(w), w.offset(), bias, targets);
            for (int i = 0; i < n; i++) if (targets[i] >= 0) nll[i] = (float) scoringLoss.rowNll(i);
        } else {
            INDArray probs = softmax(x, false);
            for (int i = 0; i < n; i++)
                if (targets[i] >= 0) nll[i] = (float) -Math.log(Math.max(probs.getDouble(i, targets[i]), Float.MIN_NORMAL));
            if (probs.closeable()) probs.close();
        }
        INDArray out = Nd4j.create(nll, rank2 ? new long[]{b, 1} : new long[]{b, 1, t}, DataType.FLOAT);
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        // DL4J asks for the score after backprop has consumed the probabilities; the nll is still valid.
        if (scoredFor != version) forwardForLoss(training, workspaceMgr);
        this.score = nll / input.size(0) + fullNetRegTerm;
        return score;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        weights.invalidate();       // W is about to change in place
        forwardForLoss(true, workspaceMgr);
        long n = x2d.size(0), v = layerConf().getNOut(), nIn = layerConf().getNIn();
        INDArray wGrad = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray bGrad = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        if (lossInBlocks) {
            INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, n, nIn);
            float[] db = new float[(int) v];
            blockedLoss.backward(NativeMatrix.floatBuffer(wGrad), wGrad.offset(), db, NativeMatrix.floatBuffer(dx), dx.offset());
            cachedFor = -1;
            bGrad.assign(Nd4j.create(db, bGrad.shape(), bGrad.ordering()));
            return gradientsAndEpsilon(dx, wGrad, bGrad, workspaceMgr);
        }
        // dLoss/dlogits = p − onehot(target) at real positions, 0 at padding, made in place in the
        // probabilities' own native buffer; the cache is consumed.
        INDArray dz = probs;
        // db = Σ_rows dz = (column sums of p, from the softmax pass) − target counts − masked rows' p
        float[] db = dz.dataType() == DataType.FLOAT ? probabilitySums : null;
        if (db != null) {
            ByteBuffer bb = dz.data().asNio().order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) {
                if (targets[i] < 0) {
                    for (int j = 0; j < v; j++) db[j] -= bb.getFloat((int) ((i * v + j) * 4));
                    dz.getRow(i).assign(0);
                } else {
                    int at = (int) ((i * v + targets[i]) * 4);
                    bb.putFloat(at, bb.getFloat(at) - 1f);
                    db[targets[i]] -= 1f;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (targets[i] < 0) dz.getRow(i).assign(0);
                else dz.putScalar(i, targets[i], dz.getDouble(i, targets[i]) - 1.0);
            }
        }
        cachedFor = -1;

        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray dx = Nd4j.createUninitialized(dz.dataType(), n, nIn);      // [n, nIn]
        TwoLanes.denseBackward(x2d, dz, w, wGrad, dx);
        // The float pass summed db with the softmax; ND4J's slower dz.sum(0) is left to double precision
        // (docs/performance.md#output-layer-fused-softmax).
        if (db != null) bGrad.assign(Nd4j.create(db, bGrad.shape(), bGrad.ordering()));
        else bGrad.assign(dz.sum(0).reshape(bGrad.shape()));
        return gradientsAndEpsilon(dx, wGrad, bGrad, workspaceMgr);
    }

    /** dx [b·t, nIn] → DL4J's ε [b, nIn, t] ('f'), and the gradient map. */
    private Pair<Gradient, INDArray> gradientsAndEpsilon(INDArray dx, INDArray wGrad, INDArray bGrad, LayerWorkspaceMgr workspaceMgr) {
        long n = dx.size(0), nIn = dx.size(1), b = input.size(0);
        boolean rank2 = input.rank() == 2;
        INDArray eps = rank2 ? dx : dx.reshape('c', b, n / b, nIn).permute(0, 2, 1);
        eps = backpropDropOutIfPresent(workspaceMgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps.dup('f')));

        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, wGrad);
        g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, bGrad);
        weightNoiseParams.clear();
        return new Pair<>(g, eps);
    }

    private static boolean dense(INDArray a, char order) {
        return a.rank() == 2 && a.ordering() == order && NativeMatrix.isContiguousFloat(a);
    }

    /** Softmax of the current input and the NLL of the labels, computed once per (input, labels, mask). */
    private void forwardForLoss(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (cachedFor == version) return;
        if (labels == null) throw new IllegalStateException("no labels set on output layer " + layerId());
        applyDropOutIfNecessary(training, workspaceMgr);
        x2d = flatten(input);
        int n = (int) x2d.size(0);
        long b = input.size(0), t = n / b;
        float[] y = NativeMatrix.toFloats(labels);        // [b, 1, t] ids
        float[] m = maskArray == null ? null : NativeMatrix.toFloats(mask2d(maskArray, b, t));
        if (y.length != n) throw new IllegalStateException("output layer " + layerId() + ": labels " + java.util.Arrays.toString(labels.shape())
                + " do not match its input " + java.util.Arrays.toString(input.shape()));
        targets = new int[n];
        for (int i = 0; i < n; i++) targets[i] = (m != null && m[i] == 0f) ? -1 : (int) y[i];

        INDArray w = blockedWeights();
        lossInBlocks = w != null;
        nll = lossInBlocks ? blockedNll(w) : softmaxNll();
        cachedFor = version;
        scoredFor = version;
    }

    /**
     * W when {@link BlockedSoftmaxLoss} can run — float, the Vector API, every array contiguous in the
     * layout it assumes — else null.
     */
    private INDArray blockedWeights() {
        if (!blockedSoftmax || x2d.dataType() != DataType.FLOAT) return null;
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, LayerWorkspaceMgr.noWorkspaces());
        INDArray wGrad = gradientViews == null ? null : gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        return dense(x2d, 'c') && dense(w, 'f') && (wGrad == null || dense(wGrad, 'f')) ? w : null;
    }

    /** The summed NLL by the blocked pass, which keeps what {@link #backpropGradient} needs. */
    private double blockedNll(INDArray w) {
        int n = (int) x2d.size(0), nIn = (int) x2d.size(1), v = (int) w.size(1), lanes = lanesFor(n);
        if (blockedLoss == null || !blockedLoss.fits(n, nIn, v, lanes)) blockedLoss = new BlockedSoftmaxLoss(n, nIn, v, lanes);
        float[] bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, true, LayerWorkspaceMgr.noWorkspaces())
                .castTo(DataType.FLOAT).toFloatVector();
        probs = null;
        return blockedLoss.forward(NativeMatrix.floatBuffer(x2d), x2d.offset(), NativeMatrix.floatBuffer(w), w.offset(), bias, targets);
    }

    /** The summed NLL from the probabilities of {@link #softmax}, kept in {@link #probs} for the backward pass. */
    private double softmaxNll() {
        probs = softmax(x2d, true);
        int n = (int) probs.size(0), v = (int) probs.size(1);
        double sum = 0;
        if (probs.dataType() == DataType.FLOAT) {
            ByteBuffer bb = probs.data().asNio().order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++)
                if (targets[i] >= 0) sum -= Math.log(Math.max(bb.getFloat((int) ((long) i * v + targets[i]) * 4), Float.MIN_NORMAL));
        } else {
            for (int i = 0; i < n; i++)
                if (targets[i] >= 0) sum -= Math.log(Math.max(probs.getDouble(i, targets[i]), Double.MIN_NORMAL));
        }
        return sum;
    }

    /** Two shares for the products of a training or scoring batch; one for a handful of rows. */
    private static int lanesFor(long rows) {
        return rows >= 64 ? TwoLanes.lanes() : 1;
    }

    /**
     * The label mask as {@code [b, t]}. ComputationGraph hands output layers the mask already
     * flattened to a column {@code [b·t, 1]} in 'f' order (time-major: row t·b + i), not [b, t].
     */
    private static INDArray mask2d(INDArray mask, long b, long t) {
        if (mask.rank() == 2 && mask.size(0) == b && mask.size(1) == t) return mask;
        return mask.reshape('f', b, t);
    }

    /** {@code [b, nIn, t]} (or {@code [b, nIn]}) → {@code [b·t, nIn]}, c-order, row b·t + s. */
    private INDArray flatten(INDArray in) {
        if (in.rank() == 2) return in.dup('c');
        long b = in.size(0), f = in.size(1), t = in.size(2);
        return in.permute(0, 2, 1).dup('c').reshape('c', b * t, f);
    }

    /**
     * Sampling path (a handful of rows): logits from a heap copy of W packed for one-row products
     * ({@link PackedMatrix}), no gemm call. Null when it does not apply (double precision, W not contiguous).
     */
    private INDArray smallBatchSoftmax(INDArray x) {
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, false, LayerWorkspaceMgr.noWorkspaces());
        if (x.dataType() != DataType.FLOAT || !HeapCopy.usable(w)) return null;
        int n = (int) x.size(0), nIn = (int) w.size(0), v = (int) w.size(1);
        PackedMatrix wp = weights.of(w);
        float[] bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, false, LayerWorkspaceMgr.noWorkspaces())
                .castTo(DataType.FLOAT).toFloatVector();
        float[] xs = x.dup('c').data().asFloat();
        float[] p = new float[n * v], row = new float[v];
        for (int r = 0; r < n; r++) {
            wp.multiply(java.util.Arrays.copyOfRange(xs, r * nIn, (r + 1) * nIn), bias, row);
            System.arraycopy(row, 0, p, r * v, v);
        }
        VectorMath.softmaxRows(p, n, v);
        return Nd4j.create(p, new long[]{n, v}, DataType.FLOAT);
    }

    /**
     * Row softmax of x·W + b. Float: in the native buffer of a reused array, bias added inside the
     * softmax pass (returned array is overwritten by the next call). Double (gradient checks): plain.
     */
    private INDArray softmax(INDArray x, boolean reuse) {
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, LayerWorkspaceMgr.noWorkspaces());
        INDArray bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, true, LayerWorkspaceMgr.noWorkspaces());
        int n = (int) x.size(0), v = (int) w.size(1);
        if (x.dataType() == DataType.DOUBLE) {
            INDArray z = x.mmul(w).addiRowVector(bias);
            double[] p = z.dup('c').data().asDouble();
            VectorMath.softmaxRows(p, n, v);
            return Nd4j.create(p, new long[]{n, v}, DataType.DOUBLE);
        }
        INDArray z;
        if (reuse) {
            if (logitsBuffer == null || logitsBuffer.size(0) != n || logitsBuffer.size(1) != v)
                logitsBuffer = Nd4j.createUninitializedDetached(DataType.FLOAT, n, v);
            z = logitsBuffer;
        } else {
            z = Nd4j.createUninitializedDetached(DataType.FLOAT, n, v);
        }
        float[] b = bias.castTo(DataType.FLOAT).toFloatVector();
        int shares = lanesFor(n);
        INDArray[] xRows = TwoLanes.rowShares(x, shares), zRows = TwoLanes.rowShares(z, shares);
        ByteBuffer all = z.data().asNio();
        float[][] sums = reuse ? new float[shares][v] : new float[shares][];     // training pass: column sums of p, per lane
        TwoLanes.run((phase, k) -> {       // rows are independent: each share does its rows' logits and softmax
            int r0 = n * k / shares, r1 = n * (k + 1) / shares;
            Nd4j.gemm(xRows[k], w, zRows[k], false, false, 1.0, 0.0);
            VectorMath.softmaxRows(all.slice(r0 * v * 4, (r1 - r0) * v * 4), r1 - r0, v, b, sums[k]);
        }, 0, shares);
        if (reuse) {
            for (int k = 1; k < shares; k++) for (int j = 0; j < v; j++) sums[0][j] += sums[k][j];
            probabilitySums = sums[0];
        }
        return z;
    }
}
