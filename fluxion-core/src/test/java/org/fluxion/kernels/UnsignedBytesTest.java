package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Every byte value, at offsets and lengths around the vector width, gives the correctly rounded {@code v / d}. */
class UnsignedBytesTest {
    @Test
    void everyValueIsTheRoundedQuotient() {
        byte[] src = new byte[600];
        for (int i = 0; i < src.length; i++) {
            src[i] = (byte) (i * 37 + 11);
        }
        for (float divisor : new float[] {255f, 1f, 3f}) {
            for (int n : new int[] {0, 1, 15, 16, 17, 63, 256, 513}) {
                for (int off : new int[] {0, 3}) {
                    float[] dst = new float[n + 5];
                    UnsignedBytes.toFloats(src, off, dst, 2, n, divisor);
                    for (int i = 0; i < n; i++) {
                        float expected = (src[off + i] & 0xff) / divisor;
                        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(dst[2 + i]),
                                "n=" + n + " off=" + off + " i=" + i + " byte " + (src[off + i] & 0xff) + " / " + divisor);
                    }
                    assertEquals(0f, dst[0]);
                    assertEquals(0f, dst[n + 2], "nothing written past the end");
                }
            }
        }
    }

    @Test
    void refusesRangesOutsideTheArrays() {
        assertThrows(IllegalArgumentException.class, () -> UnsignedBytes.toFloats(new byte[10], 5, new float[10], 0,
                6, 255f));
        assertThrows(IllegalArgumentException.class, () -> UnsignedBytes.toFloats(new byte[10], 0, new float[10], 5,
                6, 255f));
    }
}
