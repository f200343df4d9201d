package org.fluxion.gpu;

import java.util.ArrayList;
import java.util.List;

/**
 * Allocations whose lifetime is one block: every buffer allocated through the scope is freed when it closes,
 * in reverse order. {@code try (DeviceScope s = new DeviceScope(gpu)) { DeviceBuffer a = s.allocateFloats(n); ... }}
 */
public final class DeviceScope implements AutoCloseable {
    private final CudaDevice device;
    private final List<DeviceBuffer> owned = new ArrayList<>();

    public DeviceScope(CudaDevice device) {
        this.device = device;
    }

    /** A buffer of {@code count} floats owned by this scope. */
    public DeviceBuffer allocateFloats(long count) {
        return own(device.allocateFloats(count));
    }

    /** A copy of {@code values} on the device, owned by this scope. */
    public DeviceBuffer upload(float[] values) {
        return own(device.upload(values));
    }

    /** Takes ownership of {@code buffer}: it is freed when this scope closes. */
    public DeviceBuffer own(DeviceBuffer buffer) {
        owned.add(buffer);
        return buffer;
    }

    @Override
    public void close() {
        for (int k = owned.size() - 1; k >= 0; k--) {
            owned.get(k).close();
        }
        owned.clear();
    }
}
