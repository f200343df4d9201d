package org.fluxion.ode;

/**
 * The Jacobian {@code d f / d u} and the time derivative {@code d f / d t} of a right-hand side, for the
 * stiff solvers: the problem's own {@link JacobianFunction} when it has one (analytic, or from automatic
 * differentiation for a tensor right-hand side), forward differences otherwise: over groups of structurally
 * orthogonal columns when the problem declares its {@link JacobianStructure}.
 */
final class Jacobians {
    private static final double SQRT_EPS = Math.sqrt(Math.ulp(1.0));

    private final Rhs rhs;
    private final JacobianFunction supplied;
    private final boolean autonomous;
    private final double[] work;
    private final double[] shifted;
    private final JacobianStructure structure;
    private final double[] deltas;

    Jacobians(OdeProblem problem, Rhs rhs) {
        this.rhs = rhs;
        this.supplied = problem.jacobian();
        this.autonomous = problem.autonomous();
        this.work = new double[problem.size()];
        this.shifted = new double[problem.size()];
        this.structure = problem.structure();
        this.deltas = structure == null ? null : new double[problem.size()];
    }

    /**
     * Writes {@code d f / d u} at {@code (t, u)} into {@code jac} (row-major; with a declared structure, only its
     * entries are written, so the array must hold zeros elsewhere); {@code fu = f(u, t)}. By forward
     * differences, column j uses {@code delta_j = sqrt(eps max(1e-5, |u_j|))} (Hairer's RADAU5 choice): n RHS
     * evaluations.
     */
    void jacobian(double[] jac, double t, double[] u, double[] fu) {
        rhs.counters().jacobianEvaluations++;
        int n = u.length;
        if (supplied != null) {
            supplied.evaluate(jac, u, rhs.parameters(), t);
            return;
        }
        if (structure != null) {
            grouped(jac, t, u, fu);
            return;
        }
        System.arraycopy(u, 0, shifted, 0, n);
        for (int j = 0; j < n; j++) {
            double delta = Math.sqrt(Math.ulp(1.0) * Math.max(1e-5, Math.abs(u[j])));
            shifted[j] = u[j] + delta;
            delta = shifted[j] - u[j];
            rhs.evaluate(work, shifted, t);
            for (int i = 0; i < n; i++) {
                jac[i * n + j] = (work[i] - fu[i]) / delta;
            }
            shifted[j] = u[j];
        }
    }

    /**
     * Curtis–Powell–Reid: the columns of one group share no row, so one evaluation at {@code u + sum_j delta_j
     * e_j} over the group gives each of them on its own rows. Entries outside the structure are never written:
     * the caller's array holds zeros there from its allocation (clearing an n x n array each time would cost
     * more than the grouped evaluations save).
     */
    private void grouped(double[] jac, double t, double[] u, double[] fu) {
        int n = u.length;
        for (int g = 0; g < structure.groups(); g++) {
            System.arraycopy(u, 0, shifted, 0, n);
            for (int j = 0; j < n; j++) {
                if (structure.groupOf(j) == g) {
                    double delta = Math.sqrt(Math.ulp(1.0) * Math.max(1e-5, Math.abs(u[j])));
                    shifted[j] = u[j] + delta;
                    deltas[j] = shifted[j] - u[j];
                }
            }
            rhs.evaluate(work, shifted, t);
            for (int j = 0; j < n; j++) {
                if (structure.groupOf(j) == g) {
                    for (int i : structure.rowsOfColumn(j)) {
                        jac[i * n + j] = (work[i] - fu[i]) / deltas[j];
                    }
                }
            }
        }
    }

    /**
     * Writes {@code d f / d t} at {@code (t, u)} into {@code dt} by a one-sided difference towards
     * {@code direction} (one RHS evaluation, inside the step about to be taken, so never past the end of the
     * time span), or zeros for an autonomous problem.
     */
    void timeDerivative(double[] dt, double t, double[] u, double[] fu, double direction) {
        if (autonomous) {
            java.util.Arrays.fill(dt, 0);
            return;
        }
        double delta = Math.copySign(SQRT_EPS * Math.max(1e-5, Math.abs(t)), direction);
        double tShifted = t + delta;
        delta = tShifted - t;
        rhs.evaluate(dt, u, tShifted);
        for (int i = 0; i < dt.length; i++) {
            dt[i] = (dt[i] - fu[i]) / delta;
        }
    }
}
