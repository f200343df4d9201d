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
 * Downcalls to the CUDA driver API ({@code libcuda}). Handles ({@code CUcontext}, {@code CUstream},
 * {@code CUmodule}, {@code CUfunction}, {@code CUevent}) are pointers, device addresses
 * ({@code CUdeviceptr}) are {@code long}s. Every method checks the returned {@code CUresult} and throws a
 * {@link CudaException} naming the call and the error.
 */
final class Driver {
    static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    static final int CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3;
    static final int CU_FUNC_ATTRIBUTE_NUM_REGS = 4;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_STREAM_NON_BLOCKING = 1;
    static final int CU_EVENT_DEFAULT = 0;

    private static final FunctionDescriptor I_I = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
    private static final FunctionDescriptor I_P = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor I_PP = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    final NativeLibrary lib;
    private final MethodHandle cuInit, cuDeviceGetCount, cuDeviceGet, cuDeviceGetAttribute, cuDeviceGetName,
            cuDeviceTotalMem, cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRelease, cuCtxSetCurrent, cuCtxSynchronize,
            cuMemAlloc, cuMemFree, cuMemcpyHtoD, cuMemcpyDtoH, cuMemcpyDtoDAsync, cuMemsetD32Async, cuMemGetInfo,
            cuStreamCreate, cuStreamDestroy, cuStreamSynchronize, cuModuleLoadData, cuModuleUnload,
            cuModuleGetFunction, cuLaunchKernel, cuEventCreate, cuEventRecord, cuEventSynchronize,
            cuEventElapsedTime, cuEventDestroy, cuGetErrorName, cuGetErrorString, cuDriverGetVersion, cuOccupancy,
            cuFuncGetAttribute;

