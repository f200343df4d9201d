package org.fluxion.ode;

/**
 * Forward sensitivity equations: the augmented state {@code (u, S)} with {@code S = du/d(u0, p)} (n x m,
 * {@code m = n + np}, row-major after u), {@code S' = J_u S + [0 | J_p]}, {@code S(t0) = [I | 0]}, solved with
 * error control on every component (the sensitivities' tolerances are their state component's). The
 * gradient is {@code dL/d(u0, p) = sum_i S(t_i)^T dL/du(t_i)}. A stiff method gets the augmented
 * Jacobian {@code [[J_u, 0], [d(J_u S + J_p)/du, I (x) J_u]]}: the diagonal blocks exact from
 * {@link Derivatives#jacobians}, the coupling block (second derivatives) by forward differences of them.
 */
final class ForwardSensitivity {
    private ForwardSensitivity() {
    }

    /** The augmented system's Jacobian, row-major over {@code (u, S)}. */
    private static JacobianFunction augmentedJacobian(Derivatives d, int n, int np) {
        int m = n + np;
        int size = n * (1 + m);
        double[] u = new double[n];
        double[] ju = new double[n * n];
        double[] jp = new double[n * np];
        double[] juShifted = new double[n * n];
        double[] jpShifted = new double[n * np];
        double[] base = new double[n * m];
        double[] shifted = new double[n * m];
        return (jac, x, p, t) -> {
            java.util.Arrays.fill(jac, 0);
            System.arraycopy(x, 0, u, 0, n);
            d.jacobians(t, u, p, ju, jp);
            sensitivityRhs(ju, jp, x, n, np, base);
            for (int i = 0; i < n; i++) {
                for (int l = 0; l < n; l++) {
                    jac[i * size + l] = ju[i * n + l];
                    for (int k = 0; k < m; k++) {
                        jac[(n + i * m + k) * size + n + l * m + k] = ju[i * n + l];
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                double delta = Math.sqrt(Math.ulp(1.0) * Math.max(1e-5, Math.abs(u[j])));
                u[j] = x[j] + delta;
                delta = u[j] - x[j];
                d.jacobians(t, u, p, juShifted, jpShifted);
                u[j] = x[j];
                sensitivityRhs(juShifted, jpShifted, x, n, np, shifted);
                for (int r = 0; r < n * m; r++) {
                    jac[(n + r) * size + j] = (shifted[r] - base[r]) / delta;
                }
            }
        };
    }

    /** {@code out = J_u S + [0 | J_p]} (n x m, row-major), S read from {@code x} after u. */
    private static void sensitivityRhs(double[] ju, double[] jp, double[] x, int n, int np, double[] out) {
        int m = n + np;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < m; k++) {
                double s = k >= n ? jp[i * np + (k - n)] : 0;
                for (int j = 0; j < n; j++) {
                    s += ju[i * n + j] * x[n + j * m + k];
                }
                out[i * m + k] = s;
            }
        }
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
        double[] sens = new double[n * m];
        OdeFunction f = problem.f();
        OdeFunction augmented = (dx, x, p, t) -> {
            System.arraycopy(x, 0, u, 0, n);
            f.evaluate(du, u, p, t);
            System.arraycopy(du, 0, dx, 0, n);
            d.jacobians(t, u, p, ju, jp);
            sensitivityRhs(ju, jp, x, n, np, sens);
            System.arraycopy(sens, 0, dx, n, n * m);
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
        OdeProblem aug = new OdeProblem(augmented, x0, problem.t0(), problem.t1(), problem.p(),
                method.stiff() ? augmentedJacobian(d, n, np) : null, problem.autonomous());
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

    /**
     * The directional (forward-mode) sensitivity {@code s(t_i) = (du(t_i)/du0) vu + (du(t_i)/dp) vp} at the save
     * times: the augmented state {@code (u, s)} with {@code s' = J_u s + J_p vp}, {@code s(t0) = vu}, one JVP
     * per evaluation. A stiff method gets the augmented Jacobian by forward differences.
     */
    static double[][] directional(OdeProblem problem, Derivatives d, Method method, SolverOptions options,
                                  double[] vu, double[] vp) {
        int n = problem.size();
        double[] u = new double[n];
        double[] s = new double[n];
        double[] du = new double[n];
        double[] ds = new double[n];
        OdeFunction f = problem.f();
        OdeFunction augmented = (dx, x, p, t) -> {
            System.arraycopy(x, 0, u, 0, n);
            System.arraycopy(x, n, s, 0, n);
            f.evaluate(du, u, p, t);
            d.jvp(t, u, p, s, vp, ds);
            System.arraycopy(du, 0, dx, 0, n);
            System.arraycopy(ds, 0, dx, n, n);
        };
        double[] x0 = new double[2 * n];
        System.arraycopy(problem.u0(), 0, x0, 0, n);
        System.arraycopy(vu, 0, x0, n, n);
        Tolerances tol = options.tolerances(n);
        double[] rtol = new double[2 * n];
        double[] atol = new double[2 * n];
        for (int i = 0; i < n; i++) {
            rtol[i] = rtol[n + i] = tol.rtol()[i];
            atol[i] = atol[n + i] = tol.atol()[i];
        }
        OdeProblem aug = new OdeProblem(augmented, x0, problem.t0(), problem.t1(), problem.p(), null,
                problem.autonomous());
        Solution sol = Ode.solve(aug, method, options.withTolerances(rtol, atol));
        double[][] out = new double[sol.points()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(sol.u()[i], n, 2 * n);
        }
        return out;
    }
}
