package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.fluxion.ode.Derivatives;
import org.fluxion.ode.Gradient;
import org.fluxion.ode.Method;
import org.fluxion.ode.Ode;
import org.fluxion.ode.OdeProblem;
import org.fluxion.ode.ProblemLibrary;
import org.fluxion.ode.Sensitivity;
import org.fluxion.ode.SensitivityMethod;
import org.fluxion.ode.Solution;
import org.fluxion.ode.SolverOptions;
import org.junit.jupiter.api.Test;

/**
 * A stiff right-hand side written as plain Java that mutates {@code du} in place (reaction by reaction, as a
 * kinetics or climate code accumulates its tendencies), differentiated from its bytecode: its VJP, JVP and
 * Jacobians against the hand-derived ones, a stiff solve with its Jacobian, and sensitivities on it against
 * forward sensitivities with the analytic derivatives.
 */
class OdeDerivativesTest {
    /** Robertson's kinetics, p = (k1, k2, k3): each reaction's rate subtracted from and added to du. */
    public static void robertson(double[] du, double[] u, double[] p, double t) {
        for (int i = 0; i < du.length; i++) {
            du[i] = 0;
        }
        double r1 = p[0] * u[0]; // y1 -> y2
        du[0] -= r1;
        du[1] += r1;
        double r2 = p[1] * u[1] * u[1]; // 2 y2 -> y3 + y2
        du[1] -= r2;
        du[2] += r2;
        double r3 = p[2] * u[1] * u[2]; // y2 + y3 -> y1 + y3
        du[0] += r3;
        du[1] -= r3;
    }

    /** The hand-derived derivatives of the same field. */
    static final Derivatives ANALYTIC = ProblemLibrary.robertsonDerivatives();

    private static final double[] K = {0.04, 3e7, 1e4};

    @Test
    void vjpJvpAndJacobiansAreTheAnalyticOnes() {
        OdeDerivatives d = OdeDerivatives.of(OdeDerivativesTest::robertson);
        SplittableRandom rnd = new SplittableRandom(3);
        for (int trial = 0; trial < 5; trial++) {
            double[] u = {rnd.nextDouble(), rnd.nextDouble() * 1e-4, rnd.nextDouble()};
            double[] lambda = {rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5, rnd.nextDouble() - 0.5};
            double[] vu = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            double[] vp = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            double[][] got = new double[5][];
            double[][] want = new double[5][];
            for (int w = 0; w < 2; w++) {
                Derivatives of = w == 0 ? d : ANALYTIC;
                double[][] out = w == 0 ? got : want;
                out[0] = new double[3];
                out[1] = new double[3];
                of.vjp(0.5, u, K, lambda, out[0], out[1]);
                out[2] = new double[9];
                out[3] = new double[9];
                of.jacobians(0.5, u, K, out[2], out[3]);
                out[4] = new double[3];
                of.jvp(0.5, u, K, vu, vp, out[4]);
            }
            String[] names = {"lambda^T df/du", "lambda^T df/dp", "df/du", "df/dp", "jvp"};
            for (int q = 0; q < 5; q++) {
                for (int i = 0; i < want[q].length; i++) {
                    double scale = Math.max(1, Math.abs(want[q][i]));
                    assertEquals(want[q][i], got[q][i], 1e-12 * scale, names[q] + "[" + i + "]: "
                            + Arrays.toString(got[q]) + " vs " + Arrays.toString(want[q]));
                }
            }
            double[] jac = new double[9];
            d.jacobian().evaluate(jac, u, K, 0.5);
            assertEquals(Arrays.toString(got[2]), Arrays.toString(jac), "the stiff solvers' df/du");
        }
    }

    /** Rodas4 to t = 1e5 with the bytecode AD's Jacobian, the plain-Java field as the right-hand side. */
    @Test
    void stiffSolveWithTheDerivedJacobian() {
        OdeDerivatives d = OdeDerivatives.of(OdeDerivativesTest::robertson);
        SolverOptions options = SolverOptions.defaults().withTolerances(new double[] {1e-8, 1e-8, 1e-8},
                new double[] {1e-12, 1e-16, 1e-12});
        OdeProblem withAd = OdeProblem.of(OdeDerivativesTest::robertson, new double[] {1, 0, 0}, 0, 1e5, K)
                .withJacobian(d.jacobian());
        Solution ad = Ode.solve(withAd, Method.RODAS4, options);
        Solution analytic = Ode.solve(ProblemLibrary.robertson(), Method.RODAS4, options);
        double[] a = ad.last();
        double[] b = analytic.last();
        for (int i = 0; i < 3; i++) {
            assertEquals(b[i], a[i], 1e-9 * Math.abs(b[i]) + 1e-16, "y" + (i + 1) + " at 1e5: " + Arrays.toString(a)
                    + " vs " + Arrays.toString(b));
        }
        assertEquals(1, a[0] + a[1] + a[2], 1e-9, "mass is conserved");
    }

    /**
     * The seed's stiff case with the plain-Java field: the interpolating and checkpointed adjoints with the bytecode
     * AD's VJPs match forward sensitivities with the analytic derivatives to 1e-5 relative.
     */
    @Test
    void adjointsOnThePlainJavaFieldMatchForwardSensitivities() {
        OdeDerivatives d = OdeDerivatives.of(OdeDerivativesTest::robertson);
        double[] saveAt = {1e-2, 1, 1e2, 1e3, 1e4, 1e5};
        SolverOptions options = SolverOptions.defaults().withTolerances(new double[] {1e-9, 1e-9, 1e-9},
                new double[] {1e-13, 1e-17, 1e-13}).withSaveAt(saveAt);
        double[][] w = new double[saveAt.length][3];
        SplittableRandom rnd = new SplittableRandom(5);
        for (double[] row : w) {
            for (int i = 0; i < 3; i++) {
                row[i] = rnd.nextDouble() * 2 - 1;
            }
        }
        OdeProblem plain = OdeProblem.of(OdeDerivativesTest::robertson, new double[] {1, 0, 0}, 0, 1e5, K)
                .withJacobian(d.jacobian());
        double[] reference = scaled(Sensitivity.gradient(ProblemLibrary.robertson(), ANALYTIC, Method.RODAS4, options,
                w, SensitivityMethod.FORWARD));
        SolverOptions adjointTolerances = SolverOptions.defaults().withTolerances(1e-9, 1e-13);
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
            SensitivityMethod.INTERPOLATING_ADJOINT, SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            double[] got = scaled(Sensitivity.gradient(plain, d, Method.RODAS4, options, w, how, adjointTolerances));
            for (int k = 0; k < got.length; k++) {
                double rel = Math.abs(got[k] - reference[k]) / Math.abs(reference[k]);
                assertTrue(rel < 1e-5, how + ": component " + k + " relative error " + rel + "\n  got      "
                        + Arrays.toString(got) + "\n  forward  " + Arrays.toString(reference));
            }
        }
    }

    @Test
    void refusesAMethodOfAnotherSignature() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OdeDerivatives.of(OdeDerivativesTest.class, "notARightHandSide"));
        assertTrue(e.getMessage().contains("void f(double[] du, double[] u, double[] p, double t)"), e.getMessage());
    }

    public static double notARightHandSide(double[] u, double t) {
        return u[0] * t;
    }

    /** (dL/du0, k_j dL/dk_j): rate constants of very different sizes made comparable. */
    private static double[] scaled(Gradient g) {
        double[] out = new double[6];
        System.arraycopy(g.initialState(), 0, out, 0, 3);
        for (int k = 0; k < 3; k++) {
            out[3 + k] = g.parameters()[k] * K[k];
        }
        return out;
    }
}
