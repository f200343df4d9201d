package org.fluxion.ops;

import static org.fluxion.ops.HalfTypesTest.bits;
import static org.fluxion.ops.HalfTypesTest.bitsOf;
import static org.fluxion.ops.HalfTypesTest.randomBits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every elementwise primitive on float16 and bfloat16, eagerly, under jit and under vmap: the result is
 * the float32 result of the widened operands rounded once, so no kernel path (the one-element shortcut,
 * vectorized loops, strided views) escapes the rule; derivatives come back in the 16-bit type.
 */
class HalfTypesEveryOpTest {
    /** Values of every magnitude in both formats, in a strided view (every other element of a [2n] tensor). */
    private static Tensor operand(DType dtype, long seed) {
        return bits(dtype, randomBits(dtype, 2 * 257, seed)).slice(0, 0, 2 * 257, 2);
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOperationsRoundOnce(UnaryOp op) {
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor x = operand(dtype, op.ordinal());
            Function<Tensor, Tensor> f = t -> Elementwise.unary(op, t);
            Tensor expected = f.apply(x.to(DType.FLOAT32));
            expected = expected.dtype() == DType.BOOL ? expected : expected.to(dtype);
            assertSame(expected, f.apply(x), op + " on " + dtype);
            assertSame(expected, Jit.jit(f).apply(x), op + " on " + dtype + " under jit");
            assertSame(expected.reshape(1, 257), Vmap.vmap(f).apply(x.reshape(1, 257)), op + " under vmap");
            assertSame(expected.slice(0, 0, 1), f.apply(x.slice(0, 0, 1)), op + " on one element");
            if (expected.dtype() != DType.BOOL && op != UnaryOp.SIGN) {
                Tensor g = Functional.grad((Tensor t) -> f.apply(t).sum()).apply(x.slice(0, 0, 8));
                assertEquals(dtype, g.dtype(), op + "'s gradient on " + dtype);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryOperationsRoundOnce(BinaryOp op) {
        for (DType dtype : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor a = operand(dtype, 100 + op.ordinal());
            Tensor b = operand(dtype, 200 + op.ordinal());
            Tensor expected = Elementwise.binary(op, a.to(DType.FLOAT32), b.to(DType.FLOAT32));
            expected = expected.dtype() == DType.BOOL ? expected : expected.to(dtype);
            assertSame(expected, Elementwise.binary(op, a, b), op + " on " + dtype);
            Function<Tensor[], Tensor[]> f = t -> new Tensor[] {Elementwise.binary(op, t[0], t[1])};
            assertSame(expected, Jit.jit(f).apply(new Tensor[] {a, b})[0], op + " on " + dtype + " under jit");
            // Broadcast against a row: [3, 257] op [257].
            Tensor rows = Tensor.stack(0, a, a, a);
            Tensor broadcast = Elementwise.binary(op, rows.to(DType.FLOAT32), b.to(DType.FLOAT32));
            assertSame(broadcast.dtype() == DType.BOOL ? broadcast : broadcast.to(dtype), Elementwise.binary(op, rows, b),
                    op + " broadcast on " + dtype);
        }
    }

    private static void assertSame(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.dtype(), actual.dtype(), what);
        if (expected.dtype() == DType.BOOL) {
            assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), what);
        } else {
            short[] e = bitsOf(expected);
            short[] a = bitsOf(actual);
            for (int i = 0; i < e.length; i++) {
                float ev = HalfTypesTest.value(expected.dtype(), e[i]);
                float av = HalfTypesTest.value(expected.dtype(), a[i]);
                if (!(Float.isNaN(ev) && Float.isNaN(av))) {
                    assertEquals(e[i], a[i], what + " at " + i + ": " + ev + " vs " + av);
                }
            }
        }
    }
}
