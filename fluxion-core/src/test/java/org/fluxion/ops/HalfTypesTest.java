package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.HalfPrecision;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The storage types through eager operations: PyTorch's promotion table, one rounding per operation
 * (float32 arithmetic rounded to nearest even), wrapping bytes, views sharing 16-bit storage.
 */
class HalfTypesTest {
    private static final DType B = DType.BOOL;
    private static final DType U8 = DType.UINT8;
    private static final DType I8 = DType.INT8;
    private static final DType I32 = DType.INT32;
    private static final DType I64 = DType.INT64;
    private static final DType F16 = DType.FLOAT16;
    private static final DType BF16 = DType.BFLOAT16;
    private static final DType F32 = DType.FLOAT32;
    private static final DType F64 = DType.FLOAT64;

    /** torch.promote_types for every pair (int16 where PyTorch has it is int32 here). */
    @Test
    void promotionIsPyTorchs() {
        DType[] order = {B, U8, I8, I32, I64, F16, BF16, F32, F64};
        DType[][] expected = {
                // B    U8   I8   I32  I64  F16   BF16  F32  F64
                {B, U8, I8, I32, I64, F16, BF16, F32, F64}, // B
                {U8, U8, I32, I32, I64, F16, BF16, F32, F64}, // U8
                {I8, I32, I8, I32, I64, F16, BF16, F32, F64}, // I8
                {I32, I32, I32, I32, I64, F16, BF16, F32, F64}, // I32
                {I64, I64, I64, I64, I64, F16, BF16, F32, F64}, // I64
                {F16, F16, F16, F16, F16, F16, F32, F32, F64}, // F16
                {BF16, BF16, BF16, BF16, BF16, F32, BF16, F32, F64}, // BF16
                {F32, F32, F32, F32, F32, F32, F32, F32, F64}, // F32
                {F64, F64, F64, F64, F64, F64, F64, F64, F64}, // F64
        };
        for (int i = 0; i < order.length; i++) {
            for (int j = 0; j < order.length; j++) {
                assertEquals(expected[i][j], DType.promote(order[i], order[j]), order[i] + " with " + order[j]);
                Tensor sum = Tensor.ones(order[i], 2).add(Tensor.ones(order[j], 2));
                assertEquals(expected[i][j] == B ? I32 : expected[i][j], sum.dtype(), order[i] + " + " + order[j]);
            }
        }
    }

    static Tensor bits(DType dtype, short... bits) {
        return Tensor.wrap(Storage.wrap(dtype, bits), Shape.of(bits.length));
    }

    static short[] bitsOf(Tensor t) {
        Tensor c = t.copy();
        return storage(c).shorts();
    }

    /** Random finite values of a 16-bit format (all magnitudes, subnormals included), as bits. */
    static short[] randomBits(DType dtype, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        short[] out = new short[n];
        for (int i = 0; i < n; i++) {
            short b;
            float f;
            do {
                b = (short) r.nextInt(1 << 16);
                f = value(dtype, b);
            } while (!Float.isFinite(f));
            out[i] = b;
        }
        return out;
    }

    static float value(DType dtype, short b) {
        return dtype == F16 ? HalfPrecision.float16ToFloat(b) : HalfPrecision.bfloat16ToFloat(b);
    }

    static short round(DType dtype, float f) {
        return dtype == F16 ? HalfPrecision.floatToFloat16(f) : HalfPrecision.floatToBFloat16(f);
    }

    /** Each operation rounds the float32 result of the widened operands once. */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT16", "BFLOAT16"})
    void arithmeticIsFloat32RoundedOnce(DType dtype) {
        int n = 20_000;
        short[] a = randomBits(dtype, n, 1);
        short[] b = randomBits(dtype, n, 2);
        Tensor x = bits(dtype, a);
        Tensor y = bits(dtype, b);
        Map<String, short[]> results = Map.of("add", bitsOf(x.add(y)), "sub", bitsOf(x.sub(y)), "mul", bitsOf(x.mul(y)),
                "div", bitsOf(x.div(y)), "sqrt", bitsOf(x.abs().sqrt()), "exp", bitsOf(x.exp()),
                "maximum", bitsOf(x.maximum(y)));
        for (int i = 0; i < n; i++) {
            float p = value(dtype, a[i]);
            float q = value(dtype, b[i]);
            check(dtype, round(dtype, p + q), results.get("add")[i], "add", p, q);
            check(dtype, round(dtype, p - q), results.get("sub")[i], "sub", p, q);
            check(dtype, round(dtype, p * q), results.get("mul")[i], "mul", p, q);
            check(dtype, round(dtype, p / q), results.get("div")[i], "div", p, q);
            check(dtype, round(dtype, (float) Math.sqrt(Math.abs(p))), results.get("sqrt")[i], "sqrt", p, q);
            check(dtype, round(dtype, Tensor.scalar(p).exp().toFloatArray()[0]), results.get("exp")[i], "exp", p, q);
            check(dtype, round(dtype, Math.max(p, q)), results.get("maximum")[i], "maximum", p, q);
        }
        assertEquals(dtype, x.add(y).dtype());
        assertEquals(dtype, x.exp().dtype());
    }

