package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's {@code ReverseTimeSeriesVertex} (each example reversed within its own length, the mask of
 * a named network input; padding left in place as zeros), computed in one Java pass between the
 * native buffers ({@link StridedArrays}) instead of DL4J's copy per example and time step — two
 * native calls and index objects each, which made the bidirectional encoders' four reversals a
 * large share of a training step.
 * libnd4j's {@code reverse_sequence} op was no cure: it took a quarter of a seq2seq step on its own
 * (docs/performance.md, "Seq2seq and classifier training"). Masks that are not a prefix of ones
 * (holes) take DL4J's own path. Same configuration fields and JSON as DL4J's vertex but this class's name.
 */
public class ReverseWithinLengthVertex extends ReverseTimeSeriesVertex {
    /** For Jackson (checkpoints). */
    public ReverseWithinLengthVertex() {}

    /** @param maskArrayInputName the network input whose mask gives each example's length */
    public ReverseWithinLengthVertex(String maskArrayInputName) { super(maskArrayInputName); }

    @Override
    public ReverseWithinLengthVertex clone() { return new ReverseWithinLengthVertex(getMaskArrayInputName()); }

    @Override
    public boolean equals(Object o) { return o instanceof ReverseWithinLengthVertex && super.equals(o); }

    @Override
    public int hashCode() { return 31 * super.hashCode() + 1; }

    @Override
    public org.deeplearning4j.nn.graph.vertex.impl.rnn.ReverseTimeSeriesVertex instantiate(ComputationGraph graph, String name, int idx,
            INDArray paramsView, boolean initializeParams, DataType networkDatatype) {
        return new Runtime(graph, name, idx, getMaskArrayInputName(), networkDatatype);
    }

    /** The runtime: self-inverse, so the backward pass reverses the gradient the same way. */
    static final class Runtime extends org.deeplearning4j.nn.graph.vertex.impl.rnn.ReverseTimeSeriesVertex {
        private final int inputIndex;

        Runtime(ComputationGraph graph, String name, int idx, String inputName, DataType dataType) {
            super(graph, name, idx, inputName, dataType);
            this.inputIndex = inputName == null ? -1 : graph.getConfiguration().getNetworkInputs().indexOf(inputName);
        }

        @Override
        public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
            INDArray x = inputs[0], mask = mask();
            int[] lengths = lengths(mask, x.size(0), x.size(2));
            if (lengths == null || !StridedArrays.supports(x.dataType())) return super.doForward(training, workspaceMgr);
            return reverse(x, lengths, workspaceMgr, ArrayType.ACTIVATIONS);
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray mask = mask();
            int[] lengths = lengths(mask, epsilon.size(0), epsilon.size(2));
            if (lengths == null || !StridedArrays.supports(epsilon.dataType())) return super.doBackward(tbptt, workspaceMgr);
            return new Pair<>(null, new INDArray[]{reverse(epsilon, lengths, workspaceMgr, ArrayType.ACTIVATION_GRAD)});
        }

        private INDArray mask() {
            INDArray[] masks = graph.getInputMaskArrays();
            return inputIndex < 0 || masks == null ? null : masks[inputIndex];
        }

        /** x {@code [b, f, T]} with each example's first {@code lengths[i]} steps reversed; the rest zero, as DL4J's. */
        static INDArray reverse(INDArray x, int[] lengths, LayerWorkspaceMgr workspaceMgr, ArrayType type) {
            INDArray out = workspaceMgr.createUninitialized(type, x.dataType(), x.shape(), 'c');
            StridedArrays.gather(x, (example, step) -> step < lengths[example] ? lengths[example] - 1 - step : -1, out, 0);
            return out;
        }

        /**
         * Each example's length where every mask row is ones then zeros, all {@code t} without a
         * mask; null where a row has a hole (DL4J's path then handles it).
         */
        private static int[] lengths(INDArray mask, long b, long t) {
            int[] lengths = new int[(int) b];
            if (mask == null) {
                java.util.Arrays.fill(lengths, (int) t);
                return lengths;
            }
            float[] m = mask.castTo(DataType.FLOAT).dup('c').data().asFloat();
            for (int i = 0; i < b; i++) {
                int n = 0;
                while (n < t && m[(int) (i * t) + n] != 0) n++;
                for (long k = n; k < t; k++) if (m[(int) (i * t + k)] != 0) return null;
                lengths[i] = n;
            }
            return lengths;
        }
    }
}
