package org.fluxion.ode;

/**
 * Hairer's automatic first step (Hairer, Nørsett, Wanner, Solving ODEs I, II.4, and the codes' HINIT):
 * with {@code d0 = ||u0||}, {@code d1 = ||f0||}, a trial {@code h0 = 0.01 d0 / d1} (1e-6 when either is
 * tiny), one Euler step to estimate {@code d2 = ||f(u0 + h0 f0) - f0|| / h0}, and then
 * {@code h = min(100 h0, (0.01 / max(d1, d2))^(1/(p+1)))} for a method of order p. Costs one RHS evaluation.
 */
final class InitialStep {
    private InitialStep() {
    }

    /** The magnitude of the first step from {@code (t0, u0)} with {@code f0 = f(u0, t0)}. */
    static double hairer(Rhs rhs, Tolerances tol, double t0, double[] u0, double[] f0, double direction, int order,
                         double maxStep) {
        int n = u0.length;
        double d0 = tol.norm(u0, u0);
        double d1 = tol.norm(f0, u0);
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        h0 = Math.min(h0, maxStep);
        double[] u1 = new double[n];
        for (int i = 0; i < n; i++) {
            u1[i] = u0[i] + direction * h0 * f0[i];
        }
        double[] f1 = new double[n];
        rhs.evaluate(f1, u1, t0 + direction * h0);
        for (int i = 0; i < n; i++) {
            f1[i] -= f0[i];
        }
        double d2 = tol.norm(f1, u0) / h0;
        double dmax = Math.max(d1, d2);
        double h1 = dmax <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / dmax, 1.0 / (order + 1));
        double h = Math.min(Math.min(100 * h0, h1), maxStep);
        return Double.isFinite(h) && h > 0 ? h : 1e-6;
    }
}
