package org.fluxion.ode;

import org.fluxion.kernels.BandedLu;
import org.fluxion.kernels.LuKernel;

/**
 * The LU factors of a stiff solver's real linear systems {@code W = diag I + scale J} ({@code n x n}, J row-major):
 * dense ({@link LuKernel}), or banded ({@link BandedLu}) when the problem's {@link JacobianStructure} is a
 * narrow band, so that a method-of-lines PDE costs {@code O(n w^2)} per factorization instead of {@code O(n^3)}.
 */
final class NewtonMatrix {
    private final int n;
    private final boolean banded;
    private final int lower;
    private final int upper;
    private final double[] factors;
    private final int[] pivots;

    NewtonMatrix(OdeProblem problem) {
        this.n = problem.size();
        JacobianStructure s = problem.structure();
        this.banded = s != null && s.bandedWorthIt();
        this.lower = banded ? s.lower() : 0;
        this.upper = banded ? s.upper() : 0;
        this.factors = new double[banded ? n * BandedLu.rows(lower, upper) : n * n];
        this.pivots = new int[n];
    }

    /**
     * Factors {@code diag I + scale J}.
     *
     * @return false when it is singular or not finite
     */
    boolean factor(double diag, double scale, double[] jac) {
        if (banded) {
            int rows = BandedLu.rows(lower, upper);
            for (int j = 0; j < n; j++) {
                int first = Math.max(0, j - upper);
                int last = Math.min(n - 1, j + lower);
                for (int i = first; i <= last; i++) {
                    factors[BandedLu.index(i, j, lower, upper)] = scale * jac[i * n + j] + (i == j ? diag : 0);
                }
                // entries of the band storage outside the matrix (the corners)
                for (int i = j - upper; i < first; i++) {
                    factors[BandedLu.index(i, j, lower, upper)] = 0;
                }
                for (int i = last + 1; i <= j + lower; i++) {
                    factors[BandedLu.index(i, j, lower, upper)] = 0;
                }
            }
            if (BandedLu.factor(factors, n, lower, upper, pivots) != 0) {
                return false;
            }
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(factors[j * rows + lower + upper])) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < n * n; i++) {
            factors[i] = scale * jac[i];
        }
        for (int i = 0; i < n; i++) {
            factors[i * n + i] += diag;
        }
        if (LuKernel.factor(factors, 0, n, pivots, 0) != 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(factors[i * n + i])) {
                return false;
            }
        }
        return true;
    }

    /** {@code b <- W^-1 b}. */
    void solve(double[] b) {
        if (banded) {
            BandedLu.solve(factors, n, lower, upper, pivots, b);
        } else {
            LuKernel.solve(factors, 0, pivots, 0, n, b, 0, 1);
        }
    }
}
