package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The rewrites of the compiler decide from shapes, not element counts: a column [n, 1] and a row [1, n]
 * have the same size and broadcast along different axes. Each case compares {@code jit} with eager on
 * the exact shapes, square ones included, where sizes coincide.
 */
class ShapeDecisionsTest {
    private static void sameAsEager(Function<Tensor[], Tensor> f, Tensor... args) {
        Tensor eager = f.apply(args);
        Tensor jitted = Jit.jit(f).apply(args);
        assertEquals(eager.shape(), jitted.shape());
        assertTrue(jitted.allClose(eager, 1e-5, 1e-5), () -> "jit " + jitted + " vs eager " + eager);
    }

    private static Tensor seq(int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = 1 + i % 7 - 0.25 * i;
        }
        return Tensor.of(xs, dims);
    }

    @Test
    void squareProductPlusAColumnBroadcastsAlongRows() {
        // The reported case: the bias [n, 1] has the size of a row of the square product.
        Tensor w = Tensor.of(new double[] {1, 0, 0, 1}, 2, 2);
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor b = Tensor.of(new double[] {10, 20}, 2, 1);
        Function<Tensor[], Tensor> f = a -> a[0].matmul(a[1]).add(a[2]);
        assertEquals(Tensor.of(new double[] {11, 12, 23, 24}, 2, 2), Jit.jit(f).apply(new Tensor[] {w, x, b}));
        sameAsEager(a -> a[2].add(a[0].matmul(a[1])), w, x, b); // the other operand order
    }

    @Test
    void everyBiasShapeOfAProduct() {
        int[][][] cases = {
                {{3, 4}, {4, 3}, {3, 1}}, // square, column
                {{3, 4}, {4, 3}, {1, 3}}, // square, row
                {{3, 4}, {4, 3}, {3}}, // square, rank-1 row
                {{3, 4}, {4, 3}, {3, 3}}, // full
                {{3, 4}, {4, 3}, {1, 1}}, // one element
                {{3, 4}, {4, 3}, {1}},
                {{2, 4}, {4, 3}, {2, 1}}, // column of a [2, 3] product
                {{3, 4}, {4, 2}, {3, 1}},
                {{4, 4}, {4, 1}, {4, 1}}, // one output column: [n, 1] is the full product
                {{1, 4}, {4, 4}, {1, 4}}, // one output row
                {{1, 4}, {4, 4}, {4}},
        };
        for (int[][] c : cases) {
            sameAsEager(a -> a[0].matmul(a[1]).add(a[2]), seq(c[0]), seq(c[1]), seq(c[2]));
        }
    }

    @Test
    void aViewAsBias() {
        // A transposed [3, 3] view and a column sliced out of a matrix (strided): read through their strides.
        Tensor t = seq(3, 3).transpose();
        sameAsEager(a -> a[0].matmul(a[1]).add(a[2]), seq(3, 4), seq(4, 3), t);
        Tensor column = seq(3, 2).slice(1, 0, 1); // [3, 1], strides [2, 1]
        sameAsEager(a -> a[0].matmul(a[1]).add(a[2]), seq(3, 4), seq(4, 3), column);
    }

    @Test
    void fusedChainsReadColumnsAndRowsOfSquareSpaces() {
        // Short rows (repeated into dense arrays before the kernel) and long rows (broadcast accesses).
        for (int n : new int[] {3, 20}) {
            Tensor x = seq(n, n), col = seq(n, 1), row = seq(1, n), vec = seq(n);
            sameAsEager(a -> a[0].mul(a[1]).add(a[2]).exp(), x, col, row);
            sameAsEager(a -> a[0].mul(a[2]).sub(a[1]).tanh(), x, col, vec);
            sameAsEager(a -> a[1].add(a[2]).mul(2), col, row, vec); // the space [n, n] comes from broadcasting
            sameAsEager(a -> a[0].mul(a[1]).add(a[2]).sum(new int[] {1}, false), x, col, row);
            sameAsEager(a -> a[0].sub(a[1]).exp().sum(new int[] {1}, true), x, col);
            sameAsEager(a -> a[0].mul(a[1]).max(new int[] {1}, false), x, row);
            sameAsEager(a -> a[0].add(a[0].transpose()).mul(a[1]), x, col); // a view of an input
        }
    }

    @Test
    void sizeOneAxesAndRepeatedInputs() {
        Tensor x = seq(4, 1, 4), y = seq(1, 4, 1);
        sameAsEager(a -> a[0].mul(a[1]).add(a[0]).neg(), x, y); // [4, 4, 4] from two size-1 patterns
        sameAsEager(a -> a[0].add(a[0]).mul(a[0]), seq(5, 5), seq(5, 5));
        sameAsEager(a -> a[0].mul(a[1]).sum(new int[] {1, 2}, false), seq(2, 3, 3), seq(3, 1));
    }

    @Test
    void identitiesOnlyWhereTheResultHasTheOperandsShapeAndDtype() {
        Tensor ones = Tensor.ones(3, 1), zeros = Tensor.zeros(1, 3);
        sameAsEager(a -> a[0].mul(ones), seq(1, 3)); // x * 1 broadcasts [1, 3] to [3, 3]: kept
        sameAsEager(a -> a[0].add(zeros), seq(3, 1));
        sameAsEager(a -> ones.mul(a[0]).sub(Tensor.zeros(3)), seq(3, 3)); // no broadcast: simplified away
        sameAsEager(a -> a[0].div(Tensor.ones(org.fluxion.tensor.DType.FLOAT64, 3)), seq(3).to(org.fluxion.tensor.DType.FLOAT32));
        sameAsEager(a -> a[0].reshape(3, 2).reshape(6).reshape(2, 3), seq(2, 3));
        sameAsEager(a -> a[0].transpose().transpose().add(a[0].reshape(3, 2).transpose()), seq(2, 3));
    }
}
