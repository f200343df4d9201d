package org.fluxion.ode;

import java.util.function.DoubleFunction;

/** Test problems with exact solutions, for convergence orders and dense output. */
final class ExactProblems {
    private ExactProblems() {
    }

    /** A problem and its exact solution {@code t -> u(t)}. */
    record Exact(String name, OdeProblem problem, DoubleFunction<double[]> solution) {
    }

    /**
     * {@code u' = A u}, {@code A = [[a, -b], [b, a]]}: a damped rotation, {@code u(t) = exp(At) u0 =
     * e^{at} [[cos bt, -sin bt], [sin bt, cos bt]] u0}.
     */
    static Exact dampedRotation(double t1) {
        double a = -0.3;
        double b = 2.0;
        double[] u0 = {1.0, 0.5};
        OdeFunction f = (du, u, p, t) -> {
            du[0] = a * u[0] - b * u[1];
            du[1] = b * u[0] + a * u[1];
        };
        JacobianFunction jac = (j, u, p, t) -> {
            j[0] = a;
            j[1] = -b;
            j[2] = b;
            j[3] = a;
        };
        return new Exact("damped rotation", OdeProblem.of(f, u0, 0, t1).withJacobian(jac), t -> {
            double e = Math.exp(a * t);
            double c = Math.cos(b * t);
            double s = Math.sin(b * t);
            return new double[] {e * (c * u0[0] - s * u0[1]), e * (s * u0[0] + c * u0[1])};
        });
    }

    /** {@code u' = -k u}, {@code u = u0 e^{-kt}}. */
    static Exact decay(double t1) {
        double k = 1.5;
        return new Exact("decay", OdeProblem.of((du, u, p, t) -> du[0] = -p[0] * u[0], new double[] {2.0}, 0, t1, k)
                        .withJacobian((j, u, p, t) -> j[0] = -p[0]),
                t -> new double[] {2.0 * Math.exp(-k * t)});
    }

    /** Nonlinear and non-autonomous: {@code u' = cos(t) u^2}, {@code u(0) = 1/2}, {@code u = 1 / (2 - sin t)}. */
    static Exact riccati(double t1) {
        return new Exact("u' = cos(t) u^2", OdeProblem.of((du, u, p, t) -> du[0] = Math.cos(t) * u[0] * u[0],
                new double[] {0.5}, 0, t1).withJacobian((j, u, p, t) -> j[0] = 2 * Math.cos(t) * u[0]),
                t -> new double[] {1.0 / (2.0 - Math.sin(t))});
    }

    /** The largest absolute difference. */
    static double maxError(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
