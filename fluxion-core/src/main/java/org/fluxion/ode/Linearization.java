package org.fluxion.ode;

/**
 * What a Rosenbrock step needs at its start point {@code (t, u)}: {@code f(u, t)}, the Jacobian {@code J},
 * {@code d f / d t}, and the LU factors of the step's matrix {@code W = diag I + scale J}. The Jacobian is
 * kept over rejected attempts from the same point (only {@code W} changes with the step size) and dropped
 * when a step is accepted.
 */
final class Linearization {
    private final Jacobians jacobians;
    private final Rhs rhs;
    private final Counters counters;
    private final int n;
    final double[] fu;
    final double[] dt;
    private final double[] jac;
    private final NewtonMatrix w;
    private boolean valid;
    private boolean fuKnown;

    Linearization(OdeProblem problem, Rhs rhs) {
        this.n = problem.size();
        this.jacobians = new Jacobians(problem, rhs);
        this.rhs = rhs;
        this.counters = rhs.counters();
        this.fu = new double[n];
        this.dt = new double[n];
        this.jac = new double[n * n];
        this.w = new NewtonMatrix(problem);
    }

    /** {@code f(u, t)} is already known (FSAL, or the solve's start): it is copied instead of evaluated. */
    void knownDerivative(double[] f) {
        System.arraycopy(f, 0, fu, 0, n);
        fuKnown = true;
    }

    /**
     * Makes {@code fu}, {@code J} and {@code dt} those of {@code (t, u)} unless they already are;
     * {@code direction} is the sign of the step.
     */
    void prepare(double t, double[] u, double direction) {
        if (valid) {
            return;
        }
        if (!fuKnown) {
            rhs.evaluate(fu, u, t);
        }
        jacobians.jacobian(jac, t, u, fu);
        jacobians.timeDerivative(dt, t, u, fu, direction);
        valid = true;
    }

    /**
     * Factors {@code W = diag I + scale J}.
     *
     * @return false when W is singular (the step is then retried smaller)
     */
    boolean factor(double diag, double scale) {
        counters.factorizations++;
        return w.factor(diag, scale, jac);
    }

    /** {@code b <- W^{-1} b}. */
    void solve(double[] b) {
        counters.linearSolves++;
        w.solve(b);
    }

    /** {@code ||J||_inf} of the last Jacobian (a bound on its spectral radius), 0 before the first. */
    double jacobianNorm() {
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < n; j++) {
                row += Math.abs(jac[i * n + j]);
            }
            worst = Math.max(worst, row);
        }
        return worst;
    }

    /** A step from the current point was accepted: the next starts elsewhere. */
    void moved() {
        valid = false;
        fuKnown = false;
    }
}