    private static void check(DType dtype, short expected, short actual, String op, float p, float q) {
        if (Float.isNaN(value(dtype, expected))) {
            assertTrue(Float.isNaN(value(dtype, actual)), op + "(" + p + ", " + q + ") should be NaN");
        } else {
            assertEquals(expected, actual, () -> op + "(" + p + ", " + q + "): expected " + value(dtype, expected)
                    + ", got " + value(dtype, actual));
        }
    }

    @Test
    void roundingAtTheEdgesOfTheFormats() {
        // float16: 2048 + 1 is a tie between 2048 and 2050 (even: 2048); 65504 + 16 ties to infinity.
        assertEquals(2048f, Tensor.scalar(2048, F16).add(Tensor.scalar(1, F16)).item());
        assertEquals(2052f, Tensor.scalar(2050, F16).add(Tensor.scalar(1, F16)).item());
        assertEquals(65504f, Tensor.scalar(65504, F16).add(Tensor.scalar(15, F16)).item());
        assertEquals(Double.POSITIVE_INFINITY, Tensor.scalar(65504, F16).add(Tensor.scalar(16, F16)).item());
        assertEquals(0x1p-24, Tensor.scalar(0x1p-14, F16).mul(Tensor.scalar(0x1p-10, F16)).item()); // subnormal
        assertEquals(0.0, Tensor.scalar(0x1p-24, F16).mul(Tensor.scalar(0.5, F16)).item()); // tie to even zero
        // bfloat16: 8 significant bits, float32's range.
        assertEquals(256f, Tensor.scalar(256, BF16).add(Tensor.scalar(1, BF16)).item());
        assertEquals(1e38, Tensor.scalar(1e38, BF16).item(), 1e38 / 128);
        assertEquals(0.333984375, Tensor.scalar(1, BF16).div(Tensor.scalar(3, BF16)).item());
        assertEquals(0.333251953125, Tensor.scalar(1, F16).div(Tensor.scalar(3, F16)).item());
        // A Python-style scalar takes the tensor's type: 0.1 is rounded to float16 first, as PyTorch does.
        assertEquals(HalfPrecision.float16ToFloat(HalfPrecision.floatToFloat16(3 * HalfPrecision.float16ToFloat(
                HalfPrecision.doubleToFloat16(0.1)))), Tensor.scalar(3, F16).mul(0.1).item());
    }

    @Test
    void reductionsAndMatmulAccumulateInFloat32() {
        // 4096 ones: a float16 accumulator would stop at 2048, float32's gives 4096 exactly.
        assertEquals(4096f, Tensor.ones(F16, 4096).sum().item());
        assertEquals(F16, Tensor.ones(F16, 4096).sum().dtype());
        assertEquals(1f, Tensor.ones(F16, 4096).mean().item());
        Tensor a = Tensor.ones(F16, 2, 4096);
        Tensor b = Tensor.ones(F16, 4096, 3);
        Tensor p = a.matmul(b);
        assertEquals(F16, p.dtype());
        assertArrayEquals(new float[] {4096, 4096, 4096, 4096, 4096, 4096}, p.toFloatArray());
        // Random operands: the product is the float32 product of the widened operands, rounded once.
        Tensor x = bits(F16, randomBits(F16, 64 * 48, 3)).reshape(64, 48).mul(Tensor.scalar(1e-3, F16));
        Tensor y = bits(F16, randomBits(F16, 48 * 32, 4)).reshape(48, 32).mul(Tensor.scalar(1e-3, F16));
        Tensor expected = x.to(F32).matmul(y.to(F32)).to(F16);
        assertArrayEquals(bitsOf(expected), bitsOf(x.matmul(y)));
        assertArrayEquals(bitsOf(x.to(F32).sum(1).to(F16)), bitsOf(x.sum(1)));
        assertEquals(I64, x.argmax(1, false).dtype());
        assertArrayEquals(x.to(F32).argmax(1, false).toLongArray(), x.argmax(1, false).toLongArray());
    }

    @Test
    void convolutionAndPoolingWithTheirGradientsRoundOnce() {
        Tensor x = Tensor.randn(new SplittableRandom(6), DType.FLOAT32, 2, 3, 9, 9).to(BF16);
        Tensor w = Tensor.randn(new SplittableRandom(7), DType.FLOAT32, 4, 3, 3, 3).mul(0.3).to(BF16);
        Tensor b = Tensor.randn(new SplittableRandom(8), DType.FLOAT32, 4).to(BF16);
        Conv2dOptions o = Conv2dOptions.of(2, 1);
        Pool2dOptions p = Pool2dOptions.of(2);
        Tensor y = Convolutions.conv2d(x, w, b, o);
        assertEquals(BF16, y.dtype());
        // The bias is a second operation, so a second rounding.
        Tensor expected = Convolutions.conv2d(x.to(F32), w.to(F32), null, o).to(BF16).add(b.reshape(1, -1, 1, 1));
        assertArrayEquals(bitsOf(expected), bitsOf(y));
        assertArrayEquals(bitsOf(Convolutions.maxPool2d(x.to(F32), p).to(BF16)), bitsOf(Convolutions.maxPool2d(x, p)));
        assertArrayEquals(bitsOf(Convolutions.avgPool2d(x.to(F32), p).to(BF16)), bitsOf(Convolutions.avgPool2d(x, p)));
        Tensor dy = Tensor.ones(BF16, y.dims());
        assertArrayEquals(bitsOf(Convolutions.conv2dWeightGrad(x.to(F32), dy.to(F32), w.shape(), o).to(BF16)),
                bitsOf(Convolutions.conv2dWeightGrad(x, dy, w.shape(), o)));
        assertArrayEquals(bitsOf(Convolutions.conv2dInputGrad(dy.to(F32), w.to(F32), x.shape(), o).to(BF16)),
                bitsOf(Convolutions.conv2dInputGrad(dy, w, x.shape(), o)));
    }

