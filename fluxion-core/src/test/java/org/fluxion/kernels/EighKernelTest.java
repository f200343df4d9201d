package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The symmetric eigensolver on a matrix large enough for its rotations to be applied in GEMM blocks. */
class EighKernelTest {
    @Test
    void largeMatrixWithRotationsAppliedInBlocks() {
        int n = 800;
        Random random = new Random(21);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = a[j * n + i] = random.nextGaussian();
            }
        }
        double[] w = new double[n];
        double[] v = new double[n * n];
        assertEquals(0, EighKernel.eigh(a.clone(), 0, n, w, 0, v, 0));
        double scale = Math.max(Math.abs(w[0]), Math.abs(w[n - 1]));
        for (int i = 1; i < n; i++) {
            assertTrue(w[i - 1] <= w[i], "ascending at " + i);
        }
        double[] av = new double[n * n];
        Gemm.dgemm(false, false, n, n, n, a, 0, n, v, 0, n, av, 0, n, false);
        double[] vtv = new double[n * n];
        Gemm.dgemm(true, false, n, n, n, v, 0, n, v, 0, n, vtv, 0, n, false);
        double residual = 0;
        double orthogonality = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                residual = Math.max(residual, Math.abs(av[i * n + j] - v[i * n + j] * w[j]));
                orthogonality = Math.max(orthogonality, Math.abs(vtv[i * n + j] - (i == j ? 1 : 0)));
            }
        }
        assertTrue(residual <= 1e-12 * n * scale, "max |A V - V diag(w)| = " + residual);
        assertTrue(orthogonality <= 1e-12 * n, "max |V^T V - I| = " + orthogonality);
    }
}
