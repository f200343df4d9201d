package org.fluxion.gpu;

import java.lang.foreign.MemorySegment;

/** A CUDA stream ({@code CUstream}, non-blocking): work on it runs in order. Owned by its {@link CudaDevice}. */
public final class Stream {
    private final CudaDevice device;
    final MemorySegment handle;

    Stream(CudaDevice device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    /** Waits until everything queued on this stream has finished. */
    public void synchronize() {
        device.enter();
        device.driver.synchronizeStream(handle);
    }
}
