package org.rnnzoo.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.rnnzoo.common.ZooException;
import org.rnnzoo.kernels.Switches;

import java.util.HashMap;
import java.util.Map;

/**
 * A ComputationGraph under construction that knows the width of every vertex added so far, so an
 * architecture file can write a residual add, a highway gate, a dense concatenation or an
 * attention vertex where its idea is, and ask how wide the thing it connects to is. Every zoo
 * network starts here, with the card's seed, updater and initialisation.
 */
public final class ZooGraph {
    /**
     * DL4J's workspace mode, ENABLED (its default) unless {@code -Drnnzoo.workspaces=none}: a switch
     * for measuring what workspaces give (docs/performance.md#switches), not a setting.
     */
    private static final WorkspaceMode WORKSPACES = Switches.NO_WORKSPACES ? WorkspaceMode.NONE : WorkspaceMode.ENABLED;

    private final ComputationGraphConfiguration.GraphBuilder builder;
    private final Map<String, Integer> widths = new HashMap<>();

    private ZooGraph(ComputationGraphConfiguration.GraphBuilder builder) { this.builder = builder; }

    /**
     * A graph with the card's seed, updater ({@code optimizer}, {@code lr}) and uniform
     * initialisation in ±{@code init_scale} (Zaremba et al. 2014 initialise every weight that way).
     *
     * @param inputs network input names with their widths (1 for a sequence of ids)
     */
    public static ZooGraph start(ModelCard card, Map<String, Integer> inputs) {
        double scale = card.getDouble("init_scale");
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .seed(card.getLong("seed"))
                .updater(updater(card))
                .weightInit(new UniformDistribution(-scale, scale))
                .trainingWorkspaceMode(WORKSPACES)
                .inferenceWorkspaceMode(WORKSPACES)
                .graphBuilder();
        ZooGraph g = new ZooGraph(b);
        inputs.forEach((name, width) -> {
            b.addInputs(name);
            g.widths.put(name, width);
        });
        return g;
    }

    /** Adds a layer reading {@code inputs}; its width is the layer's nOut. Returns its name. */
    public String layer(String name, Layer layer, String... inputs) {
        builder.addLayer(name, layer, inputs);
        widths.put(name, nOut(name, layer));
        return name;
    }

    /** Adds a layer whose width is not its nOut (pooling, for one). Returns its name. */
    public String layer(String name, Layer layer, int width, String... inputs) {
        builder.addLayer(name, layer, inputs);
        widths.put(name, width);
        return name;
    }

    /** Adds a vertex (add, merge, gate, attention ...) of the given output width. Returns its name. */
    public String vertex(String name, GraphVertex vertex, int width, String... inputs) {
        builder.addVertex(name, vertex, inputs);
        widths.put(name, width);
        return name;
    }

    /** The width (features per time step) of a vertex or input added before. */
    public int width(String name) {
        Integer w = widths.get(name);
        if (w == null) throw new IllegalArgumentException("no vertex '" + name + "' in the graph yet");
        return w;
    }

    /** DL4J's own builder, for graph-wide settings (truncated BPTT lengths). */
    public ComputationGraphConfiguration.GraphBuilder dl4j() { return builder; }

    /** Sets the outputs, builds and initialises the network. */
    public ComputationGraph build(String... outputs) {
        builder.setOutputs(outputs);
        ComputationGraph net = new ComputationGraph(builder.build());
        net.init();
        return net;
    }

    /**
     * The card's {@code embedding_init} on an embedding layer: {@code uniform}, the graph's
     * ±{@code init_scale} (also for a card without the key), or {@code normal}, N(0, 1) as
     * PyTorch's {@code nn.Embedding} initialises.
     */
    static <L extends BaseLayer> L embeddingInit(ModelCard card, L embedding) {
        String init = card.has("embedding_init") ? card.getString("embedding_init") : "uniform";
        switch (init) {
            case "uniform" -> { }   // left unset: the graph's weightInit fills it in
            case "normal" -> embedding.setWeightInitFn(new WeightInitDistribution(new NormalDistribution(0, 1)));
            default -> throw new ZooException("bad value for embedding_init: '" + init + "' (expected uniform or normal)");
        }
        return embedding;
    }

    static IUpdater updater(ModelCard card) {
        double lr = card.getDouble("lr");
        return switch (card.getString("optimizer")) {
            case "sgd" -> new Sgd(lr);
            case "adam" -> new Adam(lr);
            default -> throw new ZooException("bad value for optimizer: '" + card.getString("optimizer") + "' (expected sgd or adam)");
        };
    }

    private static int nOut(String name, Layer layer) {
        if (layer instanceof FeedForwardLayer ff) return (int) ff.getNOut();
        if (layer instanceof BaseRecurrentLayer r) return (int) r.getNOut();
        throw new IllegalArgumentException("layer '" + name + "': width unknown for " + layer.getClass().getSimpleName()
                + "; add it with vertex(...) and its width");
    }
}
