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
 * allocates nothing.
 *
 * <p>A decoder is a snapshot: it reads the parameters when created and does not see later training.
 * It carries its own state (the graph's rnnTimeStep state is untouched). {@link #of} returns empty
 * for any other graph shape, double precision, or without the Vector API, and callers fall back to
 * rnnTimeStep.
 */
public final class HeapLstmDecoder {
    private final int vocab, embedding;
    private final float[] table;              // [vocab, embedding] row-major
    private final float[] tableBias;          // null when the embedding has no bias
    private final PackedMatrix[] w, rw;       // per layer: [nIn, 4H], [H, 4H]
    private final float[][] bias;             // per layer: [4H], gate order [g | f | o | i] as FastLstm
    private final float[][] h, c;             // per layer state
    private final PackedMatrix out;           // [H, vocab]
    private final float[] outBias;
    private final float[] x, z, tanhC, probs;

    private HeapLstmDecoder(Layer embed, List<Layer> lstms, Layer output) {
        INDArray t = embed.getParam(DefaultParamInitializer.WEIGHT_KEY);
        vocab = (int) t.size(0);
        embedding = (int) t.size(1);
        table = t.dup('c').data().asFloat();
        INDArray tb = embed.getParam(DefaultParamInitializer.BIAS_KEY);
        tableBias = tb == null ? null : tb.dup('c').data().asFloat();
        int layers = lstms.size(), maxGates = 0, maxIn = embedding;
        w = new PackedMatrix[layers];
        rw = new PackedMatrix[layers];
        bias = new float[layers][];
        h = new float[layers][];
        c = new float[layers][];
        for (int l = 0; l < layers; l++) {
            Layer a = lstms.get(l);
            w[l] = PackedMatrix.of(a.getParam(FastLstmParams.INPUT_WEIGHT_KEY));
            rw[l] = PackedMatrix.of(a.getParam(FastLstmParams.RECURRENT_WEIGHT_KEY));
            bias[l] = a.getParam(FastLstmParams.BIAS_KEY).dup('c').data().asFloat();
            int size = rw[l].rows;
            h[l] = new float[size];
            c[l] = new float[size];
            maxGates = Math.max(maxGates, 4 * size);
            maxIn = Math.max(maxIn, size);
        }
        out = PackedMatrix.of(output.getParam(DefaultParamInitializer.WEIGHT_KEY));
        outBias = output.getParam(DefaultParamInitializer.BIAS_KEY).dup('c').data().asFloat();
        x = new float[maxIn];
        z = new float[maxGates];
        tanhC = new float[maxGates / 4];
        probs = new float[out.cols];
    }

    /** A decoder for {@code net} when it is an embedding → FastLstm… → fused-softmax chain in float; else empty. */
    public static Optional<HeapLstmDecoder> of(ComputationGraph net) {
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
        return output == null ? Optional.empty() : Optional.of(new HeapLstmDecoder(embed, lstms, output));
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
        for (int l = 0; l < w.length; l++) {
            PackedMatrix.lstmStep(w[l], rw[l], bias[l], x, h[l], c[l], z, tanhC);
            System.arraycopy(h[l], 0, x, 0, h[l].length);
        }
        out.multiply(x, outBias, probs);
        VectorMath.softmaxRows(probs, 1, probs.length);
        return probs;
    }
}
