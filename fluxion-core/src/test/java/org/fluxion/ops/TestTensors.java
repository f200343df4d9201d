package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Consumer;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.HalfPrecision;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.function.Executable;

/** Random tensors in several memory layouts and reference-loop helpers for the joining/indexing tests. */
final class TestTensors {
    private TestTensors() {
    }

    /** Memory layouts an input may have; all but CONTIGUOUS are views with unusual strides. */
    enum Layout { CONTIGUOUS, TRANSPOSED, STEP_SLICED, EXPANDED }

    /** Small random integers in every dtype, so that sums are exact in float32 too. */
    static Tensor random(Random r, DType dtype, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return switch (dtype) {
            case FLOAT16, BFLOAT16, INT8, UINT8 -> random(r, DType.INT32, dims).to(dtype);
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = r.nextInt(100) - 50;
                yield Tensor.of(a, dims);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = r.nextInt(100) - 50 + 0.25;
                yield Tensor.of(a, dims);
            }
            case INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = r.nextInt(100) - 50;
                yield Tensor.of(a, dims);
            }
            case INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = r.nextInt(100) - 50 + (1L << 40);
                yield Tensor.of(a, dims);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = r.nextBoolean();
                yield Tensor.of(a, dims);
            }
        };
    }

    /** A random tensor of shape {@code dims} laid out as {@code layout}. */
    static Tensor random(Random r, DType dtype, Layout layout, int... dims) {
        int rank = dims.length;
        if (rank == 0) {
            return random(r, dtype, dims);
        }
        int[] d = dims.clone();
        switch (layout) {
            case CONTIGUOUS -> {
                return random(r, dtype, dims);
            }
            case TRANSPOSED -> {
                d[0] = dims[rank - 1];
                d[rank - 1] = dims[0];
                return random(r, dtype, d).transpose(0, rank - 1);
            }
            case STEP_SLICED -> {
                d[rank - 1] = 2 * dims[rank - 1] + 1;
                return random(r, dtype, d).slice(rank - 1, 1, d[rank - 1], 2);
            }
            default -> {
                d[0] = 1;
                return random(r, dtype, d).expand(dims);
            }
        }
    }

    static Layout layout(Random r) {
        return Layout.values()[r.nextInt(Layout.values().length)];
    }

    static DType dtype(Random r) {
        return DType.values()[r.nextInt(DType.values().length)];
    }

    /** A random dimension, 0 about one time in ten. */
    static int dim(Random r) {
        return r.nextInt(10) == 0 ? 0 : 1 + r.nextInt(4);
    }

    static int[] dims(Random r, int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = dim(r);
        return d;
    }

    /** Random index values in {@code [0, bound)}, int32 or int64, contiguous. */
    static Tensor randomIndex(Random r, boolean int64, int bound, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        if (int64) {
            long[] a = new long[n];
            for (int i = 0; i < n; i++) a[i] = r.nextInt(bound);
            return Tensor.of(a, dims);
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(bound);
        return Tensor.of(a, dims);
    }

    /** Calls {@code body} with every multi-index of {@code dims} in row-major order (the array is reused). */
    static void forEachIndex(int[] dims, Consumer<int[]> body) {
        long n = 1;
        for (int d : dims) n *= d;
        int[] idx = new int[dims.length];
        for (long k = 0; k < n; k++) {
            body.accept(idx);
            for (int i = dims.length - 1; i >= 0; i--) {
                if (++idx[i] < dims[i]) break;
                idx[i] = 0;
            }
        }
    }

    /** Asserts the throw of {@code type} whose message contains every one of {@code parts}. */
    static <T extends Throwable> T assertThrowsWith(Class<T> type, Executable call, String... parts) {
        T e = assertThrows(type, call);
        assertEquals(type, e.getClass(), "exact exception type");
        for (String p : parts) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(p),
                    "message \"" + e.getMessage() + "\" should contain \"" + p + "\"");
        }
        return e;
    }

    /** {@code v} converted to {@code dtype} as a cast would, read back as a double. */
    static double as(double v, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> (float) v;
            case FLOAT64 -> v;
            case INT32 -> (int) v;
            case INT64 -> (long) v;
            case BOOL -> v != 0 ? 1 : 0;
            case FLOAT16 -> HalfPrecision.float16ToFloat(HalfPrecision.doubleToFloat16(v));
            case BFLOAT16 -> HalfPrecision.bfloat16ToFloat(HalfPrecision.doubleToBFloat16(v));
            case INT8 -> (byte) (long) v;
            case UINT8 -> (byte) (long) v & 0xff;
        };
    }
}
