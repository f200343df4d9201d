package org.fluxion.ode;

/**
 * The classic test problems of the field (as in Hairer–Wanner's test sets and DiffEqProblemLibrary.jl),
 * with their usual parameters, for tests, examples and benchmarks. Each has a plain-Java right-hand side;
 * the stiff ones also have their analytic Jacobian.
 */
public final class ProblemLibrary {
    private ProblemLibrary() {
    }

    /**
     * Lotka–Volterra predator–prey: {@code x' = a x - b x y}, {@code y' = -c y + d x y}, with
     * {@code p = (a, b, c, d) = (1.5, 1, 3, 1)}, {@code u0 = (1, 1)}, on {@code [0, 10]}.
     * {@code V = d x - c ln x + b y - a ln y} is conserved.
     */
    public static OdeProblem lotkaVolterra() {
        OdeFunction f = (du, u, p, t) -> {
            du[0] = p[0] * u[0] - p[1] * u[0] * u[1];
            du[1] = -p[2] * u[1] + p[3] * u[0] * u[1];
        };
        return OdeProblem.of(f, new double[] {1, 1}, 0, 10, 1.5, 1, 3, 1).asAutonomous();
    }

    /**
     * The nonlinear pendulum {@code theta'' = -(g/L) sin theta} as {@code (theta, omega)}, {@code p = (g/L) = 1},
     * {@code u0 = (1, 0)} (about 57 degrees), on {@code [0, 10]}. {@code E = omega^2 / 2 - cos theta} is
     * conserved.
     */
    public static OdeProblem pendulum() {
        OdeFunction f = (du, u, p, t) -> {
            du[0] = u[1];
            du[1] = -p[0] * Math.sin(u[0]);
        };
        return OdeProblem.of(f, new double[] {1, 0}, 0, 10, 1.0).asAutonomous();
    }

    /**
     * Van der Pol's oscillator {@code x'' = mu (1 - x^2) x' - x} as {@code (x, x')}, {@code p = (mu)},
     * {@code u0 = (2, 0)}. Non-stiff for {@code mu = 1} (on {@code [0, 10]}); very stiff for
     * {@code mu = 1000} (on {@code [0, 3000]}, about one and a half relaxation periods), with the Jacobian.
     */
    public static OdeProblem vanDerPol(double mu, double t1) {
        OdeFunction f = (du, u, p, t) -> {
            du[0] = u[1];
            du[1] = p[0] * (1 - u[0] * u[0]) * u[1] - u[0];
        };
        JacobianFunction jac = (j, u, p, t) -> {
            j[0] = 0;
            j[1] = 1;
            j[2] = -2 * p[0] * u[0] * u[1] - 1;
            j[3] = p[0] * (1 - u[0] * u[0]);
        };
        return OdeProblem.of(f, new double[] {2, 0}, 0, t1, mu).withJacobian(jac).asAutonomous();
    }

    /**
     * The Lorenz system {@code x' = s (y - x)}, {@code y' = x (r - z) - y}, {@code z' = x y - b z} with
     * {@code p = (s, r, b) = (10, 28, 8/3)}, {@code u0 = (1, 0, 0)}, on {@code [0, 2]} (chaotic beyond).
     */
    public static OdeProblem lorenz() {
        OdeFunction f = (du, u, p, t) -> {
            du[0] = p[0] * (u[1] - u[0]);
            du[1] = u[0] * (p[1] - u[2]) - u[1];
            du[2] = u[0] * u[1] - p[2] * u[2];
        };
        return OdeProblem.of(f, new double[] {1, 0, 0}, 0, 2, 10, 28, 8.0 / 3).asAutonomous();
    }

    /**
     * Robertson's chemical kinetics, the stiff classic: {@code y1' = -k1 y1 + k3 y2 y3},
     * {@code y2' = k1 y1 - k2 y2^2 - k3 y2 y3}, {@code y3' = k2 y2^2}, {@code p = (k1, k2, k3) = (0.04, 3e7, 1e4)},
     * {@code u0 = (1, 0, 0)}, on {@code [0, 1e5]}; {@code y1 + y2 + y3 = 1} is conserved. With the Jacobian.
     */
    public static OdeProblem robertson() {
        OdeFunction f = (du, u, p, t) -> {
            du[0] = -p[0] * u[0] + p[2] * u[1] * u[2];
            du[1] = p[0] * u[0] - p[1] * u[1] * u[1] - p[2] * u[1] * u[2];
            du[2] = p[1] * u[1] * u[1];
        };
        JacobianFunction jac = (j, u, p, t) -> {
            j[0] = -p[0];
            j[1] = p[2] * u[2];
            j[2] = p[2] * u[1];
            j[3] = p[0];
            j[4] = -2 * p[1] * u[1] - p[2] * u[2];
            j[5] = -p[2] * u[1];
            j[6] = 0;
            j[7] = 2 * p[1] * u[1];
            j[8] = 0;
        };
        return OdeProblem.of(f, new double[] {1, 0, 0}, 0, 1e5, 0.04, 3e7, 1e4).withJacobian(jac).asAutonomous();
    }

