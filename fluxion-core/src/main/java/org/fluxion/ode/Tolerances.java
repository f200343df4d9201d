package org.fluxion.ode;

/**
 * Per-component tolerances and the weighted RMS norm of the error control:
 * {@code ||e|| = sqrt(mean_i (e_i / (atol_i + rtol_i max(|u_i|, |v_i|)))^2)} over the controlled components:
 * a component whose {@code atol} is infinite is left out of the error control (and of the mean), as
 * quadrature variables are in SUNDIALS (the adjoints' parameter gradient).
 */
record Tolerances(double[] rtol, double[] atol, int controlled) {
    Tolerances(double[] rtol, double[] atol) {
        this(rtol, atol, countControlled(atol));
    }

    private static int countControlled(double[] atol) {
        int c = 0;
        for (double a : atol) {
            c += a == Double.POSITIVE_INFINITY ? 0 : 1;
        }
        return c;
    }

    /** The norm of {@code err} weighted by the scales of {@code u} and {@code v} (the step's two ends). */
    double norm(double[] err, double[] u, double[] v) {
        return normOverwriting(err.clone(), u, v);
    }

    /**
     * {@link #norm}, overwriting {@code err} with the quotients {@code e_i / scale_i}. They are computed in place, in
     * a loop of their own, which C2 vectorizes, divisions included (into another array it would not: the two might
     * overlap). Their squares are summed in four interleaved partial sums ({@code i mod 4}), added as
     * {@code (s0 + s1) + (s2 + s3)}: one running sum would wait on each addition's latency.
     */
    double normOverwriting(double[] err, double[] u, double[] v) {
        int n = err.length;
        for (int i = 0; i < n; i++) {
            err[i] = err[i] / (atol[i] + rtol[i] * Math.max(Math.abs(u[i]), Math.abs(v[i])));
        }
        if (controlled < n) { // components outside the error control (infinite atol) take no part
            for (int i = 0; i < n; i++) {
                if (atol[i] == Double.POSITIVE_INFINITY) {
                    err[i] = 0;
                }
            }
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += err[i] * err[i];
            s1 += err[i + 1] * err[i + 1];
            s2 += err[i + 2] * err[i + 2];
            s3 += err[i + 3] * err[i + 3];
        }
        for (; i < n; i++) {
            s0 += err[i] * err[i];
        }
        double sum = (s0 + s1) + (s2 + s3);
        return controlled == 0 ? 0 : Math.sqrt(sum / controlled);
    }

    /** Whether component {@code i} takes part in the error control. */
    boolean isControlled(int i) {
        return atol[i] != Double.POSITIVE_INFINITY;
    }

    /** The weight of component {@code i}: {@code atol_i + rtol_i max(|u_i|, |v_i|)}. */
    double scale(int i, double[] u, double[] v) {
        return atol[i] + rtol[i] * Math.max(Math.abs(u[i]), Math.abs(v[i]));
    }

    /** The norm of {@code x} weighted by the scales of {@code u} alone (Hairer's initial step). */
    double norm(double[] x, double[] u) {
        return norm(x, u, u);
    }
}
