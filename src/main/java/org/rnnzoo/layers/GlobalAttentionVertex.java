package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitUtil;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnzoo.common.ZooException;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Global attention of a decoder over an encoder (Luong, Pham &amp; Manning 2015, §3.1): for every
 * decoder state h_t (the queries, {@code [batch, Hq, T]}) a score against every encoder state h̄_s
 * (the keys, {@code [batch, Hk, S]}), a softmax over the source positions, and the context vector
 * c_t = Σ_s a_ts h̄_s ({@code [batch, Hk, T]}). Three scores (Luong eq. 8):
 * <ul>
 *   <li>{@code dot}: h_t · h̄_s (no parameters; Hq = Hk);</li>
 *   <li>{@code general}: h_t^T W_a h̄_s, a bilinear form ({@code Wa} is {@code [Hq, Hk]});</li>
 *   <li>{@code additive}: v^T tanh(W_1 h̄_s + W_2 h_t), Bahdanau, Cho &amp; Bengio (2015)'s MLP score
 *       ({@code W1} {@code [A, Hk]}, {@code W2} {@code [A, Hq]}, {@code v} {@code [1, A]}).</li>
 * </ul>
 * Unlike DL4J's {@code AttentionVertex} (scaled dot product, projected values and output) the scores
 * are unscaled and the context is a mix of the encoder states themselves, as in the paper.
 *
 * <p>Masks: a source position whose key mask is 0 gets score −10⁹, so weight 0 (exactly, after the
 * softmax's max subtraction); the output is multiplied by the query mask, so padded decoder steps give
 * zero context. The configuration is a DL4J SameDiff vertex (for its parameter, updater and JSON
 * plumbing); {@link GlobalAttention} computes it, forward and backward, checked against finite
 * differences (GlobalAttentionVertexTest).
 */
public class GlobalAttentionVertex extends SameDiffVertex {
    public static final List<String> SCORES = List.of("dot", "general", "additive");
    /** Added to the score of a masked source position: its weight underflows to exactly 0. */
    private static final double MASKED = -1e9;

    private String score;
    private long queries, keys, width;
    /** Scores divided by √keys (Vaswani et al.'s scaled dot product); false, Luong's unscaled scores, in a checkpoint without the field. */
    private boolean scaled;

    /** For Jackson (checkpoints). */
    public GlobalAttentionVertex() {}

    /**
     * @param queries width of the decoder states
     * @param keys    width of the encoder states (and of the context)
     * @param width   A, the hidden width of the additive score (ignored by the others)
     */
    public GlobalAttentionVertex(String score, long queries, long keys, long width) {
        if (!SCORES.contains(score)) throw new ZooException("bad value for score: '" + score + "' (expected " + String.join(", ", SCORES) + ")");
        if (score.equals("dot") && queries != keys)
            throw new ZooException("score: dot needs decoder and encoder states of one width; they are " + queries + " and " + keys
                    + " (use general or additive)");
        this.score = score;
        this.queries = queries;
        this.keys = keys;
        this.width = width;
    }

    /** The same vertex with its scores divided by √keys: a softmax that starts, and stays longer, soft. */
    public GlobalAttentionVertex scaled(boolean scaled) {
        this.scaled = scaled;
        return this;
    }

    public String score() { return score; }

    /** What every score is multiplied by before the softmax: 1, or 1/√keys. */
    double scoreScale() { return scaled ? 1.0 / Math.sqrt(keys) : 1.0; }

    // bean accessors: DL4J's JSON mapper (a checkpoint's configuration) reads and writes these fields through them
    public String getScore() { return score; }
    public void setScore(String score) { this.score = score; }
    public long getQueries() { return queries; }
    public void setQueries(long queries) { this.queries = queries; }
    public long getKeys() { return keys; }
    public void setKeys(long keys) { this.keys = keys; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; }
    public boolean isScaled() { return scaled; }
    public void setScaled(boolean scaled) { this.scaled = scaled; }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.clear();
        params.defineInputs("queries", "keys");
        switch (score) {
            case "general" -> params.addWeightParam("Wa", queries, keys);
            case "additive" -> {
                params.addWeightParam("W1", width, keys);
                params.addWeightParam("W2", width, queries);
                params.addWeightParam("v", 1, width);
            }
            default -> { }
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                long[] shape = e.getValue().shape();
                WeightInitUtil.initWeights(shape[1], shape[0], shape, WeightInit.XAVIER, null, 'c', e.getValue());
            }
        }
    }

    /** Not used: {@link GlobalAttention} runs the forward and backward passes itself. */
    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        throw new UnsupportedOperationException("GlobalAttention computes this vertex in ND4J, not SameDiff");
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int index, INDArray paramsView,
                                                                      boolean initialize, DataType dataType) {
        setName(name);   // as SameDiffVertex.instantiate does: the updater finds the vertex by it
        return new GlobalAttention(this, graph, name, index, paramsView, initialize, dataType);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        // the output is one vector per decoder step: it carries the queries' (the target's) mask on
        return maskArrays == null ? Pair.of(null, currentMaskState) : Pair.of(maskArrays[0], currentMaskState);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.recurrent(keys, ((InputType.InputTypeRecurrent) inputs[0]).getTimeSeriesLength());
    }

    @Override
    public GlobalAttentionVertex clone() {
        GlobalAttentionVertex c = new GlobalAttentionVertex();
        c.score = score;
        c.queries = queries;
        c.keys = keys;
        c.width = width;
        c.scaled = scaled;
        return LayerWiring.withSettingsOf(c, this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GlobalAttentionVertex v && super.equals(o) && Objects.equals(score, v.score) && queries == v.queries
                && keys == v.keys && width == v.width && scaled == v.scaled;
    }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), score, queries, keys, width, scaled); }
}
