package org.fluxion.sparse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class RowSparseTest {
    @Test
    void denseFormAndSumOfOverlappingRowSets() {
        RowSparse a = new RowSparse(Tensor.of(new long[] {1, 4}, 2), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), 5);
        RowSparse b = new RowSparse(Tensor.of(new long[] {0, 4}, 2), Tensor.of(new double[] {10, 20, 30, 40}, 2, 2), 5);
        assertArrayEquals(new double[] {0, 0, 1, 2, 0, 0, 0, 0, 3, 4}, a.toDense().toDoubleArray());
        RowSparse s = RowSparse.sum(List.of(a, b));
        assertArrayEquals(new long[] {0, 1, 4}, s.indices().toLongArray());
        assertTrue(s.toDense().allClose(a.toDense().add(b.toDense())));
    }

    @Test
    void indicesMustBeIncreasingAndInRange() {
        Tensor v = Tensor.zeros(DType.FLOAT32, 2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> new RowSparse(Tensor.of(new long[] {3, 3}, 2), v, 5));
        assertTrue(e.getMessage().contains("index 1 is 3 after 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RowSparse(Tensor.of(new long[] {1, 5}, 2), v, 5));
        assertTrue(e.getMessage().contains("[0, 5)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RowSparse(Tensor.of(new long[] {1}, 1), v, 5));
        assertTrue(e.getMessage().contains("one row per index (1)"), e.getMessage());
    }
}
