package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import java.util.function.Supplier;
import org.fluxion.kernels.StridedLoop;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/** Validation of integer index tensors, shared by the indexing primitives and composites. */
final class IndexCheck {
    private IndexCheck() {
    }

    /** Rejects an index tensor that is not int32 or int64. */
    static void requireIntegerIndex(String op, TensorType index) {
        if (index.dtype() != DType.INT32 && index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be int32 or int64, got " + index.dtype().label()
                    + " (index " + index + ")");
        }
    }

    /**
     * Checks that every value of {@code index} lies in {@code [0, bound)}, before any kernel runs, so that a
     * bad index surfaces as a clear error on the caller's thread rather than an array error inside a worker.
     *
     * @param what describes the bound in the message, e.g. {@code "axis 0 of size 5"}
     * @throws IndexOutOfBoundsException naming {@code op}, the offending value and {@code what}
     */
    static void checkRange(String op, Tensor index, int bound, Supplier<String> what) {
        if (index.isTraced()) {
            return; // no values while jit traces: the gather/scatter kernel checks them when the plan runs
        }
        // Dimensions of stride 0 repeat the same values: skipping them makes checking a broadcast index
        // (as index-select builds) cost its real number of elements, not its broadcast size.
        int[] dims = index.dims();
        int[] strides = index.strides();
        int r = 0;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                return;
            }
            if (strides[i] != 0) {
                dims[r] = dims[i];
                strides[r++] = strides[i];
            }
        }
        StridedLoop loop = StridedLoop.of(Arrays.copyOf(dims, r), new int[] {index.offset()}, Arrays.copyOf(strides, r));
        int st = loop.innerStride(0);
        Object a = storage(index).array();
        loop.forRange(0, loop.size(), (o, n) -> {
            for (int i = 0; i < n; i++) {
                long v = a instanceof int[] ii ? ii[o[0] + i * st] : ((long[]) a)[o[0] + i * st];
                if (v < 0 || v >= bound) {
                    throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for " + what.get()
                            + (v < 0 ? " (negative indices are not supported)" : ""));
                }
            }
        });
    }
}