    @Test
    void bytesWrapAndCompareUnsigned() {
        Tensor u = Tensor.of(new int[] {200, 3, 255, 0}, 4).to(U8);
        Tensor v = Tensor.of(new int[] {100, 5, 1, 0}, 4).to(U8);
        assertEquals(U8, u.add(v).dtype());
        assertArrayEquals(new long[] {44, 254, 0, 0}, new long[] {
                u.add(v).toLongArray()[0], u.sub(v).toLongArray()[1], u.add(v).toLongArray()[2], u.mul(v).toLongArray()[3]});
        assertArrayEquals(new boolean[] {true, false, true, false}, u.gt(v).toBooleanArray()); // 200 > 100, 255 > 1
        assertArrayEquals(new long[] {200, 3, 255, 0}, u.toLongArray());
        assertEquals(F32, u.div(v).dtype());
        assertEquals(458L, u.sum().toLongArray()[0]); // integer sums are int64, as PyTorch's
        Tensor i = Tensor.of(new int[] {127, -128, -1, 5}, 4).to(I8);
        assertArrayEquals(new long[] {-128, 127, -2, 10}, i.add(Tensor.of(new int[] {1, -1, -1, 5}, 4).to(I8)).toLongArray());
        assertArrayEquals(new boolean[] {false, true, true, false}, i.lt(Tensor.zeros(I8, 4)).toBooleanArray());
        assertEquals(I32, i.add(u).dtype());
        assertArrayEquals(new long[] {327, -125, 254, 5}, i.add(u).toLongArray());
        // Casts from floating point truncate to an integer, then keep the low byte.
        Tensor f = Tensor.of(new double[] {-1.5, 300.7, 255.9, -128.2}, 4);
        assertArrayEquals(new long[] {255, 44, 255, 128}, f.to(U8).toLongArray());
        assertArrayEquals(new long[] {-1, 44, -1, -128}, f.to(I8).toLongArray());
        assertArrayEquals(new float[] {200, 3, 255, 0}, u.to(F16).toFloatArray());
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT16", "BFLOAT16", "INT8", "UINT8"})
    void castsBetweenEveryPairRoundTripSmallIntegers(DType dtype) {
        Tensor ints = Tensor.of(new long[] {0, 1, 2, 7, 100, 127}, 6);
        for (DType other : DType.values()) {
            Tensor viaOther = other == B ? ints.gt(0) : ints.to(dtype).to(other).to(dtype);
            long[] expected = other == B ? new long[] {0, 1, 1, 1, 1, 1} : ints.toLongArray();
            assertArrayEquals(expected, viaOther.to(I64).toLongArray(), dtype + " through " + other);
        }
    }

    @Test
    void castsFromFloat64AndInt64RoundOnce() {
        // 1 + 2^-11 + 2^-40: through float32 first it would become 1.
        assertEquals(1 + 0x1p-10, Tensor.scalar(1 + 0x1p-11 + 0x1p-40, F64).to(F16).item());
        long big = (1L << 62) + (1L << 54) + 1; // just above a bfloat16 midpoint, lost in a double
        assertEquals(0x1.02p62, Tensor.of(new long[] {big}, 1).to(BF16).item());
        assertEquals(0x1p62, Tensor.of(new long[] {big - 2}, 1).to(BF16).item());
        assertEquals(0x1.000002p62, Tensor.of(new long[] {(1L << 62) + (1L << 38) + 1}, 1).to(F32).item());
    }

    @Test
    void viewsShareTheSixteenBitStorage() {
        Tensor x = Tensor.arange(0, 6, 1, F16).reshape(2, 3);
        Tensor t = x.transpose();
        assertSame(storage(x), storage(t));
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        assertArrayEquals(new float[] {0, 6, 2, 8, 4, 10}, t.add(t.contiguous()).toFloatArray());
        x.slice(1, 1, 2).copyFrom(Tensor.scalar(9));
        assertArrayEquals(new float[] {0, 9, 2, 3, 9, 5}, x.toFloatArray());
        assertArrayEquals(new float[] {0, 9, 2, 3, 9, 5, 0, 9, 2, 3, 9, 5}, Tensor.concat(0, x, x).toFloatArray());
        assertEquals("tensor([[0., 9., 2.],\n        [3., 9., 5.]], shape=[2, 3], dtype=float16)", x.toString());
    }
}
