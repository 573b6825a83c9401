package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

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
 * per token, {@code rnnTimeStep} spent more time on arrays than on the model (docs/performance.md).
 * Here the weights are copied once, packed for one-row products ({@link PackedMatrix}), and a step
 * creates no ND4J arrays.
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
    private final Share[] shares;             // one per lane
    private final TwoLanes.Work work = this::runShare;
    /**
     * Which way this step walks the output matrix: with two lanes it alternates (see
     * PackedMatrix#multiply). Measured on a host with 2 MB of L2 a core: two lanes, each reading
     * 4.6 MB a token, +4–7%; one lane, reading all 10.6 MB, 0 to −3% (nothing of the last pass
     * is left in L2 by then), so one lane always ascends (docs/performance.md, eleventh session).
     */
    private boolean descending;
    /** -Drnnzoo.decoderAlternates=false: always ascending, for measuring what alternating gives. */
    private static final boolean ALTERNATE = !"false".equals(System.getProperty("rnnzoo.decoderAlternates"));

    /** What one thread computes: a range of units in every LSTM layer and a range of output blocks. */
    private static final class Share {
        final PackedMatrix[] w, rw;           // per layer, this share's units' gate columns
        final float[][] bias;
        final int[] firstUnit;
        final int fromBlock, toBlock;         // output blocks …
        final int fromColumn, toColumn;       // … and the vocabulary columns they hold
        final float[] z, tanhC;
        float max;
        double sum;

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
        out = PackedMatrix.of(output.getParam(DefaultParamInitializer.WEIGHT_KEY));
        outBias = output.getParam(DefaultParamInitializer.BIAS_KEY).dup('c').data().asFloat();
        probs = new float[out.cols];
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
            } else if (layer instanceof FastLstmLayer) {
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
     * Feeds one token and returns the next-token distribution. The returned array is this
     * decoder's own and is overwritten by the next call.
     */
    public float[] step(int token) {
        if (token < 0 || token >= vocab) throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + vocab);
        System.arraycopy(table, token * embedding, x, 0, embedding);
        if (tableBias != null) for (int i = 0; i < embedding; i++) x[i] += tableBias[i];
        // phases 0…L-1: the layers (each reads all of the layer below, so a phase ends before the next);
        // phase L: the output logits and each share's exp(z − its own max)
        for (int phase = 0; phase <= layers; phase++) TwoLanes.run(work, phase, shares.length);
        descending = ALTERNATE && shares.length == 2 && !descending;
        float[][] swap = h;
        h = hNext;
        hNext = swap;
        // combine the shares' partial softmaxes: factor_k = exp(m_k − M) / Σ_j s_j·exp(m_j − M)
        float max = Float.NEGATIVE_INFINITY;
        for (Share s : shares) max = Math.max(max, s.max);
        double total = 0;
        for (Share s : shares) total += s.sum * Math.exp(s.max - max);
        for (Share s : shares) VectorMath.scale(probs, s.fromColumn, s.toColumn, (float) (Math.exp(s.max - max) / total));
        return probs;
    }

    private void runShare(int phase, int lane) {
        Share s = shares[lane];
        if (phase < layers) {
            float[] input = phase == 0 ? x : hNext[phase - 1];
            PackedMatrix.lstmStep(s.w[phase], s.rw[phase], s.bias[phase], input, h[phase], c[phase], hNext[phase],
                    s.firstUnit[phase], s.z, s.tanhC);
            return;
        }
        out.multiply(hNext[layers - 1], outBias, probs, s.fromBlock, s.toBlock, descending);
        s.max = VectorMath.max(probs, s.fromColumn, s.toColumn);
        s.sum = VectorMath.expShifted(probs, s.fromColumn, s.toColumn, s.max);
    }
}
