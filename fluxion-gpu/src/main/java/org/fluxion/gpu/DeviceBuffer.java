package org.fluxion.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;

/**
 * A block of device memory on one {@link CudaDevice}, freed by {@link #close()} (idempotent), by closing
 * its {@link DeviceScope} or its device, or, as a late fallback, by a {@link Cleaner} once the buffer is
 * unreachable (the policy is in {@link CudaDevice}'s Javadoc). Using a freed buffer throws
 * {@link IllegalStateException}.
 */
public final class DeviceBuffer implements AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final CudaDevice device;
    private final Memory memory;
    private final Cleaner.Cleanable cleanable;

    /** What the cleaner frees; it must not reach the buffer itself, or the buffer would never be unreachable. */
    static final class Memory implements Runnable {
        final CudaDevice.Shared owner;
        final long pointer;
        final long bytes;
        volatile boolean freed;

        Memory(CudaDevice.Shared owner, long pointer, long bytes) {
            this.owner = owner;
            this.pointer = pointer;
            this.bytes = bytes;
        }

        @Override
        public void run() {
            owner.free(this);
        }
    }

    DeviceBuffer(CudaDevice device, long pointer, long bytes) {
        this.device = device;
        this.memory = new Memory(device.shared, pointer, bytes);
        device.shared.live.add(memory);
        this.cleanable = CLEANER.register(this, memory);
    }

    /** The device address ({@code CUdeviceptr}). */
    public long address() {
        check();
        return memory.pointer;
    }

    /** Size in bytes. */
    public long bytes() {
        return memory.bytes;
    }

    /** The device this memory lives on. */
    public CudaDevice device() {
        return device;
    }

    /** True once freed. */
    public boolean isFreed() {
        return memory.freed;
    }

    private void check() {
        if (memory.freed) {
            throw new IllegalStateException("device buffer of " + memory.bytes + " bytes at 0x"
                    + Long.toHexString(memory.pointer) + " was freed");
        }
    }

    private void checkRange(String what, long bytes) {
        check();
        if (bytes > memory.bytes) {
            throw new IllegalArgumentException(what + ": " + bytes + " bytes do not fit in a device buffer of "
                    + memory.bytes + " bytes");
        }
    }

    /** Copies {@code values} to the start of this buffer, after all queued work on the device has finished. */
    public void copyFrom(float[] values) {
        long n = 4L * values.length;
        checkRange("copy to device", n);
        device.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(n, 16);
            MemorySegment.copy(values, 0, host, ValueLayout.JAVA_FLOAT, 0, values.length);
            device.driver.copyHostToDevice(memory.pointer, host, n);
        }
    }

    /** Copies the first {@code values.length} floats of this buffer into {@code values}, after all queued work. */
    public void copyTo(float[] values) {
        long n = 4L * values.length;
        checkRange("copy to host", n);
        device.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(n, 16);
            device.driver.copyDeviceToHost(host, memory.pointer, n);
            MemorySegment.copy(host, ValueLayout.JAVA_FLOAT, 0, values, 0, values.length);
        }
    }

    /** Copies {@code values} to the start of this buffer as bytes 0 / 1 (a mask input of a fused kernel). */
    public void copyFrom(boolean[] values) {
        checkRange("copy to device", values.length);
        device.synchronize();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, values.length), 16);
            for (int k = 0; k < values.length; k++) {
                host.set(ValueLayout.JAVA_BYTE, k, values[k] ? (byte) 1 : (byte) 0);
            }
            device.driver.copyHostToDevice(memory.pointer, host, values.length);
        }
    }

    /** The first {@code count} bytes of this buffer as booleans (non-zero is true). */
    public boolean[] toBooleans(int count) {
        checkRange("copy to host", count);
        device.synchronize();
        boolean[] out = new boolean[count];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(Math.max(1, count), 16);
            device.driver.copyDeviceToHost(host, memory.pointer, count);
            for (int k = 0; k < count; k++) {
                out[k] = host.get(ValueLayout.JAVA_BYTE, k) != 0;
            }
        }
        return out;
    }

    /** A new array with this buffer's first {@code count} floats. */
    public float[] toFloats(int count) {
        float[] out = new float[count];
        copyTo(out);
        return out;
    }

    /** Queues a copy of {@code bytes} from {@code source} into this buffer on the calling thread's stream. */
    public void copyFrom(DeviceBuffer source, long bytes) {
        checkRange("device-to-device copy", bytes);
        source.checkRange("device-to-device copy", bytes);
        Stream s = device.stream();
        device.driver.copyDeviceToDevice(memory.pointer, source.memory.pointer, bytes, s.handle);
    }

    /** Queues setting every 32-bit word of this buffer to {@code value}'s bits (e.g. NaN, to poison an output). */
    public void fill(float value) {
        check();
        Stream s = device.stream();
        device.driver.fill32(memory.pointer, Float.floatToRawIntBits(value), memory.bytes / 4, s.handle);
    }

    /** Frees the memory now (idempotent). */
    @Override
    public void close() {
        cleanable.clean();
    }
}
