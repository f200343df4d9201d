package org.fluxion.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link UnsignedBytes}' vector loop (a class of its own: see {@link Vectorization}). */
final class UnsignedBytesVector {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    /** As many bytes as F has floats. */
    private static final VectorSpecies<Byte> B = ByteVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(F.length() * 8));

    private UnsignedBytesVector() {
    }

    /** The whole vectors of the conversion; returns how many elements it converted. */
    static int toFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n, float divisor) {
        int vl = F.length();
        int i = 0;
        for (; i + vl <= n; i += vl) {
            IntVector widened = (IntVector) ByteVector.fromArray(B, src, srcOff + i)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            ((FloatVector) widened.convert(VectorOperators.I2F, 0)).div(divisor).intoArray(dst, dstOff + i);
        }
        return i;
    }
}
