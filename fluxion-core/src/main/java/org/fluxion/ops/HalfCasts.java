package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.HalfPrecision;

/**
 * The cast loops between float32 and the 16-bit float types, which every operation on a float16 or
 * bfloat16 tensor runs twice ({@link StorageTypes}); the other pairs go element by element through
 * {@link org.fluxion.tensor.Storage}.
 */
final class HalfCasts {
    private HalfCasts() {
    }

    /**
     * Converts {@code n} elements from {@code src[xo + i * xs]} to {@code dst[yo + i]} when the pair is one
     * of float32 to or from float16 or bfloat16; returns false, touching nothing, for any other pair.
     */
    static boolean cast(DType from, DType to, Object src, int xo, int xs, Object dst, int yo, int n) {
        if (from == DType.FLOAT32 && to == DType.FLOAT16) {
            float[] a = (float[]) src;
            short[] b = (short[]) dst;
            for (int i = 0; i < n; i++) b[yo + i] = HalfPrecision.floatToFloat16(a[xo + i * xs]);
        } else if (from == DType.FLOAT32 && to == DType.BFLOAT16) {
            float[] a = (float[]) src;
            short[] b = (short[]) dst;
            for (int i = 0; i < n; i++) b[yo + i] = HalfPrecision.floatToBFloat16(a[xo + i * xs]);
        } else if (from == DType.FLOAT16 && to == DType.FLOAT32) {
            short[] a = (short[]) src;
            float[] b = (float[]) dst;
            for (int i = 0; i < n; i++) b[yo + i] = HalfPrecision.float16ToFloat(a[xo + i * xs]);
        } else if (from == DType.BFLOAT16 && to == DType.FLOAT32) {
            short[] a = (short[]) src;
            float[] b = (float[]) dst;
            for (int i = 0; i < n; i++) b[yo + i] = HalfPrecision.bfloat16ToFloat(a[xo + i * xs]);
        } else {
            return false;
        }
        return true;
    }
}
