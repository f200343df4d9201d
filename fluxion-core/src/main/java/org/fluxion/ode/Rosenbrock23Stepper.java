package org.fluxion.ode;

/**
 * Shampine and Reichelt's Rosenbrock 2(3) of MATLAB's ode23s (SIAM J. Sci. Comput. 18 (1997) 1–22): an
 * L-stable order-2 W-method with an order-3 error estimate and a free 2nd-order dense output. With
 * {@code d = 1 / (2 + sqrt 2)}, {@code e32 = 6 + sqrt 2} and {@code W = I - h d J}:
 * <pre>
 *   k1 = W^-1 (F0 + h d T)                       F0 = f(u, t), T = df/dt
 *   F1 = f(u + h k1 / 2, t + h / 2)
 *   k2 = W^-1 (F1 - k1) + k1
 *   u_new = u + h k2
 *   F2 = f(u_new, t + h)                         (the next step's F0)
 *   k3 = W^-1 (F2 - e32 (k2 - F1) - 2 (k1 - F0) + h d T)
 *   err = h (k1 - 2 k2 + k3) / 6
 *   u(theta) = u + h (theta (1 - theta) k1 + theta (theta - 2d) k2) / (1 - 2d)
 * </pre>
 * Two RHS evaluations, one Jacobian and one LU per step.
 */
final class Rosenbrock23Stepper implements Stepper, StiffnessProbe {
    private static final double D = 1.0 / (2.0 + Math.sqrt(2.0));
    private static final double E32 = 6.0 + Math.sqrt(2.0);

    private final Rhs rhs;
    private final Tolerances tolerances;
    private final Linearization lin;
    private final int n;
    private final double[] k1;
    private final double[] k2;
    private final double[] k3;
    private final double[] f1;
    private final double[] f2;
    private final double[] stage;
    private final double[] err;
    private double lastH;

    Rosenbrock23Stepper(OdeProblem problem, Rhs rhs, Tolerances tolerances) {
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.lin = new Linearization(problem, rhs);
        this.n = problem.size();
        this.k1 = new double[n];
        this.k2 = new double[n];
        this.k3 = new double[n];
        this.f1 = new double[n];
        this.f2 = new double[n];
        this.stage = new double[n];
        this.err = new double[n];
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        lin.knownDerivative(f0);
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        lin.prepare(t, u, h);
        if (!lin.factor(1.0, -h * D)) {
            return Double.POSITIVE_INFINITY;
        }
        double[] f0 = lin.fu;
        double[] dt = lin.dt;
        double hd = h * D;
        for (int i = 0; i < n; i++) {
            k1[i] = f0[i] + hd * dt[i];
        }
        lin.solve(k1);
        for (int i = 0; i < n; i++) {
            stage[i] = u[i] + 0.5 * h * k1[i];
        }
        rhs.evaluate(f1, stage, t + 0.5 * h);
        for (int i = 0; i < n; i++) {
            k2[i] = f1[i] - k1[i];
        }
        lin.solve(k2);
        for (int i = 0; i < n; i++) {
            k2[i] += k1[i];
            uNew[i] = u[i] + h * k2[i];
        }
        rhs.evaluate(f2, uNew, t + h);
        for (int i = 0; i < n; i++) {
            k3[i] = f2[i] - E32 * (k2[i] - f1[i]) - 2 * (k1[i] - f0[i]) + hd * dt[i];
        }
        lin.solve(k3);
        for (int i = 0; i < n; i++) {
            err[i] = h / 6 * (k1[i] - 2 * k2[i] + k3[i]);
        }
        double norm = tolerances.norm(err, u, uNew);
        return Double.isNaN(norm) ? Double.POSITIVE_INFINITY : norm;
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        lastH = h;
        lin.moved();
        lin.knownDerivative(f2);
    }

    @Override
    public int denseDegree() {
        return 2;
    }

    @Override
    public void denseCoefficients(double[][] q) {
        double s = lastH / (1 - 2 * D);
        for (int i = 0; i < n; i++) {
            q[0][i] = s * (k1[i] - 2 * D * k2[i]);
            q[1][i] = s * (k2[i] - k1[i]);
        }
    }

    @Override
    public StepController controller() {
        return new StepController(3, 0, 0.2, 5, 0.9);
    }

    @Override
    public double jacobianNorm() {
        return lin.jacobianNorm();
    }

    @Override
    public int order() {
        return 2;
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
