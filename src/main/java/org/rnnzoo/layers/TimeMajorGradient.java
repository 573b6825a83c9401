package org.rnnzoo.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.cpu.nativecpu.NDArray;
import org.rnnzoo.kernels.Switches;

import java.util.Arrays;

/**
 * An activation gradient {@code [batch, features, time]} that a vertex stores time-major (a
 * permuted view of a c-ordered {@code [time, batch, features]} array, as the fast layers read and
 * write it), whose in-place add runs in Java. Where one activation feeds two vertices (x feeds both
 * the next layer and the highway gate or residual add around it), DL4J's
 * {@code ComputationGraph.calcBackpropGradients} sums their gradients with
 * {@code first.addi(second)}; for two permuted views libnd4j walks every element through index
 * arithmetic, many times slower than a contiguous add, once per fork and step (measured in
 * docs/performance.md, "Highway: the fork sum and the gate in the lanes").
 * Returned as the first of the two, this array does the sum with {@link StridedArrays#sumTimeMajor},
 * which reads any layout. Everything else is ND4J's own.
 */
final class TimeMajorGradient extends NDArray {
    private final INDArray timeMajor;   // the c-ordered [time, batch, features] array viewed

    private TimeMajorGradient(INDArray view, INDArray timeMajor) {
        super(view.data(), view.shape(), view.stride(), view.offset(), view.elementWiseStride(), view.ordering());
        this.timeMajor = timeMajor;
    }

    /**
     * {@code timeMajor} (c-ordered {@code [time, batch, features]}) as {@code [batch, features, time]}:
     * this class where the sum can run in Java, else ND4J's plain permuted view.
     */
    static INDArray of(INDArray timeMajor) {
        INDArray view = timeMajor.permute(1, 2, 0);
        boolean ours = Switches.FORK_SUM && timeMajor instanceof NDArray && timeMajor.ordering() == 'c' && !timeMajor.isView()
                && timeMajor.offset() == 0 && StridedArrays.supports(timeMajor.dataType());
        return ours ? new TimeMajorGradient(view, timeMajor) : view;
    }

    /**
     * this += other, in Java for a rank-3 array of this shape and type: as flat spans where other is laid
     * out time-major too (a fast layer's or vertex's gradient), else through its strides; otherwise ND4J's.
     */
    @Override
    public INDArray addi(INDArray other) {
        if (other == null || other == this || other.rank() != 3 || other.dataType() != dataType() || !Arrays.equals(other.shape(), shape()))
            return super.addi(other);
        if (!StridedArrays.addSpan(this, other))
            StridedArrays.sumTimeMajor(new INDArray[]{this, other}, timeMajor);   // reads both before it writes: this may alias
        return this;
    }
}
