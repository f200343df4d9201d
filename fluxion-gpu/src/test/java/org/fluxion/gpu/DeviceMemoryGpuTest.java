package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Device memory: copies both ways and on the device, and the freeing policy (GPU; skipped without one). */
class DeviceMemoryGpuTest {
    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int k = 0; k < n; k++) {
            a[k] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void roundTripAndDeviceToDeviceCopy() {
        CudaDevice gpu = Gpu.device();
        float[] host = random(1_000_003, 1);
        try (DeviceScope scope = new DeviceScope(gpu)) {
            DeviceBuffer a = scope.upload(host);
            DeviceBuffer b = scope.allocateFloats(host.length);
            b.fill(Float.NaN);
            b.copyFrom(a, 4L * host.length);
            assertArrayEquals(host, b.toFloats(host.length));
            b.fill(2.5f);
            float[] back = b.toFloats(host.length);
            for (float v : back) {
                assertEquals(2.5f, v);
            }
        }
    }

    @Test
    void closeAndScopesFreeAtOnceAndUseAfterFreeThrows() {
        CudaDevice gpu = Gpu.device();
        int before = gpu.liveBuffers();
        DeviceBuffer kept;
        try (DeviceScope scope = new DeviceScope(gpu)) {
            kept = scope.allocateFloats(1024);
            scope.allocateFloats(2048);
            assertEquals(before + 2, gpu.liveBuffers());
        }
        assertEquals(before, gpu.liveBuffers());
        assertTrue(kept.isFreed());
        var e = assertThrows(IllegalStateException.class, kept::address);
        assertTrue(e.getMessage().contains("was freed"), e.getMessage());
        DeviceBuffer single = gpu.allocateFloats(16);
        single.close();
        single.close(); // idempotent
        assertEquals(before, gpu.liveBuffers());
    }

    @Test
    void anUnreachableBufferIsFreedByTheCleaner() throws InterruptedException {
        CudaDevice gpu = Gpu.device();
        int before = gpu.liveBuffers();
        gpu.allocateFloats(1 << 20); // dropped without close: a leak the cleaner repairs
        assertEquals(before + 1, gpu.liveBuffers());
        for (int k = 0; k < 100 && gpu.liveBuffers() > before; k++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(before, gpu.liveBuffers(), "the cleaner should have freed the dropped buffer");
    }

    @Test
    void closingTheDeviceFreesWhatIsOpen() {
        Gpu.device();
        try (CudaDevice own = CudaDevice.open(0)) {
            DeviceBuffer b = own.allocateFloats(4096);
            own.close();
            assertTrue(b.isFreed());
            assertThrows(IllegalStateException.class, () -> own.allocateFloats(1));
        }
    }

    @Test
    void tooLargeCopyIsRejectedBeforeAnythingMoves() {
        CudaDevice gpu = Gpu.device();
        try (DeviceBuffer b = gpu.allocateFloats(10)) {
            var e = assertThrows(IllegalArgumentException.class, () -> b.copyFrom(new float[11]));
            assertTrue(e.getMessage().contains("44 bytes do not fit in a device buffer of 40 bytes"), e.getMessage());
        }
    }
}
