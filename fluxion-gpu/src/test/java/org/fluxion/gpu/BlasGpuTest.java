package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** cuBLAS products against a float64 CPU reference, by ‖C − ref‖ / ‖ref‖ (GPU; skipped without one). */
class BlasGpuTest {
    private static float[] random(int n, Random r) {
        float[] a = new float[n];
        for (int k = 0; k < n; k++) {
            a[k] = (float) (2 * r.nextDouble() - 1);
        }
        return a;
    }

    /** Relative Frobenius error of {@code c} against the float64 product of row-major A [m, k] and B [k, n]. */
    static double relativeError(float[] a, float[] b, float[] c, int m, int n, int k, int offA, int offB, int offC) {
        double err = 0;
        double norm = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += (double) a[offA + i * k + p] * b[offB + p * n + j];
                }
                double d = c[offC + i * n + j] - s;
                err += d * d;
                norm += s * s;
            }
        }
        return Math.sqrt(err / norm);
    }

    private static void check(Blas.Precision precision, double tolerance) {
        CudaDevice gpu = Gpu.device();
        Random r = new Random(precision.ordinal() + 7);
        int m = 257, n = 129, k = 383;
        float[] a = random(m * k, r);
        float[] b = random(k * n, r);
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer c = s.allocateFloats((long) m * n);
            c.fill(Float.NaN);
            gpu.blas().matmul(precision, s.upload(a), s.upload(b), c, m, n, k);
            double e = relativeError(a, b, c.toFloats(m * n), m, n, k, 0, 0, 0);
            assertTrue(e < tolerance, precision + " matmul relative error " + e + " (tolerance " + tolerance + ")");
        }
    }

    @Test
    void float32MatmulMatchesFloat64Reference() {
        check(Blas.Precision.FLOAT32, 1e-6);
    }

    @Test
    void tf32MatmulIsWithinTf32Rounding() {
        check(Blas.Precision.TF32, 2e-3);
    }

    @Test
    void stridedBatchedMatmulComputesEachProduct() {
        CudaDevice gpu = Gpu.device();
        Random r = new Random(3);
        int batch = 5, m = 33, n = 65, k = 17;
        float[] a = random(batch * m * k, r);
        float[] b = random(batch * k * n, r);
        try (DeviceScope s = new DeviceScope(gpu)) {
            DeviceBuffer c = s.allocateFloats((long) batch * m * n);
            c.fill(Float.NaN);
            gpu.blas().matmulBatched(Blas.Precision.FLOAT32, s.upload(a), s.upload(b), c, batch, m, n, k);
            float[] out = c.toFloats(batch * m * n);
            for (int i = 0; i < batch; i++) {
                double e = relativeError(a, b, out, m, n, k, i * m * k, i * k * n, i * m * n);
                assertTrue(e < 1e-6, "batch " + i + ": relative error " + e);
            }
        }
    }
}
