package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An identity vertex that keeps a copy of the gradient flowing back through it: inserted on the
 * edge into a recurrent layer, it records ∂L/∂x_t for every step t of the layer's input, which
 * DL4J computes but does not expose (a vertex's epsilon lives in a workspace and is gone after
 * backprop). A measuring tool for {@code zoo gradients}, never part of a zoo network.
 */
public final class GradientProbe extends ScaleVertex {
    public GradientProbe() { super(1.0); }

    @Override
    public GradientProbe clone() { return new GradientProbe(); }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype);
    }

    /** The runtime vertex: identity forward; backward passes the gradient on and keeps a detached copy. */
    public static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.ScaleVertex {
        private INDArray recorded;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) { super(graph, name, idx, 1.0, dataType); }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            recorded = getEpsilon().detach();
            return super.doBackward(tbptt, workspaceMgr);
        }

        /** The last backward pass's gradient w.r.t. this vertex's output, [batch, features, time]. */
        public INDArray recorded() { return recorded; }
    }
}
