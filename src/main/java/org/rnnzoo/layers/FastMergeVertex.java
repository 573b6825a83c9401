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
            for (INDArray x : xs)
                if (x.rank() != 3 || x.dataType() != xs[0].dataType() || !StridedArrays.supports(x.dataType())
                        || x.size(0) != xs[0].size(0) || x.size(2) != xs[0].size(2)) return false;   // DL4J's path says what is wrong
            return true;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            if (!ours(inputs)) {
                widths = null;
                return super.doForward(training, workspaceMgr);
            }
            long features = 0;
            widths = new long[inputs.length];
            for (int i = 0; i < inputs.length; i++) features += widths[i] = inputs[i].size(1);
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(),
                    new long[]{inputs[0].size(0), features, inputs[0].size(2)}, 'c');
            long offset = 0;
            for (int i = 0; i < inputs.length; i++) {
                StridedArrays.gather(inputs[i], (example, step) -> step, out, offset);
                offset += widths[i];
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (widths == null) return super.doBackward(tbptt, workspaceMgr);
            INDArray[] out = new INDArray[widths.length];
            long offset = 0;
            for (int i = 0; i < widths.length; i++) {
                INDArray slice = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + widths[i]), NDArrayIndex.all());
                out[i] = StridedArrays.compact(slice, workspaceMgr, ArrayType.ACTIVATION_GRAD);
                offset += widths[i];
            }
            return new Pair<>(null, out);
        }
    }
}
