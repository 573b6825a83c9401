package org.rnnzoo.layers;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Map;
import java.util.Objects;

/**
 * A highway connection around a layer H (Srivastava, Greff &amp; Schmidhuber 2015, "Highway
 * Networks", eq. 3 with C = 1 − T) as one vertex: y = T⊙H(x) + (1 − T)⊙C, computed as
 * C + T⊙(H(x) − C), with the transform gate T = σ(W_T·x + b_T) read from the layer's input x.
 * C is x itself, or, where x is not as wide as H(x), a projection of it (a third input).
 *
 * <p>Inputs, all {@code [batch, features, time]}: {@code x} ({@code inputWidth} wide), {@code h}
 * = H(x) ({@code width} wide) and, only when {@code inputWidth ≠ width}, {@code carry} ({@code width}
 * wide). Parameters: {@code W} {@code [inputWidth, width]} (the network's weight init) and {@code b}
 * {@code [1, width]}, initialised to {@code gateBias} — negative (sec. 2.2: −1 to −3) so the
 * connection starts by carrying its input and a deep stack trains from the first step.
 *
 * <p>Masks pass through as in DL4J's element-wise vertices (the output at a padded step is not
 * zeroed; the layers and the loss read the mask). The configuration is a DL4J SameDiff vertex for its
 * parameter, updater and JSON plumbing; {@link HighwayGate} computes it, forward and backward, in a
 * few matrix products and one Java pass (HighwayGateVertexTest checks it against finite differences).
 */
public class HighwayGateVertex extends SameDiffVertex {
    private long inputWidth, width;
    private double gateBias;
    private IWeightInit weightInit;

    /** For Jackson (checkpoints). */
    public HighwayGateVertex() {}

    /**
     * @param inputWidth features of x, which the gate reads
     * @param width      features of H(x), of the carried input and of the output
     * @param gateBias   the initial b_T
     */
    public HighwayGateVertex(long inputWidth, long width, double gateBias) {
        this.inputWidth = inputWidth;
        this.width = width;
        this.gateBias = gateBias;
    }

    /** Whether the carried input is a third input (x is narrower or wider than H(x)). */
    public boolean carriesProjection() { return inputWidth != width; }

    // bean accessors: DL4J's JSON mapper (a checkpoint's configuration) reads and writes these fields through them
    public long getInputWidth() { return inputWidth; }
    public void setInputWidth(long inputWidth) { this.inputWidth = inputWidth; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; }
    public double getGateBias() { return gateBias; }
    public void setGateBias(double gateBias) { this.gateBias = gateBias; }
    public IWeightInit getWeightInit() { return weightInit; }
    public void setWeightInit(IWeightInit weightInit) { this.weightInit = weightInit; }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.clear();
        if (carriesProjection()) params.defineInputs("x", "h", "carry");
        else params.defineInputs("x", "h");
        params.addWeightParam("W", inputWidth, width);
        params.addBiasParam("b", 1, width);
    }

    /** The weight init of the network, as a dense layer would take it (the card's uniform ±init_scale). */
    @Override
    public void applyGlobalConfigToLayer(NeuralNetConfiguration.Builder global) {
        if (weightInit == null) weightInit = global.getWeightInitFn();
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            IWeightInit init = weightInit != null ? weightInit : new WeightInitXavier();
            INDArray w = params.get("W");
            init.init(inputWidth, width, w.shape(), 'c', w);
            params.get("b").assign(gateBias);
        }
    }

    /** Not used: {@link HighwayGate} runs the forward and backward passes itself. */
    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        throw new UnsupportedOperationException("HighwayGate computes this vertex in ND4J and Java, not SameDiff");
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int index, INDArray paramsView,
                                                                      boolean initialize, DataType dataType) {
        setName(name);   // as SameDiffVertex.instantiate does: the updater finds the vertex by it
        return new HighwayGate(this, graph, name, index, paramsView, initialize, dataType);
    }

    /** As DL4J's ElementWiseVertex: no mask if any input has none, else a step is real where any input's is. */
    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        if (maskArrays == null) return Pair.of(null, currentMaskState);
        INDArray merged = maskArrays[0];
        for (INDArray m : maskArrays) {
            if (m == null) return Pair.of(null, currentMaskState);
            if (m != merged) merged = Transforms.max(merged, m, true);
        }
        return Pair.of(merged, currentMaskState);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.recurrent(width, ((InputType.InputTypeRecurrent) inputs[1]).getTimeSeriesLength());
    }

    @Override
    public HighwayGateVertex clone() {
        HighwayGateVertex c = new HighwayGateVertex(inputWidth, width, gateBias);
        c.weightInit = weightInit;
        return LayerWiring.withSettingsOf(c, this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HighwayGateVertex v && super.equals(o) && inputWidth == v.inputWidth && width == v.width
                && gateBias == v.gateBias && Objects.equals(weightInit, v.weightInit);
    }

    @Override
    public int hashCode() { return Objects.hash(super.hashCode(), inputWidth, width, gateBias, weightInit); }
}
