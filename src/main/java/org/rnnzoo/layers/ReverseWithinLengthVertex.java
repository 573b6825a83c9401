package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@code ReverseTimeSeriesVertex} (each example reversed within its own length, the mask of
 * a named network input; padding left in place as zeros), computed in one Java pass over a copy of
 * the array instead of DL4J's copy per example and time step — two native calls and index objects
 * each, which made the bidirectional encoders' four reversals a large share of a training step.
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
            if (lengths == null) return super.doForward(training, workspaceMgr);
            return workspaceMgr.dup(ArrayType.ACTIVATIONS, reverse(x, lengths));
        }

        @Override
        public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
            INDArray mask = mask();
            int[] lengths = lengths(mask, epsilon.size(0), epsilon.size(2));
            if (lengths == null) return super.doBackward(tbptt, workspaceMgr);
            return new Pair<>(null, new INDArray[]{workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, reverse(epsilon, lengths))});
        }

        private INDArray mask() {
            INDArray[] masks = graph.getInputMaskArrays();
            return inputIndex < 0 || masks == null ? null : masks[inputIndex];
        }

        /** x {@code [b, f, T]} with each example's first {@code lengths[i]} steps reversed; the rest zero, as DL4J's. */
        static INDArray reverse(INDArray x, int[] lengths) {
            int f = (int) x.size(1), t = (int) x.size(2);
            int[] from = new int[(int) x.length()];   // where each output element comes from; -1: padding
            for (int i = 0; i < lengths.length; i++)
                for (int row = i * f * t, end = row + f * t; row < end; row += t)
                    for (int k = 0; k < t; k++) from[row + k] = k < lengths[i] ? row + lengths[i] - 1 - k : -1;
            INDArray c = x.dup('c');
            if (x.dataType() == DataType.FLOAT) {
                float[] in = c.data().asFloat(), out = new float[in.length];
                for (int i = 0; i < out.length; i++) if (from[i] >= 0) out[i] = in[from[i]];
                return Nd4j.create(out, x.shape(), 'c');
            }
            double[] in = c.data().asDouble(), out = new double[in.length];   // the gradient checks' doubles
            for (int i = 0; i < out.length; i++) if (from[i] >= 0) out[i] = in[from[i]];
            return Nd4j.create(out, x.shape(), 'c').castTo(x.dataType());
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
