package org.fluxion.ode;

/**
 * Hairer and Wanner's Rodas4: a stiffly accurate, L-stable Rosenbrock method of order 4 with an embedded
 * order-3 solution and a 3rd-order dense output (Hairer, Wanner, Solving ODEs II, VI.4, and the code
 * rodas.f). In the transformed form, with {@code W = I / (h gamma) - J}, stages
 * {@code W k_i = f(u + sum_j a_ij k_j, t + c_i h) + (sum_j C_ij k_j) / h + h d_i f_t}; the last two stages
 * are the solution's increments ({@code u_new = u + sum a_5j k_j + k_5 + k_6}), and {@code k_6} is the
 * error estimate. Six RHS evaluations, one Jacobian and one LU per step.
 */
final class Rodas4Stepper implements Stepper, StiffnessProbe {
    private static final double GAMMA = 0.25;
    private static final double C2 = 0.386;
    private static final double C3 = 0.21;
    private static final double C4 = 0.63;
    private static final double A21 = 1.544;
    private static final double A31 = 0.9466785280815826;
    private static final double A32 = 0.2557011698983284;
    private static final double A41 = 3.314825187068521;
    private static final double A42 = 2.896124015972201;
    private static final double A43 = 0.9986419139977817;
    private static final double A51 = 1.221224509226641;
    private static final double A52 = 6.019134481288629;
    private static final double A53 = 12.53708332932087;
    private static final double A54 = -0.6878860361058950;
    private static final double C21 = -5.6688;
    private static final double C31 = -2.430093356833875;
    private static final double C32 = -0.2063599157091915;
    private static final double C41 = -0.1073529058151375;
    private static final double C42 = -9.594562251023355;
    private static final double C43 = -20.47028614809616;
    private static final double C51 = 7.496443313967647;
    private static final double C52 = -10.24680431464352;
    private static final double C53 = -33.99990352819905;
    private static final double C54 = 11.70890893206160;
    private static final double C61 = 8.083246795921522;
    private static final double C62 = -7.981132988064893;
    private static final double C63 = -31.52159432874371;
    private static final double C64 = 16.31930543123136;
    private static final double C65 = -6.058818238834054;
    private static final double D1 = 0.25;
    private static final double D2 = -0.1043;
    private static final double D3 = 0.1035;
    private static final double D4 = -0.03620000000000023;
    /** The dense output's two correction vectors are these combinations of k_1..k_5. */
    private static final double[] H2 = {10.12623508344586, -7.487995877610167, -34.80091861555747,
            -7.992771707568823, 1.025137723295662};
    private static final double[] H3 = {-0.6762803392801253, 6.087714651680015, 16.43084320892478,
            24.76722511418386, -6.594389125716872};

    private final Rhs rhs;
    private final Tolerances tolerances;
    private final Linearization lin;
    private final int n;
    private final double[][] k;
    private final double[] stage;
    private final double[] f;
    private final double[] uOld;
    private final double[] uNewCopy;

    Rodas4Stepper(OdeProblem problem, Rhs rhs, Tolerances tolerances) {
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.lin = new Linearization(problem, rhs);
        this.n = problem.size();
        this.k = new double[6][n];
        this.stage = new double[n];
        this.f = new double[n];
        this.uOld = new double[n];
        this.uNewCopy = new double[n];
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        lin.knownDerivative(f0);
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        lin.prepare(t, u, h);
        if (!lin.factor(1.0 / (h * GAMMA), -1.0)) {
            return Double.POSITIVE_INFINITY;
        }
        double[] fu = lin.fu;
        double[] dt = lin.dt;
        double[] k1 = k[0];
        double[] k2 = k[1];
        double[] k3 = k[2];
        double[] k4 = k[3];
        double[] k5 = k[4];
        double[] k6 = k[5];
        double hinv = 1.0 / h;
        for (int i = 0; i < n; i++) {
            k1[i] = fu[i] + h * D1 * dt[i];
        }
        lin.solve(k1);

        for (int i = 0; i < n; i++) {
            stage[i] = u[i] + A21 * k1[i];
        }
        rhs.evaluate(f, stage, t + C2 * h);
        for (int i = 0; i < n; i++) {
            k2[i] = f[i] + h * D2 * dt[i] + hinv * (C21 * k1[i]);
        }
        lin.solve(k2);

        for (int i = 0; i < n; i++) {
            stage[i] = u[i] + A31 * k1[i] + A32 * k2[i];
        }
        rhs.evaluate(f, stage, t + C3 * h);
        for (int i = 0; i < n; i++) {
            k3[i] = f[i] + h * D3 * dt[i] + hinv * (C31 * k1[i] + C32 * k2[i]);
        }
        lin.solve(k3);

        for (int i = 0; i < n; i++) {
            stage[i] = u[i] + A41 * k1[i] + A42 * k2[i] + A43 * k3[i];
        }
        rhs.evaluate(f, stage, t + C4 * h);
        for (int i = 0; i < n; i++) {
            k4[i] = f[i] + h * D4 * dt[i] + hinv * (C41 * k1[i] + C42 * k2[i] + C43 * k3[i]);
        }
        lin.solve(k4);

        for (int i = 0; i < n; i++) {
            stage[i] = u[i] + A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i];
        }
        rhs.evaluate(f, stage, t + h);
        for (int i = 0; i < n; i++) {
            k5[i] = f[i] + hinv * (C51 * k1[i] + C52 * k2[i] + C53 * k3[i] + C54 * k4[i]);
        }
        lin.solve(k5);

        for (int i = 0; i < n; i++) {
            stage[i] += k5[i];
        }
        rhs.evaluate(f, stage, t + h);
        for (int i = 0; i < n; i++) {
            k6[i] = f[i] + hinv * (C61 * k1[i] + C62 * k2[i] + C63 * k3[i] + C64 * k4[i] + C65 * k5[i]);
        }
        lin.solve(k6);

        for (int i = 0; i < n; i++) {
            uNew[i] = stage[i] + k6[i];
        }
        double norm = tolerances.norm(k6, u, uNew);
        return Double.isNaN(norm) ? Double.POSITIVE_INFINITY : norm;
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        lin.moved();
        System.arraycopy(u, 0, uOld, 0, n);
        System.arraycopy(uNew, 0, uNewCopy, 0, n);
    }

    @Override
    public int denseDegree() {
        return 3;
    }

    /**
     * {@code u(theta) = (1 - theta) u + theta (u_new + (1 - theta)(h2 + theta h3))}, {@code h2}, {@code h3} the
     * H-combinations of the stages; in monomials: {@code theta (u_new - u + h2) + theta^2 (h3 - h2) - theta^3 h3}.
     */
    @Override
    public void denseCoefficients(double[][] q) {
        for (int i = 0; i < n; i++) {
            double h2 = 0;
            double h3 = 0;
            for (int j = 0; j < 5; j++) {
                h2 += H2[j] * k[j][i];
                h3 += H3[j] * k[j][i];
            }
            q[0][i] = uNewCopy[i] - uOld[i] + h2;
            q[1][i] = h3 - h2;
            q[2][i] = -h3;
        }
    }

    @Override
    public StepController controller() {
        return new StepController(4, 0, 0.2, 6, 0.9);
    }

    @Override
    public double jacobianNorm() {
        return lin.jacobianNorm();
    }

    @Override
    public int order() {
        return 4;
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
