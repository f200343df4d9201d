package org.fluxion.ode;

import java.util.Arrays;

/**
 * Continuous adjoint sensitivities. Backwards from the last save time, between consecutive save times
 * {@code t_{i-1} < t_i}:
 * <pre>
 *   lambda' = -(df/du)^T lambda,   mu' = -(df/dp)^T lambda,   lambda(t_i) += dL/du(t_i)
 * </pre>
 * with {@code mu = 0} at the end; then {@code dL/du0 = lambda(t0)} and {@code dL/dp = mu(t0)}. The
 * vector-Jacobian products come from {@link Derivatives#vjp}. Where the forward state {@code u(t)} comes from
 * is what distinguishes the three methods: re-integrated backwards with the adjoint (backsolve), the
 * forward dense output (interpolating), or a re-solve of each interval from its saved checkpoint
 * (checkpointed). A stiff method solves the adjoint equations with their exact Jacobian
 * {@code [[-J_u^T, 0], [-J_p^T, 0]]} (forward differences for the backsolve's augmented system).
 */
final class Adjoint {
    private final OdeProblem problem;
    private final Derivatives d;
    private final Method method;
    private final SolverOptions options;
    private final SolverOptions backward;
    private final SensitivityMethod how;
    private final int n;
    private final int np;
    private Statistics work = new Statistics(0, 0, 0, 0, 0, 0);

    Adjoint(OdeProblem problem, Derivatives d, Method method, SolverOptions options, SolverOptions backward,
            SensitivityMethod how) {
        this.problem = problem;
        this.d = d;
        this.method = method;
        this.options = options;
        this.backward = backward;
        this.how = how;
        this.n = problem.size();
        this.np = problem.p().length;
    }

    /** The state {@code u(t)} on the interval being swept. */
    @FunctionalInterface
    private interface Trajectory {
        void at(double t, double[] out);
    }

    /** The forward solve this method needs: with dense output for the interpolating adjoint. */
    static Solution forward(OdeProblem problem, Method method, SolverOptions options, SensitivityMethod how) {
        return Ode.solve(problem, method, options.withDense(how == SensitivityMethod.INTERPOLATING_ADJOINT));
    }

    /**
     * The gradient from the cotangents at the save times; {@code fwd} is the forward solve from
     * {@link #forward} when the caller already has it, else null.
     */
    Gradient gradient(double[][] cotangents, Solution fwd) {
        double[] ts = options.saveAt();
        if (fwd == null || (how == SensitivityMethod.INTERPOLATING_ADJOINT && fwd.dense() == null)) {
            fwd = forward(problem, method, options, how);
        }
        if (fwd.points() != ts.length) {
            throw new IllegalStateException("Sensitivity: the forward solve saved " + fwd.points() + " of "
                    + ts.length + " points");
        }
        double[] lambda = new double[n];
        double[] mu = new double[np];
        int last = ts.length - 1;
        add(lambda, cotangents[last]);
        double[] u = fwd.u()[last].clone();
        for (int i = last; i >= 0; i--) {
            double tHi = ts[i];
            double tLo = i > 0 ? ts[i - 1] : problem.t0();
            if (tHi != tLo) {
                double[] uLo = i > 0 ? fwd.u()[i - 1] : problem.u0();
                if (how == SensitivityMethod.BACKSOLVE_ADJOINT) {
                    u = backsolve(tHi, tLo, u, lambda, mu);
                } else {
                    Trajectory trajectory = how == SensitivityMethod.INTERPOLATING_ADJOINT
                            ? fwd.dense()::at : resolve(tLo, tHi, uLo);
                    sweep(tHi, tLo, trajectory, lambda, mu);
                }
            }
            if (i > 0) {
                add(lambda, cotangents[i - 1]);
            }
        }
        return new Gradient(lambda, mu, fwd, how, work);
    }

    /** The checkpointed trajectory on {@code [tLo, tHi]}: a forward re-solve from the checkpoint with dense output. */
    private Trajectory resolve(double tLo, double tHi, double[] uLo) {
        OdeProblem piece = problem.withInitialState(uLo.clone()).withTimeSpan(tLo, tHi);
        Solution s = Ode.solve(piece, method, options.withoutOutputs().withDense(true));
        work = work.plus(s.statistics());
        return s.dense()::at;
    }

