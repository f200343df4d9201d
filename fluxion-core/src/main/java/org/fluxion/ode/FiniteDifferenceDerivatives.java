package org.fluxion.ode;

/**
 * {@link Derivatives} of a plain-Java right-hand side by central differences,
 * {@code (f(x + delta e_j) - f(x - delta e_j)) / (2 delta)} with {@code delta = eps^(1/3) max(1, |x_j|)}
 * (error {@code O(delta^2)}, about 1e-10 relative). Not thread-safe (it keeps work buffers).
 */
final class FiniteDifferenceDerivatives implements Derivatives {
    private static final double STEP = Math.cbrt(Math.ulp(1.0));

    private final OdeFunction f;
    private final JacobianFunction jac;
    private double[] plus = new double[0];
    private double[] minus = new double[0];
    private double[] ju = new double[0];
    private double[] jp = new double[0];

    FiniteDifferenceDerivatives(OdeFunction f, JacobianFunction jac) {
        this.f = f;
        this.jac = jac;
    }

    @Override
    public void vjp(double t, double[] u, double[] p, double[] lambda, double[] outU, double[] outP) {
        int n = u.length;
        int np = p.length;
        if (ju.length != n * n || jp.length != n * np) {
            ju = new double[n * n];
            jp = new double[n * np];
        }
        jacobians(t, u, p, ju, jp);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += lambda[i] * ju[i * n + j];
            }
            outU[j] = s;
        }
        for (int j = 0; j < np; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += lambda[i] * jp[i * np + j];
            }
            outP[j] = s;
        }
    }

    @Override
    public void jacobians(double t, double[] u, double[] p, double[] juOut, double[] jpOut) {
        int n = u.length;
        int np = p.length;
        if (plus.length != n) {
            plus = new double[n];
            minus = new double[n];
        }
        double[] x = u.clone();
        if (jac != null) {
            jac.evaluate(juOut, u, p, t);
        } else {
            for (int j = 0; j < n; j++) {
                double delta = STEP * Math.max(1, Math.abs(u[j]));
                x[j] = u[j] + delta;
                f.evaluate(plus, x, p, t);
                x[j] = u[j] - delta;
                f.evaluate(minus, x, p, t);
                x[j] = u[j];
                for (int i = 0; i < n; i++) {
                    juOut[i * n + j] = (plus[i] - minus[i]) / (2 * delta);
                }
            }
        }
        double[] q = p.clone();
        for (int j = 0; j < np; j++) {
            double delta = STEP * Math.max(1, Math.abs(p[j]));
            q[j] = p[j] + delta;
            f.evaluate(plus, u, q, t);
            q[j] = p[j] - delta;
            f.evaluate(minus, u, q, t);
            q[j] = p[j];
            for (int i = 0; i < n; i++) {
                jpOut[i * np + j] = (plus[i] - minus[i]) / (2 * delta);
            }
        }
    }
}
