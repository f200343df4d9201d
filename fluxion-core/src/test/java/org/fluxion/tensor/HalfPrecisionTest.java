package org.fluxion.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit conversions: exhaustive over all 65,536 bit patterns of each format, every rounding midpoint
 * checked against exact decimal arithmetic, and the constants every implementation agrees on.
 */
class HalfPrecisionTest {
    @Test
    void everyFloat16SurvivesTheRoundTripThroughFloatAndDouble() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short h = (short) bits;
            float f = HalfPrecision.float16ToFloat(h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(HalfPrecision.float16ToFloat(HalfPrecision.floatToFloat16(f))), "NaN " + bits);
                assertEquals(HalfPrecision.floatToFloat16(f), HalfPrecision.doubleToFloat16(f), "NaN " + bits);
                continue;
            }
            assertEquals(h, HalfPrecision.floatToFloat16(f), () -> "float16 " + Integer.toHexString(h & 0xffff));
            assertEquals(h, HalfPrecision.doubleToFloat16(f), () -> "float16 via double " + Integer.toHexString(h & 0xffff));
            if (f == Math.rint(f) && !(f == 0 && 1 / f < 0)) { // -0 is not a long
                assertEquals(h, HalfPrecision.longToFloat16((long) f), () -> "float16 via long " + f);
            }
        }
    }

    @Test
    void everyBFloat16SurvivesTheRoundTripThroughFloatAndDouble() {
        for (int bits = 0; bits < 1 << 16; bits++) {
            short b = (short) bits;
            float f = HalfPrecision.bfloat16ToFloat(b);
            if (Float.isNaN(f)) {
                assertEquals(HalfPrecision.BFLOAT16_NAN, HalfPrecision.floatToBFloat16(f));
                continue;
            }
            assertEquals(b, HalfPrecision.floatToBFloat16(f), () -> "bfloat16 " + Integer.toHexString(b & 0xffff));
            assertEquals(b, HalfPrecision.doubleToBFloat16(f), () -> "bfloat16 via double " + Integer.toHexString(b & 0xffff));
            if (f == Math.rint(f) && Math.abs(f) < 0x1p63f && !(f == 0 && 1 / f < 0)) {
                assertEquals(b, HalfPrecision.longToBFloat16((long) f), () -> "bfloat16 via long " + f);
            }
        }
    }

    /**
     * Between every two adjacent finite values of a format: the exact midpoint rounds to the one with an
     * even last bit, and the midpoint nudged by one double ulp either way rounds to the nearer one (the case
     * where rounding a double to float first and then to 16 bits goes wrong).
     */
    @Test
    void everyMidpointRoundsToEvenAndEveryNearMidpointToTheNearer() {
        checkMidpoints(false);
        checkMidpoints(true);
    }

    private static void checkMidpoints(boolean bfloat) {
        int maxFinite = bfloat ? 0x7f7f : 0x7bff;
        for (int bits = 0; bits < maxFinite; bits++) {
            double lo = value(bfloat, bits);
            double hi = value(bfloat, bits + 1);
            double mid = (lo + hi) / 2; // exact: both have at most 11 significant bits
            short even = (short) ((bits & 1) == 0 ? bits : bits + 1);
            String where = (bfloat ? "bfloat16 " : "float16 ") + lo + " .. " + hi;
            assertEquals(even, convert(bfloat, mid), where + " at the midpoint");
            assertEquals((short) bits, convert(bfloat, Math.nextDown(mid)), where + " below the midpoint");
            assertEquals((short) (bits + 1), convert(bfloat, Math.nextUp(mid)), where + " above the midpoint");
            assertEquals((short) (bits | 0x8000), convert(bfloat, -Math.nextDown(mid)), where + " negated");
            if ((float) mid == mid) {
                short viaFloat = bfloat ? HalfPrecision.floatToBFloat16((float) mid) : HalfPrecision.floatToFloat16((float) mid);
                assertEquals(even, viaFloat, where + " at the midpoint, from float");
            }
        }
    }

    private static double value(boolean bfloat, int bits) {
        return bfloat ? HalfPrecision.bfloat16ToFloat((short) bits) : HalfPrecision.float16ToFloat((short) bits);
    }

    private static short convert(boolean bfloat, double d) {
        return bfloat ? HalfPrecision.doubleToBFloat16(d) : HalfPrecision.doubleToFloat16(d);
    }

    @Test
    void knownConstants() {
        assertEquals((short) 0x3c00, HalfPrecision.floatToFloat16(1f));
        assertEquals((short) 0x7bff, HalfPrecision.floatToFloat16(65504f)); // largest finite
        assertEquals((short) 0x7bff, HalfPrecision.floatToFloat16(65519.99f));
        assertEquals((short) 0x7c00, HalfPrecision.floatToFloat16(65520f)); // the tie overflows to infinity
        assertEquals((short) 0x0400, HalfPrecision.floatToFloat16(0x1p-14f)); // smallest normal
        assertEquals((short) 0x0001, HalfPrecision.floatToFloat16(0x1p-24f)); // smallest subnormal
        assertEquals((short) 0x0000, HalfPrecision.floatToFloat16(0x1p-25f)); // tie to the even zero
        assertEquals((short) 0x0001, HalfPrecision.floatToFloat16(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x8000, HalfPrecision.floatToFloat16(-0f));
        assertEquals((short) 0x3555, HalfPrecision.floatToFloat16(1f / 3));
        assertEquals((short) 0x4248, HalfPrecision.floatToFloat16((float) Math.PI));
        assertEquals((short) 0xfc00, HalfPrecision.floatToFloat16(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7e00, HalfPrecision.floatToFloat16(Float.NaN));
        assertEquals((short) 0x3f80, HalfPrecision.floatToBFloat16(1f));
        assertEquals((short) 0x3eab, HalfPrecision.floatToBFloat16(1f / 3));
        assertEquals((short) 0x4049, HalfPrecision.floatToBFloat16((float) Math.PI));
        assertEquals((short) 0x7f7f, HalfPrecision.floatToBFloat16(0x1.fep127f)); // largest finite
        assertEquals((short) 0x7f80, HalfPrecision.floatToBFloat16(Float.MAX_VALUE));
        assertEquals((short) 0x0001, HalfPrecision.floatToBFloat16(0x1p-133f)); // smallest subnormal
        assertEquals((short) 0x7fc0, HalfPrecision.floatToBFloat16(Float.NaN));
        // 1 + 2^-11 + 2^-40 lies above the midpoint of 1 and 1 + 2^-10: rounding to float first would give 1.
        assertEquals((short) 0x3c01, HalfPrecision.doubleToFloat16(1 + 0x1p-11 + 0x1p-40));
        assertEquals((short) 0x7c00, HalfPrecision.doubleToFloat16(1e300));
        assertEquals((short) 0x7f80, HalfPrecision.doubleToBFloat16(1e300));
        assertEquals((short) 0x0000, HalfPrecision.doubleToBFloat16(1e-300));
    }

    /** Longs beyond 2^53, where converting through a double rounds twice, checked against exact decimals. */
    @Test
    void longsRoundCorrectlyToBFloat16() {
        long[] cases = {Long.MAX_VALUE, Long.MIN_VALUE, (1L << 62) + (1L << 54) + 1, (1L << 62) + (1L << 54),
                (1L << 62) + (1L << 54) - 1, -((1L << 55) + (1L << 47) + 1), (1L << 53) + 1, 65519, 65520, -65521};
        for (long v : cases) {
            assertEquals(exactBFloat16(v), HalfPrecision.longToBFloat16(v), "bfloat16 of " + v);
        }
        assertEquals((short) 0x7bff, HalfPrecision.longToFloat16(65519));
        assertEquals((short) 0x7c00, HalfPrecision.longToFloat16(65520));
        assertEquals((short) 0xfc00, HalfPrecision.longToFloat16(Long.MIN_VALUE));
    }

    /** The bfloat16 nearest to {@code v} by search over the finite values, ties to even. */
    private static short exactBFloat16(long v) {
        BigDecimal x = new BigDecimal(v);
        short best = 0;
        BigDecimal bestDistance = null;
        for (int bits = 0; bits <= 0x7f7f; bits++) {
            for (int sign : new int[] {0, 0x8000}) {
                BigDecimal d = new BigDecimal(HalfPrecision.bfloat16ToFloat((short) (bits | sign))).subtract(x).abs();
                int c = bestDistance == null ? -1 : d.compareTo(bestDistance);
                if (c < 0 || c == 0 && (bits & 1) == 0) {
                    best = (short) (bits | sign);
                    bestDistance = d;
                }
            }
        }
        return best;
    }
}
