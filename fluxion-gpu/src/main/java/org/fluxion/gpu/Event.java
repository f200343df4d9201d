package org.fluxion.gpu;

import java.lang.foreign.MemorySegment;

/** A CUDA event, for timing device work: {@code end.elapsedMillisSince(start)} after recording both. */
public final class Event implements AutoCloseable {
    private final CudaDevice device;
    private final MemorySegment handle;
    private boolean destroyed;

    Event(CudaDevice device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    /** Records this event on {@code stream}: it completes when the work queued before it has. */
    public void record(Stream stream) {
        device.enter();
        device.driver.recordEvent(handle, stream.handle);
    }

    /** Milliseconds of device time between {@code start} and this event, waiting for this one to complete. */
    public float elapsedMillisSince(Event start) {
        device.enter();
        device.driver.synchronizeEvent(handle);
        return device.driver.elapsedMillis(start.handle, handle);
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            device.enter();
            device.driver.destroyEvent(handle);
        }
    }
}
