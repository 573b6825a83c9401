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

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The runtime side of {@link FastEmbedding}: DL4J's embedding layer with a backward pass in Java.
 * The weight gradient of an embedding is the output gradient of each position added into the row of
 * its token: this layer zeroes the gradient view and adds those rows through the view's own strides
 * (the weights are stored column-major, so a token's row is strided), without recomputing the
 * forward gather that DL4J's backward pass starts with. Anything this path does not cover (a mask,
 * a bias, another activation, double precision) goes to DL4J's own code.
 */
public class FastEmbeddingLayer extends EmbeddingSequenceLayer {

    public FastEmbeddingLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray gW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        boolean plain = maskArray == null && !hasBias() && layerConf().getActivationFn() instanceof ActivationIdentity
                && epsilon.rank() == 3
                && gW.dataType() == DataType.FLOAT && gW.rank() == 2 && input != null;
        if (!plain) return super.backpropGradient(epsilon, workspaceMgr);
        assertInputSet(true);

        boolean ncw = layerConf().getOutputFormat() == RNNFormat.NCW;
        long batch = epsilon.size(0), size = epsilon.size(ncw ? 1 : 2), steps = epsilon.size(ncw ? 2 : 1), vocab = gW.size(0);
        // ids in DL4J's order (input in c order: position n = b·T + t), the gradient rows in the same order
        float[] ids = NativeMatrix.toFloats(input);
        if (ids.length != batch * steps)
            throw new IllegalStateException("embedding " + layerId() + ": input " + java.util.Arrays.toString(input.shape())
                    + " does not match its output gradient " + java.util.Arrays.toString(epsilon.shape()));
        INDArray rows = ncw ? epsilon.permute(0, 2, 1) : epsilon;                                      // [b, T, size]
        float[] delta = NativeMatrix.toFloats(rows);

        gW.assign(0);
        FloatBuffer g = gW.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        long offset = gW.offset(), rowStride = gW.stride(0), colStride = gW.stride(1);
        for (int n = 0; n < ids.length; n++) {
            long id = (long) ids[n];
            if (id < 0 || id >= vocab)
                throw new IllegalArgumentException("embedding " + layerId() + ": token id " + ids[n] + " outside [0, " + vocab + ")");
            long row = offset + id * rowStride;
            for (int d = 0, at = n * (int) size; d < size; d++) {
                int i = (int) (row + d * colStride);
                g.put(i, g.get(i) + delta[at + d]);
            }
        }
        Gradient ret = new DefaultGradient();
        ret.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, gW);
        return new Pair<>(ret, null);
    }
}
