package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A binary operation's VJP computes only the cotangents asked for (issue 10): {@code x * c}, {@code x / c},
 * {@code x - c} and {@code x ^ c} with a constant {@code c} cost one rule product, not two, on the eager tape
 * and in scalar loops; and what it computes equals the rule over both inputs.
 */
class BinaryWantedCotangentsTest {
    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"SUB", "MUL", "DIV", "POW"})
    void onlyTheWantedCotangentIsComputed(BinaryOp op) {
        Tensor a = Tensor.of(new double[] {1.5, 2.0, 0.5}, 3);
        Tensor b = Tensor.of(new double[] {2.0, -1.0, 3.0}, 3);
        Tensor g = Tensor.of(new double[] {0.25, 1.0, -2.0}, 3);
        Binary p = new Binary(op);
        Tensor y = p.compute(p.outputType(a.type(), b.type()), a, b);
        Tensor[] both = p.vjp(g, new Tensor[] {a, b}, y, 3);
        Tensor[] first = p.vjp(g, new Tensor[] {a, b}, y, 1);
        Tensor[] second = p.vjp(g, new Tensor[] {a, b}, y, 2);
        assertNull(first[1], op + ": cotangent of b computed though only a's was wanted");
        assertArrayEquals(values(both[0]), values(first[0]));
        assertArrayEquals(values(both[1]), values(second[1]));
        if (op != BinaryOp.SUB) { // sub's cotangent of a is g itself: nothing to spare
            assertNull(second[0], op + ": cotangent of a computed though only b's was wanted");
        }
        assertNotNull(both[0]);
    }

    private static double[] values(Tensor t) {
        return t.to(DType.FLOAT64).toDoubleArray();
    }
}
