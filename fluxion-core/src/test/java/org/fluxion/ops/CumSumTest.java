package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@code cumsum}'s values, dtypes, views and errors; its derivative rules are rows of the conformance suite. */
class CumSumTest {
    private static final Tensor X = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);

    @Test
    void sumsAlongEitherAxis() {
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, X.cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 5, 7, 9}, X.cumsum(0).toDoubleArray());
        assertArrayEquals(new double[] {1, 3, 6, 4, 9, 15}, X.cumsum(-1).toDoubleArray());
        assertArrayEquals(new double[] {6, 5, 3, 15, 11, 6}, Ops.bind(new CumSum(1, true), X).toDoubleArray());
    }

    @Test
    void viewsAreReadThroughTheirStrides() {
        assertArrayEquals(new double[] {1, 5, 2, 7, 3, 9}, X.transpose().cumsum(1).toDoubleArray());
    }

    @Test
    void contiguousViewsStartAtTheirOffset() {
        // The second row is contiguous but starts at element 3 of the storage; it was read from element 0.
        assertArrayEquals(new double[] {4, 9, 15}, X.slice(0, 1, 2).cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {4, 9, 15}, X.to(DType.FLOAT32).slice(0, 1, 2).cumsum(1).toDoubleArray());
        assertArrayEquals(new double[] {4, 9, 15}, X.to(DType.INT64).slice(0, 1, 2).cumsum(1).toDoubleArray());
    }

    @Test
    void integersGiveInt64AndFloat32Accumulates() {
        Tensor i = Tensor.of(new int[] {1, 2, 3}, 3).cumsum(0);
        assertEquals(DType.INT64, i.dtype());
        assertArrayEquals(new long[] {1, 3, 6}, (long[]) storage(i).array());
        // 1 + 1e-8 * 1e6 in a double accumulator: float32 alone would lose every 1e-8.
        float[] f = new float[1_000_001];
        f[0] = 1;
        java.util.Arrays.fill(f, 1, f.length, 1e-8f);
        Tensor y = Tensor.of(f, f.length).cumsum(0);
        assertEquals(DType.FLOAT32, y.dtype());
        assertEquals(1.01, y.get(f.length - 1), 1e-6);
    }

    @Test
    void scalarsAndEmptyAxes() {
        assertEquals(5, Tensor.scalar(5).cumsum(0).item());
        assertArrayEquals(new int[] {2, 0}, Tensor.zeros(2, 0).cumsum(1).dims());
    }

    @Test
    void aBadAxisIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> X.cumsum(2));
        assertTrue(e.getMessage().contains("cumsum"), e.getMessage());
    }
}