    Driver(Path file) {
        lib = new NativeLibrary("the CUDA driver", file);
        cuInit = lib.function(I_I, "cuInit");
        cuDriverGetVersion = lib.function(I_P, "cuDriverGetVersion");
        cuDeviceGetCount = lib.function(I_P, "cuDeviceGetCount");
        cuDeviceGet = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceGet");
        cuDeviceGetAttribute = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetAttribute");
        cuDeviceGetName = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), "cuDeviceGetName");
        cuDeviceTotalMem = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDeviceTotalMem_v2");
        cuDevicePrimaryCtxRetain = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = lib.function(I_I, "cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease");
        cuCtxSetCurrent = lib.function(I_P, "cuCtxSetCurrent");
        cuCtxSynchronize = lib.function(FunctionDescriptor.of(JAVA_INT), "cuCtxSynchronize");
        cuMemAlloc = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), "cuMemAlloc_v2");
        cuMemFree = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_LONG), "cuMemFree_v2");
        cuMemcpyHtoD = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, JAVA_LONG), "cuMemcpyHtoD_v2");
        cuMemcpyDtoH = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), "cuMemcpyDtoH_v2");
        cuMemcpyDtoDAsync = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS),
                "cuMemcpyDtoDAsync_v2");
        cuMemsetD32Async = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS),
                "cuMemsetD32Async");
        cuMemGetInfo = lib.function(I_PP, "cuMemGetInfo_v2");
        cuStreamCreate = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuStreamCreate");
        cuStreamDestroy = lib.function(I_P, "cuStreamDestroy_v2");
        cuStreamSynchronize = lib.function(I_P, "cuStreamSynchronize");
        cuModuleLoadData = lib.function(I_PP, "cuModuleLoadData");
        cuModuleUnload = lib.function(I_P, "cuModuleUnload");
        cuModuleGetFunction = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuModuleGetFunction");
        cuLaunchKernel = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS), "cuLaunchKernel");
        cuOccupancy = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG),
                "cuOccupancyMaxActiveBlocksPerMultiprocessor");
        cuFuncGetAttribute = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), "cuFuncGetAttribute");
        cuEventCreate = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), "cuEventCreate");
        cuEventRecord = lib.function(I_PP, "cuEventRecord");
        cuEventSynchronize = lib.function(I_P, "cuEventSynchronize");
        // CUDA 13's header maps cuEventElapsedTime to the _v2 symbol; older drivers have only the first.
        cuEventElapsedTime = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS),
                "cuEventElapsedTime_v2", "cuEventElapsedTime");
        cuEventDestroy = lib.function(I_P, "cuEventDestroy_v2");
        cuGetErrorName = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cuGetErrorName");
        cuGetErrorString = lib.function(FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), "cuGetErrorString");
    }

    /** Throws a {@link CudaException} for a non-zero {@code CUresult}. */
    void check(int result, String call) {
        if (result != 0) {
            throw new CudaException(call + " failed: " + errorName(result) + " (CUresult " + result + "): "
                    + errorString(result), result);
        }
    }

    private String errorName(int result) {
        return message(cuGetErrorName, result, "CUDA_ERROR_" + result);
    }

    private String errorString(int result) {
        return message(cuGetErrorString, result, "no description");
    }

    private static String message(MethodHandle h, int result, String fallback) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(ADDRESS);
            int r = (int) h.invokeExact(result, out);
            MemorySegment p = out.get(ADDRESS, 0);
            return r != 0 || p.equals(MemorySegment.NULL) ? fallback : p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return fallback;
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    void init() {
        try {
            check((int) cuInit.invokeExact(0), "cuInit(0)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int driverVersion() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuDriverGetVersion.invokeExact(v), "cuDriverGetVersion");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int deviceCount() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuDeviceGetCount.invokeExact(v), "cuDeviceGetCount");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int device(int ordinal) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuDeviceGet.invokeExact(v, ordinal), "cuDeviceGet(" + ordinal + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int attribute(int device, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuDeviceGetAttribute.invokeExact(v, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(256);
            check((int) cuDeviceGetName.invokeExact(v, 256, device), "cuDeviceGetName");
            return v.getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long totalMemory(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) cuDeviceTotalMem.invokeExact(v, device), "cuDeviceTotalMem");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {free, total} bytes of the current context's device. */
    long[] memoryInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG);
            MemorySegment t = a.allocate(JAVA_LONG);
            check((int) cuMemGetInfo.invokeExact(f, t), "cuMemGetInfo");
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment retainPrimaryContext(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) cuDevicePrimaryCtxRetain.invokeExact(v, device), "cuDevicePrimaryCtxRetain(" + device + ")");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void releasePrimaryContext(int device) {
        try {
            check((int) cuDevicePrimaryCtxRelease.invokeExact(device), "cuDevicePrimaryCtxRelease(" + device + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void setCurrent(MemorySegment context) {
        try {
            check((int) cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void synchronizeContext() {
        try {
            check((int) cuCtxSynchronize.invokeExact(), "cuCtxSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    long allocate(long bytes) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) cuMemAlloc.invokeExact(v, bytes), "cuMemAlloc(" + bytes + " bytes)");
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void free(long pointer) {
        try {
            check((int) cuMemFree.invokeExact(pointer), "cuMemFree(0x" + Long.toHexString(pointer) + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copyHostToDevice(long dst, MemorySegment src, long bytes) {
        try {
            check((int) cuMemcpyHtoD.invokeExact(dst, src, bytes), "cuMemcpyHtoD(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copyDeviceToHost(MemorySegment dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoH.invokeExact(dst, src, bytes), "cuMemcpyDtoH(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void copyDeviceToDevice(long dst, long src, long bytes, MemorySegment stream) {
        try {
            check((int) cuMemcpyDtoDAsync.invokeExact(dst, src, bytes, stream), "cuMemcpyDtoDAsync(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void fill32(long dst, int bits, long count, MemorySegment stream) {
        try {
            check((int) cuMemsetD32Async.invokeExact(dst, bits, count, stream), "cuMemsetD32Async(" + count + " words)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createStream() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) cuStreamCreate.invokeExact(v, CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void destroyStream(MemorySegment stream) {
        try {
            check((int) cuStreamDestroy.invokeExact(stream), "cuStreamDestroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void synchronizeStream(MemorySegment stream) {
        try {
            check((int) cuStreamSynchronize.invokeExact(stream), "cuStreamSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Loads a module from a NUL-terminated PTX text or a cubin image. */
    MemorySegment loadModule(MemorySegment image, String what) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) cuModuleLoadData.invokeExact(v, image), "cuModuleLoadData(" + what + ")");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void unloadModule(MemorySegment module) {
        try {
            check((int) cuModuleUnload.invokeExact(module), "cuModuleUnload");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) cuModuleGetFunction.invokeExact(v, module, a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void launch(MemorySegment function, String name, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
                int sharedBytes, MemorySegment stream, MemorySegment params) {
        try {
            check((int) cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ, sharedBytes,
                    stream, params, MemorySegment.NULL), "cuLaunchKernel(" + name + ", grid " + gridX + "x" + gridY + "x" + gridZ
                    + ", block " + blockX + "x" + blockY + "x" + blockZ + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** How many blocks of {@code threads} threads of {@code function} one multiprocessor holds at once. */
    int maxActiveBlocks(MemorySegment function, String name, int threads) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuOccupancy.invokeExact(v, function, threads, 0L),
                    "cuOccupancyMaxActiveBlocksPerMultiprocessor(" + name + ", " + threads + " threads)");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A {@code CUfunction_attribute} of {@code function} ({@code CU_FUNC_ATTRIBUTE_NUM_REGS}, ...). */
    int functionAttribute(MemorySegment function, String name, int attribute) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) cuFuncGetAttribute.invokeExact(v, attribute, function), "cuFuncGetAttribute(" + name + ", " + attribute + ")");
            return v.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment createEvent() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(ADDRESS);
            check((int) cuEventCreate.invokeExact(v, CU_EVENT_DEFAULT), "cuEventCreate");
            return v.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void recordEvent(MemorySegment event, MemorySegment stream) {
        try {
            check((int) cuEventRecord.invokeExact(event, stream), "cuEventRecord");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void synchronizeEvent(MemorySegment event) {
        try {
            check((int) cuEventSynchronize.invokeExact(event), "cuEventSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    float elapsedMillis(MemorySegment start, MemorySegment end) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_FLOAT);
            check((int) cuEventElapsedTime.invokeExact(v, start, end), "cuEventElapsedTime");
            return v.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void destroyEvent(MemorySegment event) {
        try {
            check((int) cuEventDestroy.invokeExact(event), "cuEventDestroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
}
