package org.fluxion.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code __global__} function of a {@link CudaModule}. {@link #launch} takes the kernel's arguments in
 * order: a {@link DeviceBuffer} passes its address, a {@code Long} a {@code long long}, an {@code Integer} an
 * {@code int}, a {@code Float} a {@code float}, a {@code Double} a {@code double}. The types must match the
 * kernel's parameters: the driver cannot check them.
 */
public final class CudaKernel {
    private final CudaDevice device;
    private final MemorySegment function;
    private final String name;

    CudaKernel(CudaDevice device, MemorySegment function, String name) {
        this.device = device;
        this.function = function;
        this.name = name;
    }

    /** The function's name. */
    public String name() {
        return name;
    }

    /** How many blocks of {@code threads} threads one multiprocessor runs at once (registers and shared memory permitting). */
    public int maxActiveBlocksPerMultiprocessor(int threads) {
        device.enter();
        return device.driver.maxActiveBlocks(function, name, threads);
    }

    /** Registers per thread of the machine code the driver loaded (spills show in {@link #localBytesPerThread}). */
    public int registersPerThread() {
        device.enter();
        return device.driver.functionAttribute(function, name, Driver.CU_FUNC_ATTRIBUTE_NUM_REGS);
    }

    /** Local memory per thread (register spills, local arrays); 0 when everything stays in registers. */
    public int localBytesPerThread() {
        device.enter();
        return device.driver.functionAttribute(function, name, Driver.CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES);
    }

    /** Queues the kernel on {@code stream} with a 1-D grid of {@code blocks} × {@code threads}. */
    public void launch(Stream stream, int blocks, int threads, int sharedBytes, Object... args) {
        device.enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(ValueLayout.ADDRESS, Math.max(1, args.length));
            for (int k = 0; k < args.length; k++) {
                MemorySegment slot = switch (args[k]) {
                    case DeviceBuffer b -> a.allocateFrom(ValueLayout.JAVA_LONG, b.address());
                    case Long v -> a.allocateFrom(ValueLayout.JAVA_LONG, v);
                    case Integer v -> a.allocateFrom(ValueLayout.JAVA_INT, v);
                    case Float v -> a.allocateFrom(ValueLayout.JAVA_FLOAT, v);
                    case Double v -> a.allocateFrom(ValueLayout.JAVA_DOUBLE, v);
                    case null -> a.allocateFrom(ValueLayout.JAVA_LONG, 0L);
                    default -> throw new IllegalArgumentException("kernel " + name + ": argument " + k + " is a "
                            + args[k].getClass().getSimpleName() + "; expected DeviceBuffer, Long, Integer, Float or Double");
                };
                params.setAtIndex(ValueLayout.ADDRESS, k, slot);
            }
            // cuLaunchKernel copies the argument values before it returns, so the arena may close right after.
            device.driver.launch(function, name, blocks, 1, 1, threads, 1, 1, sharedBytes, stream.handle, params);
        }
    }
}
