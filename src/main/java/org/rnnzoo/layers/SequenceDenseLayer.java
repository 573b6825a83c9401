package org.rnnzoo.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnnzoo.kernels.GateFunctions;
import org.rnnzoo.kernels.NativeMatrix;
import org.rnnzoo.kernels.TwoLanes;

import java.nio.FloatBuffer;

/**
 * The runtime side of {@link SequenceDense}: the rows of every (example, step) in one product, split
 * over two lanes ({@link TwoLanes}), the bias, mask and tanh in one Java pass over floats, and the
 * output kept for the backward pass (tanh' = 1 − a²), where DL4J's dense layer computes the forward
 * product a second time:
 * <pre>
 *   forward:  X [b·T, nIn] (row i·T + t),  A = act(mask ⊙ (X·W + b)),  out [b, nOut, T] a view of [b, T, nOut]
 *   backward: dZ = mask ⊙ ε ⊙ act'(A),  dW = Xᵀ·dZ,  db = Σ_rows dZ,  ε_x = dZ·Wᵀ  ([b, nIn, T] a view of [b, T, nIn])
 * </pre>
 * Double precision (the gradient checks) takes ND4J's element-wise ops for the middle step.
 */
public class SequenceDenseLayer extends DenseLayer {
    /** X, A and dZ, reused while they fit (allocated outside every workspace), and the heap scratch of the Java pass. */
    private INDArray[] storage;
    private long capacity;
    private INDArray x, a, dz;
    private float[] scratch = new float[0], activations = new float[0];
    /** The (post-dropout) input of the stored training pass, or null. */
    private INDArray passInput;
    private boolean sequencePass;

