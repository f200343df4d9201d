package org.fluxion.kernels;

/**
 * Unsigned bytes (8-bit image pixels) to float32, each divided by a divisor: {@code dst[dstOff + i] =
 * (src[srcOff + i] & 0xff) / divisor}, the quotient correctly rounded (so {@code v / 255f} as {@code IdxReader}
 * scales images). C2 does not vectorize a byte-to-float loop (nor a lookup in a table of the 256 quotients); with the
 * Vector API, 16 bytes are widened to 16 ints, converted and divided at once (a batch of 64 Fashion-MNIST images,
 * read from random places: 69 against 46 us). The same bits either way.
 */
public final class UnsignedBytes {
    private UnsignedBytes() {
    }

    /** The conversion of {@code n} bytes; {@code divisor} 1 keeps the values as they are. */
    public static void toFloats(byte[] src, int srcOff, float[] dst, int dstOff, int n, float divisor) {
        KernelChecks.range("unsigned bytes", "src", src.length, srcOff, n);
        KernelChecks.range("unsigned bytes", "dst", dst.length, dstOff, n);
        int i = 0;
        if (Vectorization.ENABLED) {
            i = UnsignedBytesVector.toFloats(src, srcOff, dst, dstOff, n, divisor);
        }
        for (; i < n; i++) {
            dst[dstOff + i] = (src[srcOff + i] & 0xff) / divisor;
        }
    }
}
