package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's {@code MergeVertex} (features of several inputs side by side), with sequences
 * {@code [batch, features, time]} joined in Java. libnd4j's concat reads inputs that are not
 * c-ordered — a recurrent layer's output is a permuted view of its time-major storage — element by
 * element through index arithmetic, which made two merges 15% of a seq2seq training step
 * (docs/performance.md, "Seq2seq and classifier training"). Other ranks and axes take DL4J's path.
 */
public class FastMergeVertex extends MergeVertex {
    public FastMergeVertex() {}

    @Override
    public FastMergeVertex clone() {
        FastMergeVertex c = new FastMergeVertex();
        c.setMergeAxis(getMergeAxis());
        return c;
    }

    @Override
    public boolean equals(Object o) { return o instanceof FastMergeVertex && super.equals(o); }

    @Override
    public int hashCode() { return 31 * super.hashCode() + 2; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype, getMergeAxis());
    }

    static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.MergeVertex {
        private final int axis;
        /** Each input's feature count in the last forward pass through Java; null when DL4J's path took it. */
        private long[] widths;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType, int axis) {
            super(graph, name, idx, dataType, axis);
            this.axis = axis;
        }

        private boolean ours(INDArray[] xs) {
            if (axis != 1 || xs.length < 2) return false;
            for (INDArray x : xs) if (x.rank() != 3 || x.dataType() != xs[0].dataType()) return false;
            return true;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!ours(inputs)) {
                widths = null;
                return super.doForward(training, workspaceMgr);
            }
            int b = (int) inputs[0].size(0), t = (int) inputs[0].size(2);
            widths = new long[inputs.length];
            int features = 0;
            for (int i = 0; i < inputs.length; i++) features += (int) (widths[i] = inputs[i].size(1));
            Object out = StridedArrays.array(inputs[0].dataType(), b * features * t);
            int offset = 0;
            for (int i = 0; i < inputs.length; i++) {
                int w = (int) widths[i];
                int[] to = new int[b * w * t];
                for (int n = 0, k = 0; n < b; n++)
                    for (int c = 0; c < w; c++)
                        for (int s = 0; s < t; s++) to[k++] = ((n * features) + offset + c) * t + s;
                StridedArrays.copy(inputs[i], out, to);
                offset += w;
            }
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, StridedArrays.create(out, new long[]{b, features, t}, inputs[0].dataType()));
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (widths == null) return super.doBackward(tbptt, workspaceMgr);
            INDArray[] out = new INDArray[widths.length];
            long offset = 0;
            for (int i = 0; i < widths.length; i++) {
                INDArray slice = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + widths[i]), NDArrayIndex.all());
                out[i] = workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, StridedArrays.compact(slice));
                offset += widths[i];
            }
            return new Pair<>(null, out);
        }
    }
}
