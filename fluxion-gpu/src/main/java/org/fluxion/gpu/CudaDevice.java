package org.fluxion.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One NVIDIA GPU, opened through the CUDA driver API: its primary context (shared with cuBLAS and any
 * other runtime-API library in the process), one stream per calling thread, and lazily NVRTC and cuBLAS.
 *
 * <h2>Memory policy</h2>
 * Device memory is owned by {@link DeviceBuffer}s. It is freed deterministically when the buffer is closed
 * (try-with-resources, or a {@link DeviceScope} that closes everything allocated through it), and in any
 * case when this device is closed (every buffer still open is freed then, and using it afterwards throws
 * {@link IllegalStateException}). A buffer that becomes unreachable while still open is freed by a
 * {@link java.lang.ref.Cleaner} as a fallback; that is late (whenever the GC notices) and is a leak to
 * fix, not a policy to rely on: GPU memory is scarce and the GC does not see it.
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread: it makes the context current on the calling thread first.
 * Work is queued on {@link #stream()}, the calling thread's own stream; {@link #synchronize()} waits for
 * every stream. Copies to and from the host wait for all queued work first (correct before fast).
 */
public final class CudaDevice implements AutoCloseable {
    final Driver driver;
    final Shared shared;
    private final CudaLibraries.SearchPath searchPath;
    private final int ordinal;
    private final String name;
    private final int major;
    private final int minor;
    private final int multiprocessors;
    private final long totalMemory;
    private final ThreadLocal<Stream> streams = new ThreadLocal<>();
    private final List<Stream> allStreams = new ArrayList<>();
    private Nvrtc nvrtc;
    private Blas blas;

    /** The state that buffers' cleaners reach: the context and the set of buffers not yet freed. */
    static final class Shared {
        final Driver driver;
        final MemorySegment context;
        final java.util.Set<DeviceBuffer.Memory> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile boolean closed;

        Shared(Driver driver, MemorySegment context) {
            this.driver = driver;
            this.context = context;
        }

        synchronized void free(DeviceBuffer.Memory m) {
            if (m.freed) {
                return;
            }
            m.freed = true;
            live.remove(m);
            if (!closed) {
                driver.setCurrent(context);
                driver.free(m.pointer);
            }
        }
    }

    private CudaDevice(Driver driver, CudaLibraries.SearchPath searchPath, int ordinal) {
        this.driver = driver;
        this.searchPath = searchPath;
        this.ordinal = ordinal;
        int count = driver.deviceCount();
        if (ordinal < 0 || ordinal >= count) {
            throw new IllegalArgumentException("CUDA device " + ordinal + " does not exist: the driver sees " + count + " device(s)");
        }
        int device = driver.device(ordinal);
        this.name = driver.deviceName(device);
        this.major = driver.attribute(device, Driver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.minor = driver.attribute(device, Driver.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = driver.attribute(device, Driver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.totalMemory = driver.totalMemory(device);
        this.shared = new Shared(driver, driver.retainPrimaryContext(device));
    }

    /** Opens device {@code ordinal} with the default {@link CudaLibraries.SearchPath}. */
    public static CudaDevice open(int ordinal) {
        return open(CudaLibraries.SearchPath.defaults(), ordinal);
    }

    /**
     * Opens device {@code ordinal}, finding the driver on {@code searchPath}.
     *
     * @throws CudaLibraryNotFoundException when the driver library is not on the path
     * @throws CudaException when the driver fails to initialize (no GPU, driver too old, ...)
     */
    public static CudaDevice open(CudaLibraries.SearchPath searchPath, int ordinal) {
        Driver driver = new Driver(CudaLibraries.driver(searchPath));
        driver.init();
        return new CudaDevice(driver, searchPath, ordinal);
    }

    /** The device's name, e.g. {@code NVIDIA H200}. */
    public String name() {
        return name;
    }

    /** Compute capability as {@code major * 10 + minor} (90 for Hopper). */
    public int computeCapability() {
        return major * 10 + minor;
    }

    /** Number of streaming multiprocessors. */
    public int multiprocessors() {
        return multiprocessors;
    }

    /** Device memory in bytes. */
    public long totalMemory() {
        return totalMemory;
    }

    /** The driver's CUDA version as {@code 1000 * major + 10 * minor} (13000 for CUDA 13.0). */
    public int driverVersion() {
        return driver.driverVersion();
    }

    /** The search path this device was opened with (NVRTC and cuBLAS are looked up on it too). */
    public CudaLibraries.SearchPath searchPath() {
        return searchPath;
    }

    /** Number of buffers allocated on this device and not yet freed. */
    public int liveBuffers() {
        return shared.live.size();
    }

    /** Makes this device's context current on the calling thread; every public method calls it. */
    void enter() {
        if (shared.closed) {
            throw new IllegalStateException("CUDA device " + ordinal + " (" + name + ") is closed");
        }
        driver.setCurrent(shared.context);
    }

    /** Bytes of {free, total} device memory. */
    public long[] memoryInfo() {
        enter();
        return driver.memoryInfo();
    }

    /** A buffer of {@code bytes} uninitialized bytes of device memory. */
    public DeviceBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device allocation: bytes must be positive, got " + bytes);
        }
        enter();
        return new DeviceBuffer(this, driver.allocate(bytes), bytes);
    }

    /** A buffer of {@code count} float32 values, uninitialized. */
    public DeviceBuffer allocateFloats(long count) {
        return allocate(Math.multiplyExact(count, 4L));
    }

    /** A new buffer holding a copy of {@code values}. */
    public DeviceBuffer upload(float[] values) {
        DeviceBuffer b = allocateFloats(values.length);
        b.copyFrom(values);
        return b;
    }

    /** The calling thread's stream on this device, created on first use and destroyed when the device closes. */
    public Stream stream() {
        enter();
        Stream s = streams.get();
        if (s == null) {
            s = new Stream(this, driver.createStream());
            streams.set(s);
            synchronized (allStreams) {
                allStreams.add(s);
            }
        }
        return s;
    }

    /** A new event, to time work on a stream. */
    public Event event() {
        enter();
        return new Event(this, driver.createEvent());
    }

    /** Waits until all work queued on this device by any thread has finished. */
    public void synchronize() {
        enter();
        driver.synchronizeContext();
    }

    /** Loads a module from a cubin image or a PTX text (which must end with a NUL byte). */
    public CudaModule load(byte[] image, String what) {
        enter();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = a.allocate(image.length);
            MemorySegment.copy(image, 0, m, ValueLayout.JAVA_BYTE, 0, image.length);
            return new CudaModule(this, driver.loadModule(m, what));
        }
    }

    /** NVRTC, found on this device's search path on first use. */
    public synchronized Nvrtc nvrtc() {
        if (nvrtc == null) {
            nvrtc = new Nvrtc(CudaLibraries.nvrtc(searchPath));
        }
        return nvrtc;
    }

    /** cuBLAS on this device, found on its search path on first use. */
    public synchronized Blas blas() {
        if (blas == null) {
            enter();
            blas = new Blas(this, CudaLibraries.cublas(searchPath));
        }
        return blas;
    }

    /**
     * Waits for all work, frees every buffer still open, destroys the streams and cuBLAS handle and releases
     * the primary context. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (shared.closed) {
            return;
        }
        driver.setCurrent(shared.context);
        driver.synchronizeContext();
        for (DeviceBuffer.Memory m : List.copyOf(shared.live)) {
            shared.free(m);
        }
        if (blas != null) {
            blas.destroy();
        }
        synchronized (allStreams) {
            for (Stream s : allStreams) {
                driver.destroyStream(s.handle);
            }
            allStreams.clear();
        }
        synchronized (shared) {
            shared.closed = true;
        }
        driver.releasePrimaryContext(driver.device(ordinal));
    }

    @Override
    public String toString() {
        return "CudaDevice[" + ordinal + ": " + name + ", sm_" + computeCapability() + ", " + multiprocessors
                + " SMs, " + (totalMemory >> 20) + " MiB]";
    }
}
