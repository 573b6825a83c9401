package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.embedding.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.TwoLanes;

import java.nio.FloatBuffer;

/**
 * The runtime side of {@link FastEmbedding}: DL4J's embedding layer with a backward pass in Java.
 * The weight gradient of an embedding is the output gradient of each position added into the row of
 * its token: this layer zeroes the gradient view and adds those rows through the view's own strides
 * (the weights are stored column-major, so a token's row is strided), without recomputing the
 * forward gather that DL4J's backward pass starts with. Under plain SGD it zeroes only the rows the
 * last pass wrote, not the whole 10k-row view. Anything this path does not cover (a mask,
 * a bias, another activation, double precision) goes to DL4J's own code.
 */
public class FastEmbeddingLayer extends EmbeddingSequenceLayer {

    public FastEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * Rows of the gradient view written by the last backward pass here; every other row is zero.
     * Null when unknown (first pass, a new view, DL4J's own backward ran): the whole view is zeroed.
     * Kept only under plain SGD without regularisation ({@link #zerosStayZero}): clipping, the
     * division by the batch and SGD only rescale the gradient, while Adam or weight decay write
     * their update into every row of the view.
     */
    private int[] dirtyRows;

    private boolean zerosStayZero() {
        var regularization = layerConf().getRegularization();
        return layerConf().getIUpdater() instanceof Sgd && (regularization == null || regularization.isEmpty());
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        dirtyRows = null;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray gW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        boolean plain = maskArray == null && !hasBias() && layerConf().getActivationFn() instanceof ActivationIdentity
                && epsilon.rank() == 3
                && gW.dataType() == DataType.FLOAT && gW.rank() == 2 && input != null;
        int[] previous = dirtyRows;
        dirtyRows = null;
        if (!plain) return super.backpropGradient(epsilon, workspaceMgr);
        assertInputSet(true);

        boolean ncw = layerConf().getOutputFormat() == RNNFormat.NCW;
        int batch = (int) epsilon.size(0), size = (int) epsilon.size(ncw ? 1 : 2), steps = (int) epsilon.size(ncw ? 2 : 1);
        long vocab = gW.size(0);
        // ids in DL4J's order (input in c order: position n = b·T + t)
        float[] ids = NativeMatrix.toFloats(input);
        if (ids.length != (long) batch * steps)
            throw new IllegalStateException("embedding " + layerId() + ": input " + java.util.Arrays.toString(input.shape())
                    + " does not match its output gradient " + java.util.Arrays.toString(epsilon.shape()));
        int[] rows = new int[ids.length];
        for (int n = 0; n < ids.length; n++) {
            if (!(ids[n] >= 0 && ids[n] < vocab))
                throw new IllegalArgumentException("embedding " + layerId() + ": token id " + ids[n] + " outside [0, " + vocab + ")");
            rows[n] = (int) ids[n];
        }
        float[] delta = NativeMatrix.toFloats(epsilon);   // c order of [b, size, T] (NCW) or [b, T, size] (NWC)
        int componentStride = ncw ? steps : 1;             // between one position's components in delta

        if (previous == null) gW.assign(0);
        FloatBuffer g = NativeMatrix.floatBuffer(gW);
        long offset = gW.offset(), rowStride = gW.stride(0), colStride = gW.stride(1);
        // Token by token (each cell receives its positions in order n = 0, 1, ...); the lanes take
        // disjoint halves of the components, so they never write the same cell. Token-major order beats
        // one column at a time although the columns are contiguous (docs/performance.md#embedding-backward).
        int shares = rows.length * size >= 4096 ? TwoLanes.lanes() : 1;
        TwoLanes.run((phase, lane) -> {
            int d0 = size * lane / shares, d1 = size * (lane + 1) / shares;
            if (previous != null)
                for (int r : previous) for (int d = d0; d < d1; d++) g.put((int) (offset + r * rowStride + d * colStride), 0f);
            for (int n = 0; n < rows.length; n++) {
                long row = offset + rows[n] * rowStride;
                int at = ncw ? (n / steps) * size * steps + n % steps : n * size;   // position n's first component
                for (int d = d0; d < d1; d++) {
                    int i = (int) (row + d * colStride);
                    g.put(i, g.get(i) + delta[at + d * componentStride]);
                }
            }
        }, 0, shares);
        dirtyRows = zerosStayZero() ? rows : null;
        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, gW);
        return new Pair<>(ret, null);
    }
}