    public SequenceDenseLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        sequencePass = input.rank() == 3;
        if (!sequencePass) return super.activate(training, workspaceMgr);
        SequenceDense.check(layerConf().getActivationFn());
        applyDropOutIfNecessary(training, workspaceMgr);
        INDArray in = input.dataType() == dataType ? input : input.castTo(dataType);
        long b = in.size(0), nIn = in.size(1), t = in.size(2), nOut = layerConf().getNOut();
        if (nIn != layerConf().getNIn()) throw new IllegalArgumentException("SequenceDense " + layerId() + ": input has size " + nIn
                + " along the feature axis, layer nIn is " + layerConf().getNIn());
        int rows = (int) (b * t);
        prepare(rows, nIn, nOut);
        x.reshape('c', b, t, nIn).assign(in.permute(0, 2, 1));
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, training, workspaceMgr);
        INDArray bias = getParamWithNoise(DefaultParamInitializer.BIAS_KEY, training, workspaceMgr);
        int shares = rows >= 64 ? TwoLanes.lanes() : 1;
        INDArray[] xRows = TwoLanes.rowShares(x, shares), aRows = TwoLanes.rowShares(a, shares);
        TwoLanes.run((phase, k) -> Nd4j.gemm(xRows[k], w, aRows[k], false, false, 1.0, 0.0), 0, shares);
        float[] keep = rowMask(b, t);
        boolean tanh = layerConf().getActivationFn() instanceof ActivationTanH;
        if (dataType == DataType.FLOAT) {
            float[] z = heap(a, rows * (int) nOut), bs = bias.castTo(DataType.FLOAT).toFloatVector();
            int width = (int) nOut;
            for (int r = 0; r < rows; r++) {
                int at = r * width;
                float k = keep == null ? 1f : keep[r];
                if (k == 0f) java.util.Arrays.fill(z, at, at + width, 0f);   // act(0) for tanh and identity
                else if (k == 1f) for (int j = 0; j < width; j++) z[at + j] += bs[j];
                else for (int j = 0; j < width; j++) z[at + j] = (z[at + j] + bs[j]) * k;   // as DL4J: the mask scales the pre-activation
            }
            if (tanh) GateFunctions.tanh(z, 0, z, 0, rows * width);
            NativeMatrix.floatBuffer(a).put((int) a.offset(), z, 0, rows * width);
        } else {
            a.addiRowVector(bias);
            if (keep != null) a.muliColumnVector(Nd4j.create(keep, new long[]{rows, 1}, 'c').castTo(dataType));
            if (tanh) Transforms.tanh(a, false);
        }
        passInput = training ? input : null;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{b, t, nOut}, 'c');
        out.assign(a.reshape('c', b, t, nOut));
        return out.permute(0, 2, 1);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (!sequencePass || input.rank() != 3) return super.backpropGradient(epsilon, workspaceMgr);
        applyDropOutIfNecessary(true, workspaceMgr);
        if (passInput != input) activate(true, workspaceMgr);
        long b = input.size(0), t = input.size(2), nIn = layerConf().getNIn(), nOut = layerConf().getNOut();
        int rows = (int) (b * t);
        INDArray eps = epsilon.dataType() == dataType ? epsilon : epsilon.castTo(dataType);
        dz.reshape('c', b, t, nOut).assign(eps.permute(0, 2, 1));
        float[] keep = rowMask(b, t);
        boolean tanh = layerConf().getActivationFn() instanceof ActivationTanH;
        INDArray gW = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY), gB = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        if (dataType == DataType.FLOAT) {
            int width = (int) nOut, n = rows * width;
            float[] d = heap(dz, n);
            if (activations.length < n) activations = new float[n];
            float[] act = activations;
            NativeMatrix.floatBuffer(a).get((int) a.offset(), act, 0, n);
            double[] db = new double[width];
            for (int r = 0; r < rows; r++) {
                int at = r * width;
                float k = keep == null ? 1f : keep[r];
                if (k == 0f) {
                    java.util.Arrays.fill(d, at, at + width, 0f);
                    continue;
                }
                for (int j = 0; j < width; j++) {
                    float g = tanh ? d[at + j] * (1f - act[at + j] * act[at + j]) : d[at + j];
                    if (k != 1f) g *= k;
                    d[at + j] = g;
                    db[j] += g;
                }
            }
            NativeMatrix.floatBuffer(dz).put((int) dz.offset(), d, 0, n);
            float[] dbf = new float[width];
            for (int j = 0; j < width; j++) dbf[j] = (float) db[j];
            gB.assign(Nd4j.create(dbf, gB.shape(), gB.ordering()));
        } else {
            if (tanh) dz.muli(a.mul(a).rsubi(1));
            if (keep != null) dz.muliColumnVector(Nd4j.create(keep, new long[]{rows, 1}, 'c').castTo(dataType));
            gB.assign(dz.sum(0).reshape(gB.shape()));
        }
        INDArray w = getParamWithNoise(DefaultParamInitializer.WEIGHT_KEY, true, workspaceMgr);
        INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, new long[]{b, t, nIn}, 'c');
        TwoLanes.denseBackward(x, dz, w, gW, epsOut.reshape('c', rows, nIn));
        Gradient g = new DefaultGradient();
        g.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, gW);
        g.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, gB);
        weightNoiseParams.clear();
        return new Pair<>(g, backpropDropOutIfPresent(epsOut.permute(0, 2, 1)));
    }

    /**
     * The mask as one value per row i·T + t, or null for none. DL4J hands a layer the sequence mask
     * {@code [b, T]}; a {@code [b·T, 1]} column is read as the output layer reads it ('f': time-major).
     */
    private float[] rowMask(long b, long t) {
        if (maskArray == null) return null;
        if (maskArray.length() != b * t) throw new IllegalStateException("SequenceDense " + layerId() + ": mask "
                + java.util.Arrays.toString(maskArray.shape()) + " does not match its input [" + b + ", " + layerConf().getNIn() + ", " + t + "]");
        INDArray m = maskArray.rank() == 2 && maskArray.size(0) == b && maskArray.size(1) == t ? maskArray : maskArray.reshape('f', b, t);
        return NativeMatrix.toFloats(m);
    }

    /** The first {@code n} values of contiguous float array {@code m}, in {@link #scratch} (grown to at least {@code size}). */
    private float[] heap(INDArray m, int size) {
        if (scratch.length < size) scratch = new float[size];
        int n = (int) m.length();
        FloatBuffer fb = NativeMatrix.floatBuffer(m);
        fb.get((int) m.offset(), scratch, 0, n);
        return scratch;
    }

    private void prepare(int rows, long nIn, long nOut) {
        if (storage == null || capacity < rows || storage[0].dataType() != dataType) {
            capacity = rows;
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                storage = new INDArray[]{Nd4j.create(dataType, rows * nIn), Nd4j.create(dataType, rows * nOut), Nd4j.create(dataType, rows * nOut)};
            }
        }
        x = view(storage[0], rows, nIn);
        a = view(storage[1], rows, nOut);
        dz = view(storage[2], rows, nOut);
    }

    /** The first rows × width elements of flat storage as a {@code [rows, width]} view. */
    private static INDArray view(INDArray flat, long rows, long width) {
        return flat.get(NDArrayIndex.interval(0, rows * width)).reshape('c', rows, width);
    }
}
