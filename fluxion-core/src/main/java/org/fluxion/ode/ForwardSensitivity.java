package org.fluxion.ode;

/**
 * Forward sensitivity equations: the augmented state {@code (u, S)} with {@code S = du/d(u0, p)} (n x m,
 * {@code m = n + np}, row-major after u), {@code S' = J_u S + [0 | J_p]}, {@code S(t0) = [I | 0]}, solved with
 * error control on every component (the sensitivities' tolerances are their state component's). The
 * gradient is {@code dL/d(u0, p) = sum_i S(t_i)^T dL/du(t_i)}. A stiff method gets the augmented
 * Jacobian by forward differences.
 */
final class ForwardSensitivity {
    private ForwardSensitivity() {
    }

    static Gradient gradient(OdeProblem problem, Derivatives d, Method method, SolverOptions options,
                             double[][] cotangents) {
        int n = problem.size();
        int np = problem.p().length;
        int m = n + np;
        int size = n * (1 + m);
        double[] u = new double[n];
        double[] du = new double[n];
        double[] ju = new double[n * n];
        double[] jp = new double[n * np];
        OdeFunction f = problem.f();
        OdeFunction augmented = (dx, x, p, t) -> {
            System.arraycopy(x, 0, u, 0, n);
            f.evaluate(du, u, p, t);
            System.arraycopy(du, 0, dx, 0, n);
            d.jacobians(t, u, p, ju, jp);
            for (int i = 0; i < n; i++) {
                int row = n + i * m;
                for (int k = 0; k < m; k++) {
                    double s = k >= n ? jp[i * np + (k - n)] : 0;
                    for (int j = 0; j < n; j++) {
                        s += ju[i * n + j] * x[n + j * m + k];
                    }
                    dx[row + k] = s;
                }
            }
        };
        double[] x0 = new double[size];
        System.arraycopy(problem.u0(), 0, x0, 0, n);
        for (int i = 0; i < n; i++) {
            x0[n + i * m + i] = 1;
        }
        Tolerances tol = options.tolerances(n);
        double[] rtol = new double[size];
        double[] atol = new double[size];
        for (int i = 0; i < n; i++) {
            rtol[i] = tol.rtol()[i];
            atol[i] = tol.atol()[i];
            for (int k = 0; k < m; k++) {
                rtol[n + i * m + k] = tol.rtol()[i];
                atol[n + i * m + k] = tol.atol()[i];
            }
        }
        OdeProblem aug = new OdeProblem(augmented, x0, problem.t0(), problem.t1(), problem.p(), null,
                problem.autonomous());
        Solution s = Ode.solve(aug, method, options.withTolerances(rtol, atol));
        double[] grad = new double[m];
        double[][] states = new double[s.points()][];
        for (int i = 0; i < s.points(); i++) {
            double[] x = s.u()[i];
            states[i] = java.util.Arrays.copyOf(x, n);
            for (int k = 0; k < m; k++) {
                double acc = 0;
                for (int r = 0; r < n; r++) {
                    acc += cotangents[i][r] * x[n + r * m + k];
                }
                grad[k] += acc;
            }
        }
        Solution forward = new Solution(s.method(), s.t(), states, s.events(), s.terminated(), s.statistics(), null);
        return new Gradient(java.util.Arrays.copyOf(grad, n), java.util.Arrays.copyOfRange(grad, n, m), forward,
                SensitivityMethod.FORWARD, s.statistics());
    }
}
