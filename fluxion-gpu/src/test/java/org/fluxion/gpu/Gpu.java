package org.fluxion.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device the GPU tests share, opened once; without a usable CUDA device each GPU test is skipped
 * (JUnit assumption) with the reason, which names what discovery looked for, unless the system property
 * {@code fluxion.gpu.required} is true (the device script sets it): then it fails.
 */
final class Gpu {
    private static CudaDevice device;
    private static String reason;

    private Gpu() {
    }

    static synchronized CudaDevice device() {
        if (device == null && reason == null) {
            try {
                device = CudaDevice.open(0);
            } catch (RuntimeException | LinkageError e) {
                reason = "no usable CUDA device: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                System.err.println(reason);
            }
        }
        if (device == null && Boolean.getBoolean("fluxion.gpu.required")) {
            throw new IllegalStateException("fluxion.gpu.required is set but " + reason);
        }
        assumeTrue(device != null, () -> "GPU test skipped, " + reason);
        return device;
    }
}