    /** Integrates {@code (lambda, mu)} from {@code tHi} down to {@code tLo} on a known trajectory, in place. */
    private void sweep(double tHi, double tLo, Trajectory trajectory, double[] lambda, double[] mu) {
        double[] p = problem.p();
        double[] u = new double[n];
        double[] lam = new double[n];
        double[] outU = new double[n];
        double[] outP = new double[np];
        OdeFunction rhs = (dx, x, unused, t) -> {
            trajectory.at(t, u);
            System.arraycopy(x, 0, lam, 0, n);
            d.vjp(t, u, p, lam, outU, outP);
            for (int i = 0; i < n; i++) {
                dx[i] = -outU[i];
            }
            for (int k = 0; k < np; k++) {
                dx[n + k] = -outP[k];
            }
        };
        int size = n + np;
        JacobianFunction jac = method.stiff() ? adjointJacobian(trajectory, p, u) : null;
        double[] x0 = new double[size];
        System.arraycopy(lambda, 0, x0, 0, n);
        System.arraycopy(mu, 0, x0, n, np);
        OdeProblem adjoint = new OdeProblem(rhs, x0, tHi, tLo, new double[0], jac, false);
        Solution s = Ode.solve(adjoint, method, quadrature(n, size));
        work = work.plus(s.statistics());
        double[] x = s.last();
        System.arraycopy(x, 0, lambda, 0, n);
        System.arraycopy(x, n, mu, 0, np);
    }

    /**
     * The adjoint system's Jacobian {@code [[-J_u^T, 0], [-J_p^T, 0]]} for the stiff methods (its
     * {@code (n + np)^2} matrix and the Jacobian buffers exist only for them).
     */
    private JacobianFunction adjointJacobian(Trajectory trajectory, double[] p, double[] u) {
        double[] ju = new double[n * n];
        double[] jp = new double[n * np];
        int size = n + np;
        return (j, x, unused, t) -> {
            trajectory.at(t, u);
            d.jacobians(t, u, p, ju, jp);
            Arrays.fill(j, 0);
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < n; c++) {
                    j[r * size + c] = -ju[c * n + r];
                }
            }
            for (int k = 0; k < np; k++) {
                for (int c = 0; c < n; c++) {
                    j[(n + k) * size + c] = -jp[c * np + k];
                }
            }
        };
    }

    /**
     * The backward options for a state whose first {@code controlled} components are error-controlled and
     * the rest, the parameter gradient {@code mu}, is a quadrature left out of the error control (SUNDIALS'
     * default for quadratures): {@code mu} feeds nothing back, and controlling thousands of network weights
     * would multiply the adjoint's steps.
     */
    private SolverOptions quadrature(int controlled, int size) {
        double[] rtol = new double[size];
        double[] atol = new double[size];
        java.util.Arrays.fill(rtol, backward.rtol());
        java.util.Arrays.fill(atol, 0, controlled, backward.atol());
        java.util.Arrays.fill(atol, controlled, size, Double.POSITIVE_INFINITY);
        return backward.withTolerances(rtol, atol);
    }

    /** Integrates {@code (u, lambda, mu)} from {@code tHi} down to {@code tLo}; returns {@code u(tLo)}. */
    private double[] backsolve(double tHi, double tLo, double[] uHi, double[] lambda, double[] mu) {
        double[] p = problem.p();
        OdeFunction f = problem.f();
        double[] u = new double[n];
        double[] du = new double[n];
        double[] lam = new double[n];
        double[] outU = new double[n];
        double[] outP = new double[np];
        OdeFunction rhs = (dx, x, unused, t) -> {
            System.arraycopy(x, 0, u, 0, n);
            System.arraycopy(x, n, lam, 0, n);
            f.evaluate(du, u, p, t);
            d.vjp(t, u, p, lam, outU, outP);
            for (int i = 0; i < n; i++) {
                dx[i] = du[i];
                dx[n + i] = -outU[i];
            }
            for (int k = 0; k < np; k++) {
                dx[2 * n + k] = -outP[k];
            }
        };
        double[] x0 = new double[2 * n + np];
        System.arraycopy(uHi, 0, x0, 0, n);
        System.arraycopy(lambda, 0, x0, n, n);
        System.arraycopy(mu, 0, x0, 2 * n, np);
        OdeProblem adjoint = new OdeProblem(rhs, x0, tHi, tLo, new double[0], null, false);
        Solution s = Ode.solve(adjoint, method, quadrature(2 * n, 2 * n + np));
        work = work.plus(s.statistics());
        double[] x = s.last();
        System.arraycopy(x, n, lambda, 0, n);
        System.arraycopy(x, 2 * n, mu, 0, np);
        return Arrays.copyOf(x, n);
    }

    private static void add(double[] target, double[] value) {
        for (int i = 0; i < target.length; i++) {
            target[i] += value[i];
        }
    }
}
