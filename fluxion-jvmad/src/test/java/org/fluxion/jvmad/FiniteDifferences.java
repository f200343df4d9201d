package org.fluxion.jvmad;

import java.util.function.DoubleUnaryOperator;

/**
 * Derivatives by Richardson-extrapolated central differences (Ridders' method): a table of central
 * differences with shrinking steps, extrapolated to step zero, keeping the entry whose estimated
 * error is smallest. In double precision this reaches about 1e-10 relative accuracy on smooth
 * functions, far better than one central difference (about 1e-7).
 */
final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** The estimate of g'(0) and of its error. */
    record Estimate(double value, double error) {
    }

    /** g'(0) from central differences starting at step {@code h}. */
    static Estimate derivative(DoubleUnaryOperator g, double h) {
        final int n = 10;
        final double shrink = 1.4;
        final double shrink2 = shrink * shrink;
        double[][] a = new double[n][n];
        a[0][0] = (g.applyAsDouble(h) - g.applyAsDouble(-h)) / (2 * h);
        double best = a[0][0];
        double error = Double.MAX_VALUE;
        for (int i = 1; i < n; i++) {
            h /= shrink;
            a[0][i] = (g.applyAsDouble(h) - g.applyAsDouble(-h)) / (2 * h);
            double factor = shrink2;
            for (int j = 1; j <= i; j++) {
                // Eliminates the h^(2j) term of the error: D_j = (c^2j D_{j-1}(h) - D_{j-1}(c h)) / (c^2j - 1).
                a[j][i] = (a[j - 1][i] * factor - a[j - 1][i - 1]) / (factor - 1);
                factor *= shrink2;
                double e = Math.max(Math.abs(a[j][i] - a[j - 1][i]), Math.abs(a[j][i] - a[j - 1][i - 1]));
                if (e <= error) {
                    error = e;
                    best = a[j][i];
                }
            }
            if (Math.abs(a[i][i] - a[i - 1][i - 1]) >= 2 * error) {
                break;
            }
        }
        return new Estimate(best, error);
    }

    /** g'(0) with a starting step of 0.1. */
    static Estimate derivative(DoubleUnaryOperator g) {
        return derivative(g, 0.1);
    }
}
