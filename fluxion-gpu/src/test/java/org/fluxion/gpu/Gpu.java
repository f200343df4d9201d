package org.fluxion.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The device the GPU tests share, opened once; without a usable CUDA device each GPU test is skipped
 * (JUnit assumption) with the reason, which names what discovery looked for.
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
                reason = "no CUDA device, GPU test skipped: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                System.err.println(reason);
            }
        }
        assumeTrue(device != null, () -> reason);
        return device;
    }
}
