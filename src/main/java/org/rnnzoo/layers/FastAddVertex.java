package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rnnzoo.kernels.Switches;

/**
 * DL4J's {@code ElementWiseVertex(Add)} (a residual connection y = H(x) + x), with sequences
 * {@code [batch, features, time]} added in Java and the sum stored time-major, as a recurrent
 * layer stores its output. DL4J's vertex writes a c-ordered {@code [batch, features, time]} array
 * from a recurrent layer's output (a permuted view of its time-major storage), so libnd4j walks
 * element by element through index arithmetic: once in the vertex's copy, once where the next
 * FastLstm reads it back time-major, and twice again for the gradients (the sum at the fork, where
 * the layer's and the vertex's gradients of x meet in two layouts, and the layer's read of its
 * gradient). Here a depth-4 residual stack scores at 0.96× the plain stack's speed against 0.82×
 * with DL4J's vertex, and trains at 0.98× against 0.94× (docs/performance.md, "Residual with a
 * time-major add vertex"). The output and both input gradients are permuted views of c-ordered
 * {@code [time, batch, features]} arrays — the layout the layers read and write without a copy.
 * Other ranks and data types, and {@code -Drnnzoo.fastAdd=false}, take DL4J's path.
 */
public class FastAddVertex extends ElementWiseVertex {
    public FastAddVertex() {
        super(Op.Add);
    }

    @Override
    public FastAddVertex clone() { return new FastAddVertex(); }

    @Override
    public boolean equals(Object o) { return o instanceof FastAddVertex && super.equals(o); }

    @Override
    public int hashCode() { return 31 * super.hashCode() + 3; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx, INDArray paramsView,
                                                                      boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, networkDatatype);
    }

    static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex {
        /** Whether the last forward pass went through Java (then the backward pass does too). */
        private boolean ours;

        Runtime(ComputationGraph graph, String name, int idx, DataType dataType) {
            super(graph, name, idx, Op.Add, dataType);
        }

        private static boolean supported(INDArray[] xs) {
            if (xs == null || xs.length < 2) return false;
            for (INDArray x : xs)
                if (x.rank() != 3 || x.dataType() != xs[0].dataType() || !StridedArrays.supports(x.dataType())
                        || !java.util.Arrays.equals(x.shape(), xs[0].shape())) return false;   // DL4J's path says what is wrong
            return true;
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            ours = Switches.FAST_ADD && supported(inputs);
            if (!ours) return super.doForward(training, workspaceMgr);
            long[] s = inputs[0].shape();
            INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), new long[]{s[2], s[0], s[1]}, 'c');
            StridedArrays.sumTimeMajor(inputs, out);
            return out.permute(1, 2, 0);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            if (!ours) return super.doBackward(tbptt, workspaceMgr);   // DL4J's forward pass set what its backward pass reads
            INDArray eps = epsilon.dataType() == inputs[0].dataType() ? epsilon : epsilon.castTo(inputs[0].dataType());
            long[] s = eps.shape();
            // d(Σ x_i)/dx_i = 1: each input gets the gradient itself, in an array of its own (DL4J adds
            // into an input's gradient in place where that input feeds several vertices)
            INDArray[] out = new INDArray[inputs.length];
            INDArray first = null;
            for (int i = 0; i < out.length; i++) {
                INDArray g = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, eps.dataType(), new long[]{s[2], s[0], s[1]}, 'c');
                if (first == null) StridedArrays.sumTimeMajor(new INDArray[]{eps}, first = g);
                else g.assign(first);   // both c-ordered: a plain copy
                out[i] = TimeMajorGradient.of(g);   // DL4J sums it with the other consumer's gradient of x: in Java
            }
            return new Pair<>(null, out);
        }
    }
}
