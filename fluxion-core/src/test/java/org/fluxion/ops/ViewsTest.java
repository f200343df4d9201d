package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import static org.fluxion.testing.MessageAssertions.assertMessage;

class ViewsTest {
    private final RandomTensors random = new RandomTensors(11);

    @Test
    void reshapeIsAViewWhenContiguousAndCopiesOtherwise() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertSame(storage(x), storage(x.reshape(6, -1)));
        assertEquals(Shape.of(6, 4), x.reshape(6, -1).shape());
        Tensor t = x.transpose(0, 2); // [4, 3, 2]
        Tensor r = t.reshape(-1);
        long[] expected = new long[24];
        int k = 0;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                for (int l = 0; l < 2; l++) {
                    expected[k++] = i + 4 * j + 12 * l;
                }
            }
        }
        assertArrayEquals(expected, r.toLongArray());
        // Merging axes that are contiguous among themselves stays a view even when the whole is not.
        Tensor s = Tensor.arange(24).reshape(4, 6).slice(1, 0, 6, 1).slice(0, 0, 4, 2); // [2, 6] strided rows
        assertSame(storage(s), storage(s.reshape(2, 2, 3)));
        assertArrayEquals(s.contiguous().reshape(2, 2, 3).toLongArray(), s.reshape(2, 2, 3).toLongArray());
    }

    @Test
    void reshapeMatchesContiguousReshapeOnRandomLayouts() {
        for (int trial = 0; trial < 100; trial++) {
            int[] dims = random.shape(1 + random.random().nextInt(4), 4);
            Tensor x = random.values(DType.FLOAT64, dims);
            Tensor v = random.nonContiguous(x);
            int n = x.size();
            int[] target = n == 0 ? new int[] {0, 3} : (n % 2 == 0 ? new int[] {2, -1} : new int[] {-1, 1});
            assertArrayEquals(x.reshape(target).toDoubleArray(), v.reshape(target).toDoubleArray(), 0);
        }
    }

    @Test
    void permuteTransposeSliceSelect() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertEquals(Shape.of(4, 2, 3), p.shape());
        assertEquals(x.getLong(1, 2, 3), p.getLong(3, 1, 2));
        Tensor s = x.slice(2, 1, 4, 2);
        assertEquals(Shape.of(2, 3, 2), s.shape());
        assertEquals(x.getLong(1, 1, 3), s.getLong(1, 1, 1));
        assertEquals(Shape.of(2, 3, 0), x.slice(2, 3, 1).shape());
        assertEquals(Shape.of(2, 3, 2), x.slice(-1, -2, 100).shape(), "python-style clamping");
        Tensor sel = x.select(1, -1);
        assertEquals(Shape.of(2, 4), sel.shape());
        assertEquals(x.getLong(1, 2, 0), sel.getLong(1, 0));
        assertEquals(Shape.of(4, 3, 2), x.transpose(0, 2).shape());
        assertEquals(Shape.of(2, 4, 3), x.transpose().shape());
    }

    @Test
    void expandSqueezeUnsqueezeFlatten() {
        Tensor x = Tensor.vector(1, 2, 3).reshape(3, 1);
        Tensor e = x.expand(2, 3, 4);
        assertEquals(Shape.of(2, 3, 4), e.shape());
        assertEquals(0, e.stride(0));
        assertEquals(0, e.stride(2));
        assertEquals(3.0, e.get(1, 2, 3));
        assertEquals(Shape.of(3, 4), x.expand(-1, 4).shape());
        assertEquals(Shape.of(3), x.squeeze().shape());
        assertEquals(Shape.of(3), x.squeeze(1).shape());
        assertEquals(Shape.of(1, 3, 1), x.unsqueeze(0).shape());
        assertEquals(Shape.of(3, 1, 1), x.unsqueeze(-1).shape());
        assertEquals(Shape.of(12), Tensor.zeros(2, 3, 2).flatten().shape());
        assertEquals(Shape.of(2, 6), Tensor.zeros(2, 3, 2).flatten(1, 2).shape());
        assertEquals(Shape.of(1), Tensor.scalar(2).flatten().shape());
        Tensor c = e.contiguous();
        assertTrue(c.isContiguous());
        assertEquals(e, c);
    }

    @Test
    void errors() {
        Tensor x = Tensor.zeros(2, 3);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2)), "reshape", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1)), "reshape", "-1");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0)), "permute", "repeats");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.permute(0)), "permute", "[2, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.expand(3, 3)), "expand", "[3, 3]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.squeeze(0)), "squeeze", "size 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.slice(2, 0, 1)), "slice", "axis 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.slice(0, 0, 1, 0)), "slice", "step");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> x.select(1, 3)), "select", "3");
        assertMessage(assertThrows(IndexOutOfBoundsException.class, () -> x.get(0, 3)), "index 3", "size 3");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.get(0)), "index", "rank 2");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.item()), "item", "[2, 3]");
    }
}
