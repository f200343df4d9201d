package org.fluxion.ode;

import org.fluxion.kernels.BandedLu;
import org.fluxion.kernels.LuKernel;

/**
 * The LU factors of Radau5's complex system {@code ((alpha - i beta) I - J) (x + i y) = a + i b} in its real
 * {@code 2n x 2n} form {@code [[alpha I - J, beta I], [-beta I, alpha I - J]]}, vectors laid out as
 * {@code (x, y)}. Dense ({@link LuKernel}), or, when the problem declares a narrow band, banded
 * ({@link BandedLu}) in the interleaved order {@code (x_0, y_0, x_1, y_1, ...)}, where J's band
 * {@code (kl, ku)} becomes {@code (2 kl + 1, 2 ku + 1)}.
 */
final class ComplexNewtonMatrix {
    private final int n;
    private final boolean banded;
    private final int lower;
    private final int upper;
    private final double[] factors;
    private final int[] pivots;
    private final double[] interleaved;

    ComplexNewtonMatrix(OdeProblem problem) {
        this.n = problem.size();
        JacobianStructure s = problem.structure();
        this.banded = s != null && s.bandedWorthIt();
        this.lower = banded ? 2 * s.lower() + 1 : 0;
        this.upper = banded ? 2 * s.upper() + 1 : 0;
        this.factors = new double[banded ? 2 * n * BandedLu.rows(lower, upper) : 4 * n * n];
        this.pivots = new int[2 * n];
        this.interleaved = banded ? new double[2 * n] : null;
    }

    /**
     * Factors the real form of {@code (alpha - i beta) I - J} ({@code jac} row-major n x n).
     *
     * @return false when it is singular or not finite
     */
    boolean factor(double alpha, double beta, double[] jac) {
        int m = 2 * n;
        if (banded) {
            java.util.Arrays.fill(factors, 0);
            int kl = (lower - 1) / 2;
            int ku = (upper - 1) / 2;
            for (int i = 0; i < n; i++) {
                for (int j = Math.max(0, i - kl); j <= Math.min(n - 1, i + ku); j++) {
                    double v = (i == j ? alpha : 0) - jac[i * n + j];
                    factors[BandedLu.index(2 * i, 2 * j, lower, upper)] = v;
                    factors[BandedLu.index(2 * i + 1, 2 * j + 1, lower, upper)] = v;
                }
                factors[BandedLu.index(2 * i, 2 * i + 1, lower, upper)] = beta;
                factors[BandedLu.index(2 * i + 1, 2 * i, lower, upper)] = -beta;
            }
            if (BandedLu.factor(factors, m, lower, upper, pivots) != 0) {
                return false;
            }
            int rows = BandedLu.rows(lower, upper);
            for (int j = 0; j < m; j++) {
                if (!Double.isFinite(factors[j * rows + lower + upper])) {
                    return false;
                }
            }
            return true;
        }
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double jrc = jac[r * n + c];
                factors[r * m + c] = -jrc;
                factors[(n + r) * m + n + c] = -jrc;
                factors[r * m + n + c] = 0;
                factors[(n + r) * m + c] = 0;
            }
            factors[r * m + r] += alpha;
            factors[(n + r) * m + n + r] += alpha;
            factors[r * m + n + r] = beta;
            factors[(n + r) * m + r] = -beta;
        }
        if (LuKernel.factor(factors, 0, m, pivots, 0) != 0) {
            return false;
        }
        for (int i = 0; i < m; i++) {
            if (!Double.isFinite(factors[i * m + i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code b <- W^-1 b}, {@code b = (x, y)} of length 2n. */
    void solve(double[] b) {
        if (!banded) {
            LuKernel.solve(factors, 0, pivots, 0, 2 * n, b, 0, 1);
            return;
        }
        for (int i = 0; i < n; i++) {
            interleaved[2 * i] = b[i];
            interleaved[2 * i + 1] = b[n + i];
        }
        BandedLu.solve(factors, 2 * n, lower, upper, pivots, interleaved);
        for (int i = 0; i < n; i++) {
            b[i] = interleaved[2 * i];
            b[n + i] = interleaved[2 * i + 1];
        }
    }
}
