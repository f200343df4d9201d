package org.fluxion.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * cuBLAS matrix products on row-major float32 matrices. cuBLAS is column-major, so
 * {@code C = A·B} (row-major, {@code A: [m, k]}, {@code B: [k, n]}, {@code C: [m, n]}) is computed as the
 * column-major {@code Cᵀ = Bᵀ·Aᵀ}, which reads the same memory with no transposition.
 *
 * <p>{@link Precision#FLOAT32} multiplies in float32 ({@code CUBLAS_COMPUTE_32F}: no tensor-core
 * shortcuts); {@link Precision#TF32} allows the tensor cores to round the operands to TF32 (10-bit mantissa)
 * and accumulate in float32 ({@code CUBLAS_COMPUTE_32F_FAST_TF32}): several times faster, with relative
 * errors near 1e-3 instead of 1e-6. Only a caller that asks for TF32 gets it.
 */
public final class Blas {
    /** The arithmetic a product may use. */
    public enum Precision {
        FLOAT32(68), TF32(77);

        final int computeType;

        Precision(int computeType) {
            this.computeType = computeType;
        }
    }

    private static final int CUDA_R_32F = 0;
    private static final int CUBLAS_OP_N = 0;
    private static final int CUBLAS_GEMM_DEFAULT = -1;

    private final CudaDevice device;
    private final NativeLibrary lib;
    private final MethodHandle destroy, setStream, gemmEx, gemmStridedBatchedEx, getVersion, statusName;
    private final MemorySegment handle;
    private final MemorySegment one;
    private final MemorySegment zero;

    Blas(CudaDevice device, Path file) {
        this.device = device;
        lib = new NativeLibrary("cuBLAS", file);
        MethodHandle create = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasCreate_v2");
        destroy = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS), "cublasDestroy_v2");
        setStream = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasSetStream_v2");
        getVersion = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "cublasGetVersion_v2");
        statusName = lib.function(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusName");
        gemmEx = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT), "cublasGemmEx");
        gemmStridedBatchedEx = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT), "cublasGemmStridedBatchedEx");
        Arena arena = Arena.ofAuto();
        one = arena.allocateFrom(JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(JAVA_FLOAT, 0f);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment h = a.allocate(ADDRESS);
            check((int) create.invokeExact(h), "cublasCreate");
            handle = h.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    /** The library file in use. */
    public Path file() {
        return lib.file();
    }

    /** cuBLAS's version number (e.g. 130100 for 13.1.0). */
    public int version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(handle, v), "cublasGetVersion");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    private void check(int status, String call) {
        if (status != 0) {
            String name;
            try {
                MemorySegment p = (MemorySegment) statusName.invokeExact(status);
                name = p.equals(MemorySegment.NULL) ? "status " + status : p.reinterpret(256).getString(0);
            } catch (Throwable t) {
                name = "status " + status;
            }
            throw new CudaException(call + " failed: " + name + " (cublasStatus_t " + status + ")", status);
        }
    }

    private static void requireFloats(String what, DeviceBuffer b, long count) {
        if (b.bytes() < 4 * count) {
            throw new IllegalArgumentException("matmul: " + what + " needs " + count + " floats (" + 4 * count
                    + " bytes) but its device buffer has " + b.bytes() + " bytes");
        }
    }

    private static void requirePositive(int... dims) {
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("matmul: dimensions must be positive, got " + java.util.Arrays.toString(dims));
            }
        }
    }

    /** Queues {@code C = A·B} (row-major, {@code A: [m, k]}, {@code B: [k, n]}, {@code C: [m, n]}) on the calling thread's stream. */
    public void matmul(Precision precision, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, int m, int n, int k) {
        requirePositive(m, n, k);
        requireFloats("A [" + m + ", " + k + "]", a, (long) m * k);
        requireFloats("B [" + k + ", " + n + "]", b, (long) k * n);
        requireFloats("C [" + m + ", " + n + "]", c, (long) m * n);
        Stream s = device.stream();
        try {
            check((int) setStream.invokeExact(handle, s.handle), "cublasSetStream");
            check((int) gemmEx.invokeExact(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, one,
                    MemorySegment.ofAddress(b.address()), CUDA_R_32F, n, MemorySegment.ofAddress(a.address()), CUDA_R_32F, k,
                    zero, MemorySegment.ofAddress(c.address()), CUDA_R_32F, n, precision.computeType, CUBLAS_GEMM_DEFAULT),
                    "cublasGemmEx(" + precision + ", m=" + m + ", n=" + n + ", k=" + k + ")");
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    /**
     * Queues {@code C[i] = A[i]·B[i]} for {@code i < batch}, each matrix row-major and the batch contiguous
     * ({@code A: [batch, m, k]}, {@code B: [batch, k, n]}, {@code C: [batch, m, n]}).
     */
    public void matmulBatched(Precision precision, DeviceBuffer a, DeviceBuffer b, DeviceBuffer c, int batch, int m, int n, int k) {
        requirePositive(batch, m, n, k);
        requireFloats("A [" + batch + ", " + m + ", " + k + "]", a, (long) batch * m * k);
        requireFloats("B [" + batch + ", " + k + ", " + n + "]", b, (long) batch * k * n);
        requireFloats("C [" + batch + ", " + m + ", " + n + "]", c, (long) batch * m * n);
        Stream s = device.stream();
        try {
            check((int) setStream.invokeExact(handle, s.handle), "cublasSetStream");
            check((int) gemmStridedBatchedEx.invokeExact(handle, CUBLAS_OP_N, CUBLAS_OP_N, n, m, k, one,
                    MemorySegment.ofAddress(b.address()), CUDA_R_32F, n, (long) k * n,
                    MemorySegment.ofAddress(a.address()), CUDA_R_32F, k, (long) m * k,
                    zero, MemorySegment.ofAddress(c.address()), CUDA_R_32F, n, (long) m * n, batch,
                    precision.computeType, CUBLAS_GEMM_DEFAULT),
                    "cublasGemmStridedBatchedEx(" + precision + ", batch=" + batch + ", m=" + m + ", n=" + n + ", k=" + k + ")");
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    void destroy() {
        try {
            check((int) destroy.invokeExact(handle), "cublasDestroy");
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }
}
