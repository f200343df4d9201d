package org.fluxion.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Inputs and comparisons shared by the linear-algebra tests. */
final class LinalgTesting {
    private LinalgTesting() {
    }

    static Tensor normal(Random r, int... dims) {
        return Tensor.randn(r, DType.FLOAT64, dims);
    }

    /** Normal entries plus {@code n} on the diagonal: condition numbers of a few units. */
    static Tensor wellConditioned(Random r, int... dims) {
        int n = dims[dims.length - 1];
        return normal(r, dims).add(Tensor.eye(n, n, DType.FLOAT64).mul(n));
    }

    /** {@code M M^T + I}, symmetric positive definite. */
    static Tensor positiveDefinite(Random r, int... dims) {
        Tensor m = normal(r, dims);
        int n = dims[dims.length - 1];
        return m.matmul(m.transpose()).add(Tensor.eye(n, n, DType.FLOAT64));
    }

    /** The Hilbert matrix {@code 1 / (i + j + 1)}: symmetric positive definite, condition ~1e10 at n = 8. */
    static Tensor hilbert(int n) {
        double[] h = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                h[i * n + j] = 1.0 / (i + j + 1);
            }
        }
        return Tensor.of(h, n, n);
    }

    /** Same shape, and every element within {@code tol * (1 + max|expected|)}. */
    static void assertClose(String what, Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int k = 0; k < e.length; k++) {
            if (Double.isInfinite(e[k]) || Double.isNaN(e[k])) {
                assertEquals(e[k], a[k], what + ": element " + k);
            } else {
                assertEquals(e[k], a[k], tol * (1 + scale), what + ": element " + k);
            }
        }
    }
}
