package org.rnnzoo.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API half of {@link QuantizedMatrix}; never touched unless the module is present. */
final class VectorizedQuantized {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** As many bytes as S has floats: one load widens to one float vector (vpmovsxbd + vcvtdq2ps). */
    private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(S.length() * 8));

    private VectorizedQuantized() {}

    static void upperBounds(QuantizedMatrix m, float[] h, float norm2, float norm1, float inverseTemperature,
                            float[] out, int fromBlock, int toBlock, boolean descending) {
        if (descending) for (int b = toBlock - 1; b >= fromBlock; b--) block(m, b, h, norm2, norm1, inverseTemperature, out);
        else for (int b = fromBlock; b < toBlock; b++) block(m, b, h, norm2, norm1, inverseTemperature, out);
    }

    /**
     * One block: BLOCK running sums in four vectors, the rows' bytes read in order (one 64-byte line
     * a row with AVX-512). A quarter of the float matrix's bytes, which stay in L2 where the floats
     * stream from memory (docs/performance.md#sampling-byte-proposals-and-draws).
     */
    private static void block(QuantizedMatrix m, int b, float[] h, float norm2, float norm1, float inverseTemperature, float[] out) {
        int step = S.length(), rows = m.rows, block = QuantizedMatrix.BLOCK;
        byte[] d = m.data;
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int i = 0, o = b * rows * block; i < rows; i++, o += block) {
            FloatVector e = FloatVector.broadcast(S, h[i]);
            a0 = widen(d, o).fma(e, a0);
            a1 = widen(d, o + step).fma(e, a1);
            a2 = widen(d, o + 2 * step).fma(e, a2);
            a3 = widen(d, o + 3 * step).fma(e, a3);
        }
        int c = b * block;
        finish(m, a0, c, norm2, norm1, inverseTemperature, out);
        finish(m, a1, c + step, norm2, norm1, inverseTemperature, out);
        finish(m, a2, c + 2 * step, norm2, norm1, inverseTemperature, out);
        finish(m, a3, c + 3 * step, norm2, norm1, inverseTemperature, out);
    }

    private static FloatVector widen(byte[] d, int at) {
        return (FloatVector) ByteVector.fromArray(B, d, at).castShape(S, 0);
    }

    /** {@link QuantizedMatrix#bound} for S.length() columns from c. */
    private static void finish(QuantizedMatrix m, FloatVector acc, int c, float norm2, float norm1, float inverseTemperature, float[] out) {
        FloatVector t = FloatVector.fromArray(S, m.errorNorm, c).mul(norm2).add(FloatVector.fromArray(S, m.bias, c));
        t = FloatVector.fromArray(S, m.roundoff, c).mul(norm1).add(t);
        FloatVector z = acc.fma(FloatVector.fromArray(S, m.scale, c), t).mul(inverseTemperature);
        z.lanewise(VectorOperators.ABS).mul(QuantizedMatrix.RELATIVE_SLACK).add(z).add(QuantizedMatrix.ABSOLUTE_SLACK).intoArray(out, c);
    }
}
