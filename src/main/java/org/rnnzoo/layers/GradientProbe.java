package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * An identity vertex that keeps a copy of what flows through it, forward and back: inserted after a
 * vertex, it records that vertex's output and ∂L/∂(output) for every step, which DL4J computes but
 * does not expose (a vertex's epsilon lives in a workspace and is gone after backprop). A measuring
 * tool for {@code zoo gradients} (the input of each recurrent layer) and {@code zoo predict --saliency}
 * (the word embeddings), never part of a zoo network.
 */
public final class GradientProbe extends ScaleVertex {
    public GradientProbe() { super(1.0); }

    /** Where a probe goes: named {@code name}, it reads {@code from}, and {@code readers} read it instead of {@code from}. */
    public record Placement(String name, String from, List<String> readers) {}

    @Override
    public GradientProbe clone() { return new GradientProbe(); }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype);
    }

    /**
     * A copy of {@code net} with the same parameters and the probes placed; dropout off (the gradient of the model,
     * not of a dropout mask), standard backprop over the whole input, and no workspaces, so that what the probes
     * record outlives the pass.
     */
    public static ComputationGraph copyWith(ComputationGraph net, List<Placement> probes) {
        ComputationGraphConfiguration conf = net.getConfiguration().clone();
        for (GraphVertex v : conf.getVertices().values())
            if (v instanceof LayerVertex lv) lv.getLayerConf().getLayer().setIDropout(null);
        for (Placement p : probes) {
            conf.getVertices().put(p.name(), new GradientProbe());
            conf.getVertexInputs().put(p.name(), List.of(p.from()));
            for (String reader : p.readers()) {
                List<String> in = new ArrayList<>(conf.getVertexInputs().get(reader));
                in.replaceAll(x -> x.equals(p.from()) ? p.name() : x);
                conf.getVertexInputs().put(reader, in);
            }
        }
        conf.setTopologicalOrder(null);   // recomputed with the probes in place
        conf.setTopologicalOrderStr(null);
        conf.setBackpropType(BackpropType.Standard);
        conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
        conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        ComputationGraph probed = new ComputationGraph(conf);
        probed.init();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {   // by name: the probes may change the flattened order
            String name = layer.conf().getLayer().getLayerName();
            layer.paramTable().forEach((k, p) -> probed.getLayer(name).setParam(k, p.dup()));
        }
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : net.getVertices())   // vertices with parameters (a highway gate)
            if (!v.hasLayer() && v.numParams() > 0)
                v.paramTable(false).forEach((k, p) -> probed.getVertex(v.getVertexName()).paramTable(false).get(k).assign(p));
        return probed;
    }

    /** The runtime vertex: identity forward and backward, keeping detached copies of the activation and its gradient. */
    public static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex {
        private INDArray recorded, input;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) { super(graph, name, idx, 1.0, dataType); }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            input = getInputs()[0].detach();
            return super.doForward(training, workspaceMgr);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            recorded = getEpsilon().detach();
            return super.doBackward(tbptt, workspaceMgr);
        }

        /** The last backward pass's gradient w.r.t. this vertex's output, [batch, features, time]. */
        public INDArray recorded() { return recorded; }

        /** The last forward pass's activation through this vertex (what the gradient is taken with respect to). */
        public INDArray input() { return input; }
    }
}