    /**
     * Robertson's derivatives by hand: {@code df/du} (the problem's Jacobian) and {@code df/dp}, the VJP through both.
     * A reference for sensitivities that does not depend on any automatic differentiation.
     */
    public static Derivatives robertsonDerivatives() {
        JacobianFunction ju = robertson().jacobian();
        return new Derivatives() {
            @Override
            public void vjp(double t, double[] u, double[] p, double[] lambda, double[] outU, double[] outP) {
                double[] a = new double[9];
                double[] b = new double[9];
                jacobians(t, u, p, a, b);
                for (int j = 0; j < 3; j++) {
                    outU[j] = lambda[0] * a[j] + lambda[1] * a[3 + j] + lambda[2] * a[6 + j];
                    outP[j] = lambda[0] * b[j] + lambda[1] * b[3 + j] + lambda[2] * b[6 + j];
                }
            }

            @Override
            public void jacobians(double t, double[] u, double[] p, double[] jacU, double[] jacP) {
                ju.evaluate(jacU, u, p, t);
                // f1 = -k1 y1 + k3 y2 y3, f2 = k1 y1 - k2 y2^2 - k3 y2 y3, f3 = k2 y2^2; rows of d f_i / d k_j.
                double[] rows = {-u[0], 0, u[1] * u[2], u[0], -u[1] * u[1], -u[1] * u[2], 0, u[1] * u[1], 0};
                System.arraycopy(rows, 0, jacP, 0, 9);
            }
        };
    }

    /**
     * The Brusselator reaction–diffusion PDE in one dimension, by the method of lines (Hairer–Wanner II,
     * IV.1): {@code u_t = A + u^2 v - (B + 1) u + alpha u_xx}, {@code v_t = B u - u^2 v + alpha v_xx} on
     * {@code x in (0, 1)} with {@code u = 1}, {@code v = 3} at both ends, {@code N} interior points
     * (state {@code (u_1, v_1, ..., u_N, v_N)}, length 2N), {@code p = (A, B, alpha) = (1, 3, 1/50)},
     * {@code u(x, 0) = 1 + sin(2 pi x)}, {@code v(x, 0) = 3}, on {@code [0, 10]}. Stiff for large N (the
     * diffusion's eigenvalues grow like {@code N^2}); its Jacobian is banded (bandwidth 2).
     */
    public static OdeProblem brusselator(int gridPoints) {
        int nx = gridPoints;
        double dx = 1.0 / (nx + 1);
        OdeFunction f = (du, u, p, t) -> {
            double c = p[2] / (dx * dx);
            for (int i = 0; i < nx; i++) {
                double ui = u[2 * i];
                double vi = u[2 * i + 1];
                double uLeft = i == 0 ? 1 : u[2 * i - 2];
                double uRight = i == nx - 1 ? 1 : u[2 * i + 2];
                double vLeft = i == 0 ? 3 : u[2 * i - 1];
                double vRight = i == nx - 1 ? 3 : u[2 * i + 3];
                du[2 * i] = p[0] + ui * ui * vi - (p[1] + 1) * ui + c * (uLeft - 2 * ui + uRight);
                du[2 * i + 1] = p[1] * ui - ui * ui * vi + c * (vLeft - 2 * vi + vRight);
            }
        };
        double[] u0 = new double[2 * nx];
        for (int i = 0; i < nx; i++) {
            double x = (i + 1) * dx;
            u0[2 * i] = 1 + Math.sin(2 * Math.PI * x);
            u0[2 * i + 1] = 3;
        }
        return OdeProblem.of(f, u0, 0, 10, 1, 3, 1.0 / 50).asAutonomous();
    }

    /**
     * HIRES, Schäfer's high-irradiance plant-physiology kinetics (Hairer–Wanner II, IV.10), 8 species on
     * {@code [0, 321.8122]}, {@code u0 = (1, 0, 0, 0, 0, 0, 0, 0.0057)}; mildly stiff with a fast reaction
     * ({@code 280 y6 y8}). The reference solution at the end is in the IVP test set (Mazzia and Magherini).
     */
    public static OdeProblem hires() {
        OdeFunction f = (du, u, p, t) -> {
            double r = 280 * u[5] * u[7];
            du[0] = -1.71 * u[0] + 0.43 * u[1] + 8.32 * u[2] + 0.0007;
            du[1] = 1.71 * u[0] - 8.75 * u[1];
            du[2] = -10.03 * u[2] + 0.43 * u[3] + 0.035 * u[4];
            du[3] = 8.32 * u[1] + 1.71 * u[2] - 1.12 * u[3];
            du[4] = -1.745 * u[4] + 0.43 * u[5] + 0.43 * u[6];
            du[5] = -r + 0.69 * u[3] + 1.71 * u[4] - 0.43 * u[5] + 0.69 * u[6];
            du[6] = r - 1.81 * u[6];
            du[7] = -r + 1.81 * u[6];
        };
        return OdeProblem.of(f, new double[] {1, 0, 0, 0, 0, 0, 0, 0.0057}, 0, 321.8122).asAutonomous();
    }
}
