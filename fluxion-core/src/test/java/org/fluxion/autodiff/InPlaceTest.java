package org.fluxion.autodiff;

import static org.fluxion.tensor.TensorInternals.storage;
import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * In-place operations keep the destination's type and shape: a result that cannot be stored without
 * truncation (PyTorch: "result type Float can't be cast to the desired output type Int") or that has
 * another shape is refused, naming the operation (issue 9, items 7 and 16).
 */
class InPlaceTest {
    @Test
    void floatingPointResultIsNotTruncatedIntoAnIntegerTensor() {
        Tensor x = Tensor.zeros(DType.INT32, 2);
        var e = assertThrows(IllegalArgumentException.class, () -> x.addInPlace(Tensor.full(0.7, 2)));
        assertMessage(e, "addInPlace", "float32", "int32[2]", "truncated");
        assertArrayEquals(new int[] {0, 0}, x.toIntArray());
        assertEquals(0, storage(x).version(), "a refused write leaves the tensor untouched");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.subInPlace(Tensor.full(0.5, 2))),
                "subInPlace", "float32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> x.mulInPlace(0.5)), "mulInPlace", "float32");
        Tensor flags = Tensor.of(new boolean[] {true, false}, 2);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> flags.mulInPlace(2)), "mulInPlace", "int64",
                "bool", "not a bool");
    }

    @Test
    void resultsOfAStorableTypeAreWritten() {
        Tensor x = Tensor.zeros(DType.INT32, 2);
        x.addInPlace(Tensor.of(new long[] {3, -4}, 2)).mulInPlace(2); // int64 into int32: allowed, as PyTorch
        assertArrayEquals(new int[] {6, -8}, x.toIntArray());
        Tensor f = Tensor.zeros(DType.FLOAT32, 2).addInPlace(Tensor.of(new double[] {0.5, 1.5}, 2));
        assertArrayEquals(new float[] {0.5f, 1.5f}, f.toFloatArray());
        Tensor flags = Tensor.of(new boolean[] {true, false}, 2).copyFrom(Tensor.of(new boolean[] {false, true}, 2));
        assertArrayEquals(new boolean[] {false, true}, flags.toBooleanArray());
        // copyFrom is a conversion, as a cast: it truncates by design.
        assertArrayEquals(new int[] {0, 1}, Tensor.zeros(DType.INT32, 2).copyFrom(Tensor.full(1.7, 2).mul(
                Tensor.of(new float[] {0, 1}, 2))).toIntArray());
    }

    @Test
    void castRuleIsPyTorchs() {
        assertFalse(DType.canCast(DType.FLOAT32, DType.INT64));
        assertFalse(DType.canCast(DType.FLOAT64, DType.BOOL));
        assertFalse(DType.canCast(DType.INT32, DType.BOOL));
        assertTrue(DType.canCast(DType.BOOL, DType.INT32));
        assertTrue(DType.canCast(DType.INT64, DType.INT32));
        assertTrue(DType.canCast(DType.FLOAT64, DType.FLOAT32));
        assertTrue(DType.canCast(DType.INT64, DType.FLOAT32));
    }

    @Test
    void shapeErrorsNameTheInPlaceOperationNotExpand() {
        Tensor x = Tensor.zeros(3);
        var copy = assertThrows(IllegalArgumentException.class, () -> x.copyFrom(Tensor.zeros(2)));
        assertMessage(copy, "copyFrom", "[2]", "[3]");
        assertFalse(copy.getMessage().startsWith("expand"), copy.getMessage());
        var add = assertThrows(IllegalArgumentException.class, () -> x.addInPlace(Tensor.zeros(2, 3)));
        assertMessage(add, "addInPlace", "[2, 3]", "[3]");
    }
}
