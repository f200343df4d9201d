package org.fluxion.tensor;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * {@link Shape}'s rules on the paths every primitive takes (issue 10): a broadcast where one shape contains
 * the other gives that shape itself, and the checks of {@code Shape.of} accept and refuse what they did
 * when their error text was built up front.
 */
class ShapeTest {
    @Test
    void broadcastReturnsTheShapeThatContainsTheOther() {
        Shape vector = Shape.of(3);
        Shape matrix = Shape.of(2, 3);
        assertSame(matrix, Shape.broadcast("add", matrix, vector));
        assertSame(matrix, Shape.broadcast("add", vector, matrix));
        assertSame(vector, Shape.broadcast("mul", vector, Shape.scalar()));
        assertSame(vector, Shape.broadcast("mul", Shape.of(1), vector));
        Shape other = Shape.of(2, 3);
        assertSame(matrix, Shape.broadcast("sub", matrix, other)); // equal shapes: the first
        // Neither contains the other: a new shape.
        assertEquals(Shape.of(4, 3), Shape.broadcast("add", Shape.of(4, 1), Shape.of(1, 3)));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Shape.broadcast("add", Shape.of(2, 3), Shape.of(4))), "add", "[2, 3]", "[4]", "3 vs 4");
    }

    @Test
    void ofChecksEachDimensionAndTheSize() {
        assertArrayEquals(new int[] {0, 5}, Shape.of("zeros", 0, 5).dims());
        assertEquals(0, Shape.of(3, 0).size());
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shape.of("full", 2, -1)),
                "full", "[2, -1]", "dimension 1 is negative (-1)");
        // An empty shape still may not name a dimension no array can have.
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shape.of("zeros", 0, Integer.MAX_VALUE)),
                "zeros", "dimension 1 (" + Integer.MAX_VALUE + ")", "one tensor can hold");
        assertEquals(Shape.MAX_SIZE, Shape.of(Shape.MAX_SIZE).size());
    }

    @Test
    void aTensorOfRankOneHasUnitStrideAndItsStridesAreACopy() {
        Tensor t = Tensor.zeros(4);
        int[] strides = t.strides();
        assertArrayEquals(new int[] {1}, strides);
        strides[0] = 7;
        assertArrayEquals(new int[] {1}, Tensor.zeros(5).strides());
        assertArrayEquals(new int[] {1}, Shape.of(4).contiguousStrides());
    }
}
