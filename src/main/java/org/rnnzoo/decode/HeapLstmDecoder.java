package org.rnnzoo.decode;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnnzoo.kernels.GateFunctions;
import org.rnnzoo.kernels.PackedMatrix;
import org.rnnzoo.kernels.QuantizedMatrix;
import org.rnnzoo.kernels.TwoLanes;
import org.rnnzoo.kernels.VectorMath;
import org.rnnzoo.layers.FastLstmLayer;
import org.rnnzoo.layers.FastLstmParams;
import org.rnnzoo.layers.FusedSoftmaxOutputLayer;
import org.rnnzoo.kernels.Switches;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Batch-1, one-token-at-a-time inference for the graph shape embedding → FastLstm × L → fused
 * softmax: what {@code ComputationGraph.rnnTimeStep} computes for such a graph, on Java arrays.
 *
 * <p>Why it exists: at batch 1 the arithmetic of a PTB-sized step is ~2.7M multiply-adds, a few
 * hundred microseconds, while every ND4J array the graph creates, casts or copies on the way costs
 * microseconds of native allocation and deallocation bookkeeping; with a dozen of them per layer
 * per token, {@code rnnTimeStep} spent more time on arrays than on the model (docs/performance.md#sampling).
 * Here the weights are copied once, packed for one-row products ({@link PackedMatrix}), and a step
 * creates no ND4J arrays.
 *
 * <p>Two ways out of a step: {@link #probabilities} (the float distribution, for scoring and for
 * top-k / top-p) and {@link #sample}, which draws a token exactly from softmax(z / T) while reading
 * the output weights as bytes: at batch 1 a token is a pass over every weight, and the float output
 * matrix (8 MB at PTB's shape, three quarters of them) is what bounds it.
 *
 * <p>A decoder is a snapshot: it reads the parameters when created and does not see later training.
 * It carries its own state (the graph's rnnTimeStep state is untouched). {@link #of} returns empty
 * for any other graph shape, double precision, or without the Vector API, and callers fall back to
 * rnnTimeStep.
 */
public final class HeapLstmDecoder {
    private final int vocab, embedding, layers;
    private final float[] table;              // [vocab, embedding] row-major
    private final float[] tableBias;          // null when the embedding has no bias
    private final float[] x;                  // the embedded token
    private float[][] h, hNext;               // per layer, swapped after each step: lanes read h, write hNext
    private final float[][] c;                // per layer; each lane updates its own units
    private final PackedMatrix out;           // [H, vocab]
    private final float[] outBias, probs;
    private final float[] outColumns;         // [H, vocab] column-major: what the byte copy is made from
    private QuantizedMatrix quantized;        // made on the first sample()
    private final float[] bounds;             // sample(): the logits' upper bounds / T, then exp(· − share max)
    private float sampleNorm2, sampleNorm1, inverseTemperature;   // a phase's arguments to the lanes
    private int[] excluded = NONE;
    private static final int[] NONE = {};
    private long proposals, samples, boundViolations, fallbacks;
    /**
     * Proposals {@link #sample} makes before it draws from the float logits instead: a redraw is far
     * cheaper than the float pass, and only very low temperatures, which divide the bounds' slack by T,
     * reject this often (docs/performance.md#sampling-byte-proposals-and-draws).
     */
    static final int MAX_PROPOSALS = 64;
    private final Share[] shares;             // one per lane
    private final TwoLanes.Work work = this::runShare;
    /**
     * Which way this step walks the output matrix: with two lanes it alternates (see
     * PackedMatrix#multiply), so each pass starts on what L2 still holds; one lane, reading the whole
     * matrix, gains nothing and always ascends (docs/performance.md#decoder-alternating-passes).
     */
    private boolean descending;
    /** -Drnnzoo.decoderAlternates=false: always ascending, for measuring what alternating gives. */
    private static final boolean ALTERNATE = Switches.DECODER_ALTERNATES;

    /** What one thread computes: a range of units in every LSTM layer and a range of output blocks. */
    private static final class Share {
        final PackedMatrix[] w, rw;           // per layer, this share's units' gate columns
        final float[][] bias;
        final int[] firstUnit;
        final int fromBlock, toBlock;         // output blocks …
        final int fromColumn, toColumn;       // … and the vocabulary columns they hold
        final float[] z, tanhC;
        float max;                            // the last phase's exp(z − max) over this share sums to sum
        double sum;

        /** This share's part of Σ exp(z − globalMax). */
        double mass(float globalMax) {
            return sum * Math.exp(max - globalMax);
        }

        Share(List<Layer> lstms, int lane, int lanes, PackedMatrix out) {
            int n = lstms.size(), maxUnits = 0;
            w = new PackedMatrix[n];
            rw = new PackedMatrix[n];
            bias = new float[n][];
            firstUnit = new int[n];
            for (int l = 0; l < n; l++) {
                Layer a = lstms.get(l);
                INDArray rwAll = a.getParam(FastLstmParams.RECURRENT_WEIGHT_KEY);
                int size = (int) rwAll.size(0), u0 = size * lane / lanes, u1 = size * (lane + 1) / lanes;
                w[l] = PackedMatrix.ofUnits(a.getParam(FastLstmParams.INPUT_WEIGHT_KEY), u0, u1);
                rw[l] = PackedMatrix.ofUnits(rwAll, u0, u1);
                bias[l] = PackedMatrix.unitColumns(a.getParam(FastLstmParams.BIAS_KEY).dup('c').data().asFloat(), 1, size, u0, u1);
                firstUnit[l] = u0;
                maxUnits = Math.max(maxUnits, u1 - u0);
            }
            fromBlock = out.blocks * lane / lanes;
            toBlock = out.blocks * (lane + 1) / lanes;
            fromColumn = fromBlock * PackedMatrix.BLOCK;
            toColumn = Math.min(toBlock * PackedMatrix.BLOCK, out.cols);
            z = new float[4 * maxUnits];
            tanhC = new float[maxUnits];
        }
    }

    private HeapLstmDecoder(Layer embed, List<Layer> lstms, Layer output, int threads) {
        INDArray t = embed.getParam(DefaultParamInitializer.WEIGHT_KEY);
        vocab = (int) t.size(0);
        embedding = (int) t.size(1);
        table = t.dup('c').data().asFloat();
        INDArray tb = embed.getParam(DefaultParamInitializer.BIAS_KEY);
        tableBias = tb == null ? null : tb.dup('c').data().asFloat();
        x = new float[embedding];
        layers = lstms.size();
        h = new float[layers][];
        hNext = new float[layers][];
        c = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int size = (int) lstms.get(l).getParam(FastLstmParams.RECURRENT_WEIGHT_KEY).size(0);
            h[l] = new float[size];
            hNext[l] = new float[size];
            c[l] = new float[size];
        }
        INDArray w = output.getParam(DefaultParamInitializer.WEIGHT_KEY);
        outColumns = PackedMatrix.columnMajor(w);
        out = PackedMatrix.fromColumnMajor(outColumns, (int) w.size(0), (int) w.size(1));
        outBias = output.getParam(DefaultParamInitializer.BIAS_KEY).dup('c').data().asFloat();
        probs = new float[out.cols];
        bounds = new float[out.blocks * PackedMatrix.BLOCK];
        shares = new Share[threads];
        for (int lane = 0; lane < threads; lane++) shares[lane] = new Share(lstms, lane, threads, out);
    }

    /** Threads {@link #of(ComputationGraph)} uses: {@link TwoLanes#lanes()}. */
    public static int defaultThreads() {
        return TwoLanes.lanes();
    }

    /** {@link #of(ComputationGraph, int)} with {@link #defaultThreads()}. */
    public static Optional<HeapLstmDecoder> of(ComputationGraph net) {
        return of(net, defaultThreads());
    }

    /**
     * A decoder for {@code net} when it is an embedding → FastLstm… → fused-softmax chain in float;
     * else empty. With {@code threads} = 2 each step is split between the caller and a helper thread
     * (half the units of every layer, half the output columns; {@link TwoLanes}): a step reads every
     * weight once, and one core's bandwidth from cache is what bounds it.
     */
    public static Optional<HeapLstmDecoder> of(ComputationGraph net, int threads) {
        if (threads < 1 || threads > 2) throw new IllegalArgumentException("decoder threads must be 1 or 2, not " + threads);
        if (!GateFunctions.VECTORISED || net.getNumInputArrays() != 1 || net.getNumOutputArrays() != 1) return Optional.empty();
        Layer embed = null, output = null;
        List<Layer> lstms = new ArrayList<>();
        GraphVertex[] vertices = net.getVertices();
        String previous = net.getConfiguration().getNetworkInputs().get(0);
        for (int index : net.topologicalSortOrder()) {
            GraphVertex v = vertices[index];
            if (v.isInputVertex()) continue;
            // a chain: each vertex reads exactly the one before it
            List<String> inputs = net.getConfiguration().getVertexInputs().get(v.getVertexName());
            if (inputs == null || inputs.size() != 1 || !inputs.get(0).equals(previous) || !v.hasLayer() || output != null)
                return Optional.empty();
            Layer layer = v.getLayer();
            if (layer.getParam(DefaultParamInitializer.WEIGHT_KEY) == null
                    || layer.getParam(DefaultParamInitializer.WEIGHT_KEY).dataType() != DataType.FLOAT) return Optional.empty();
            if (embed == null) {
                if (!(layer.conf().getLayer() instanceof EmbeddingSequenceLayer e)
                        || !(e.getActivationFn() instanceof ActivationIdentity)) return Optional.empty();
                embed = layer;
            } else if (layer instanceof FastLstmLayer && ((org.rnnzoo.layers.FastLstm) layer.conf().getLayer()).getInitialStateWidth() == 0) {
                lstms.add(layer);
            } else if (layer instanceof FusedSoftmaxOutputLayer && !lstms.isEmpty()) {
                output = layer;
            } else {
                return Optional.empty();
            }
            previous = v.getVertexName();
        }
        return output == null ? Optional.empty() : Optional.of(new HeapLstmDecoder(embed, lstms, output, threads));
    }

    public int vocabulary() { return out.cols; }

    /** Zero state, as after {@code rnnClearPreviousState()}. */
    public void reset() {
        for (float[] a : h) java.util.Arrays.fill(a, 0f);
        for (float[] a : c) java.util.Arrays.fill(a, 0f);
    }

    /**
     * Feeds one token and returns the next-token distribution: {@link #advance} then
     * {@link #probabilities}. The returned array is this decoder's own and is overwritten by the next call.
     */
    public float[] step(int token) {
        advance(token);
        return probabilities();
    }

    /** Feeds one token: the state moves on, no distribution is computed (a prompt's tokens but the last). */
    public void advance(int token) {
        if (token < 0 || token >= vocab) throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + vocab);
        System.arraycopy(table, token * embedding, x, 0, embedding);
        if (tableBias != null) for (int i = 0; i < embedding; i++) x[i] += tableBias[i];
        // phase l < L: layer l (each reads all of the layer below, so a phase ends before the next)
        for (int phase = 0; phase < layers; phase++) TwoLanes.run(work, phase, shares.length);
        float[][] swap = h;
        h = hNext;
        hNext = swap;
    }

    /**
     * The next-token distribution after the tokens fed so far, from the float weights. The returned
     * array is this decoder's own and is overwritten by its next call (and by {@link #sample}).
     */
    public float[] probabilities() {
        floatPhase(1, NONE);
        // combine the shares' partial softmaxes: factor_k = exp(m_k − M) / Σ_j s_j·exp(m_j − M)
        float max = Float.NEGATIVE_INFINITY;
        for (Share s : shares) max = Math.max(max, s.max);
        double total = 0;
        for (Share s : shares) total += s.sum * Math.exp(s.max - max);
        for (Share s : shares) VectorMath.scale(probs, s.fromColumn, s.toColumn, (float) (Math.exp(s.max - max) / total));
        return probs;
    }

    /**
     * Draws the next token from softmax(logits / temperature) over every id but {@code excluded},
     * after the tokens fed so far; the state does not move. Exact for that distribution, but not
     * computed from it: the logits' upper bounds from the byte copy of the output weights
     * ({@link QuantizedMatrix}) give a proposal q_j ∝ exp(bound_j); a token j drawn from it is kept
     * with probability exp(l_j / T) / exp(bound_j) ≤ 1 from its exact logit l_j, else another is drawn
     * from the same q (rejection sampling: what is kept is distributed as exp(l / T), whatever q is, as
     * long as q stands above it). The bytes are a quarter of the float weights, which a token otherwise
     * reads from memory; a rejection costs one more draw and one 200-term dot product, no pass over W.
     */
    public int sample(double temperature, int[] excluded, java.util.SplittableRandom rng) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, not " + temperature);
        proposalPhase(temperature, excluded);
        float[] top = h[layers - 1];
        double invT = 1 / temperature;
        for (int draw = 0; draw < MAX_PROPOSALS; draw++) {
            int j = pick(bounds, rng);
            proposals++;
            Share from = shareOf(j);
            double keep = Math.exp(quantized.exactLogit(top, j) * invT - from.max) / bounds[j];
            if (keep > 1) boundViolations++;
            if (rng.nextDouble() < keep) {
                samples++;
                return j;
            }
        }
        // Rarely (a very low temperature magnifies the bounds' slack): the float logits / T instead.
        // Still exact: every proposal is kept with the same overall probability, and a kept token is
        // distributed as softmax(l / T) whichever draw kept it, so giving up after n draws and sampling
        // that distribution directly changes nothing.
        floatPhase(temperature, excluded);
        fallbacks++;
        samples++;
        return pick(probs, rng);
    }

    /** Each share's exp(bound / T − its max) in bounds, and its max and sum. */
    private void proposalPhase(double temperature, int[] excluded) {
        if (quantized == null) quantized = QuantizedMatrix.of(outColumns, outBias, out.rows, out.cols);
        float[] norms = quantized.norms(h[layers - 1]);
        sampleNorm2 = norms[0];
        sampleNorm1 = norms[1];
        runPhase(layers + 1, temperature, excluded);
    }

    /** Each share's exp(z / T − its max) from the float weights in probs, and its max and sum. */
    private void floatPhase(double temperature, int[] excluded) {
        runPhase(layers, temperature, excluded);
    }

    private void runPhase(int phase, double temperature, int[] excluded) {
        inverseTemperature = (float) (1 / temperature);
        this.excluded = excluded;
        TwoLanes.run(work, phase, shares.length);
        descending = ALTERNATE && shares.length == 2 && !descending;
    }

    /** A draw from the values the last phase left in {@code values}: each share's exp(z − its max). */
    private int pick(float[] values, java.util.SplittableRandom rng) {
        float max = Float.NEGATIVE_INFINITY;
        for (Share s : shares) max = Math.max(max, s.max);
        double total = 0;
        for (Share s : shares) total += s.mass(max);
        if (!(total > 0)) throw new IllegalStateException("every token is excluded or has probability 0");
        double u = rng.nextDouble() * total;
        Share pick = null;
        for (Share s : shares) {
            double mass = s.mass(max);
            if (mass > 0) pick = s;
            if (u < mass) break;
            u -= mass;
        }
        // within the share its values are exp(z − m_k): u in those units
        return VectorMath.locate(values, pick.fromColumn, pick.toColumn, u / Math.exp(pick.max - max));
    }

    private Share shareOf(int column) {
        for (Share s : shares) if (column < s.toColumn) return s;
        return shares[shares.length - 1];
    }

    /** Tokens {@link #sample} drew from the float logits after {@link #MAX_PROPOSALS} rejections. */
    public long fallbacks() { return fallbacks; }

    /** Tests: proposals from integers in [−levels, levels] instead of bytes (coarser: more rejections). */
    void quantizeWith(int levels) {
        quantized = QuantizedMatrix.of(outColumns, outBias, out.rows, out.cols, levels);
    }

    /** Tests: the proposal {@link #sample} draws from in the current state, normalised (excluded ids 0). */
    double[] proposal(double temperature, int[] excluded) {
        proposalPhase(temperature, excluded);
        double[] q = new double[out.cols];
        float max = Float.NEGATIVE_INFINITY;
        for (Share s : shares) max = Math.max(max, s.max);
        double total = 0;
        for (Share s : shares) {
            double f = Math.exp(s.max - max);
            for (int j = s.fromColumn; j < s.toColumn; j++) total += q[j] = s.max == Float.NEGATIVE_INFINITY ? 0 : bounds[j] * f;
        }
        for (int j = 0; j < q.length; j++) q[j] /= total;
        return q;
    }

    /** Draws made by {@link #sample} so far, kept or not. */
    public long proposals() { return proposals; }

    /** Tokens {@link #sample} returned so far. */
    public long samples() { return samples; }

    /** Draws whose exact logit stood above its bound (a broken bound; 0 unless there is a bug). */
    public long boundViolations() { return boundViolations; }

    private void runShare(int phase, int lane) {
        Share s = shares[lane];
        if (phase < layers) {
            float[] input = phase == 0 ? x : hNext[phase - 1];
            PackedMatrix.lstmStep(s.w[phase], s.rw[phase], s.bias[phase], input, h[phase], c[phase], hNext[phase],
                    s.firstUnit[phase], s.z, s.tanhC);
            return;
        }
        // phase L: z = the float logits / T in probs; phase L + 1: z = their upper bounds / T in bounds
        float[] top = h[layers - 1], z = phase == layers ? probs : bounds;
        if (phase == layers) {
            out.multiply(top, outBias, z, s.fromBlock, s.toBlock, descending);
            if (inverseTemperature != 1) VectorMath.scale(z, s.fromColumn, s.toColumn, inverseTemperature);
        } else {
            quantized.upperBounds(top, sampleNorm2, sampleNorm1, inverseTemperature, z, s.fromBlock, s.toBlock, descending);
        }
        s.max = excludeAndMax(z, s);
        s.sum = s.max == Float.NEGATIVE_INFINITY ? 0 : VectorMath.expShifted(z, s.fromColumn, s.toColumn, s.max);
    }

    /** Sets the excluded ids in this share's columns of z to −∞ and returns the share's max. */
    private float excludeAndMax(float[] z, Share s) {
        for (int id : excluded) if (id >= s.fromColumn && id < s.toColumn) z[id] = Float.NEGATIVE_INFINITY;
        return VectorMath.max(z, s.fromColumn, s.toColumn);
    }
}
