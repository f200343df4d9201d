package org.fluxion.gpu;

import java.lang.foreign.MemorySegment;

/** A loaded CUDA module (cubin or PTX); {@link #close()} unloads it. */
public final class CudaModule implements AutoCloseable {
    private final CudaDevice device;
    private final MemorySegment handle;
    private boolean unloaded;

    CudaModule(CudaDevice device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    /** The {@code extern "C" __global__} function {@code name}. */
    public CudaKernel kernel(String name) {
        device.enter();
        return new CudaKernel(device, device.driver.function(handle, name), name);
    }

    @Override
    public void close() {
        if (!unloaded) {
            unloaded = true;
            device.enter();
            device.driver.unloadModule(handle);
        }
    }
}
