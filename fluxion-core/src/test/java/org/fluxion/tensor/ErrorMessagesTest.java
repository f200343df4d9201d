package org.fluxion.tensor;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Errors name the operation, the true sizes and both shapes (issue 9, items 14 and 16): sizes beyond
 * what one tensor holds, arrays of the wrong type, matmul operands whose batch dimensions differ.
 */
class ErrorMessagesTest {
    @Test
    void wrappingAnArrayOfTheWrongTypeNamesBothTypes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Storage.wrap(DType.FLOAT32, new int[3]));
        assertMessage(e, "Storage.wrap", "float32", "float[]", "int[]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Storage.wrap(DType.BOOL, new double[1])),
                "bool", "boolean[]", "double[]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Storage.wrap(DType.INT64, null)),
                "int64", "long[]", "null");
        assertEquals(3, Storage.wrap(DType.INT32, new int[3]).length());
    }

    @Test
    void concatReportsTheSizeTheResultWouldHave() {
        // Broadcast views of one element: 3 * 2^30 elements in all, no memory.
        Tensor x = Tensor.zeros(DType.BOOL, 1).expand(1 << 30);
        var e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, x, x, x));
        assertMessage(e, "concat", "[" + 3L * (1 << 30) + "]");
        assertFalse(e.getMessage().contains("2147483647"), e.getMessage());
    }

    @Test
    void sizeOverflowsNameTheOperation() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1 << 16)),
                "zeros", "[65536, 65536]", "4294967296 elements");
        Tensor column = Tensor.zeros(DType.BOOL, 1 << 16, 1);
        Tensor row = Tensor.zeros(DType.BOOL, 1, 1 << 16);
        // Broadcasting two small tensors to 2^32 elements used to give a shape whose size wrapped to 0.
        assertMessage(assertThrows(IllegalArgumentException.class, () -> column.logicalAnd(row)),
                "logical", "[65536, 65536]", "4294967296 elements");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> column.expand(1 << 16, 1 << 16)),
                "expand", "4294967296 elements");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1 << 16, 1)
                .matmul(Tensor.zeros(1, 1 << 16))), "matmul", "[65536, 65536]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(DType.BOOL, 1 << 16)
                .pad(new int[] {Integer.MAX_VALUE, 0}, 0)), "pad", "[" + (Integer.MAX_VALUE + 65536L) + "]");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> Shape.of(1 << 20, 1 << 20, 1 << 20, 1 << 20)),
                "more than 2^63");
    }

    @Test
    void matmulBatchMismatchNamesBothFullShapes() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 4)));
        assertMessage(e, "matmul", "[2, 2, 3]", "[3, 3, 4]", "batch", "2 vs 3");
        var vector = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3).matmul(Tensor.zeros(2, 4)));
        assertMessage(vector, "matmul", "[3]", "[2, 4]", "3 elements on the left vs 2 rows");
    }
}
