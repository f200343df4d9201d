package org.fluxion.ode;

/**
 * Per-component tolerances and the weighted RMS norm of the error control:
 * {@code ||e|| = sqrt(mean_i (e_i / (atol_i + rtol_i max(|u_i|, |v_i|)))^2)}.
 */
record Tolerances(double[] rtol, double[] atol) {
    /** The norm of {@code err} weighted by the scales of {@code u} and {@code v} (the step's two ends). */
    double norm(double[] err, double[] u, double[] v) {
        int n = err.length;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double scale = atol[i] + rtol[i] * Math.max(Math.abs(u[i]), Math.abs(v[i]));
            double e = err[i] / scale;
            sum += e * e;
        }
        return Math.sqrt(sum / n);
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
