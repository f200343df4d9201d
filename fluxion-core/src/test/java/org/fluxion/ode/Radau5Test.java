package org.fluxion.ode;

import static org.fluxion.ode.StiffSolversTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Radau IIA of order 5: its constants against the method's definition, its order (solution 5, dense output
 * 3) on problems with exact solutions at fixed steps, the stiff classics against tight references (the same
 * SciPy references as {@link StiffSolversTest}), with analytic, finite-difference and automatic-differentiation
 * Jacobians, and its sensitivities against finite differences and forward sensitivities.
 */
class Radau5Test {
    /** The Butcher matrix of Radau IIA, order 5, in closed form. */
    private static double[][] butcher() {
        double s = Math.sqrt(6);
        return new double[][] {
                {(88 - 7 * s) / 360, (296 - 169 * s) / 1800, (-2 + 3 * s) / 225},
                {(296 + 169 * s) / 1800, (88 + 7 * s) / 360, (-2 - 3 * s) / 225},
                {(16 - s) / 36, (16 + s) / 36, 1.0 / 9}};
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }

    /** {@code A T Lambda T^-1 = I}: the transformation the Newton iteration relies on, and T T^-1 = I. */
    @Test
    void transformationDiagonalizesTheInverseButcherMatrix() {
        double g = Radau5Stepper.GAMMA;
        double a = Radau5Stepper.ALPHA;
        double b = Radau5Stepper.BETA;
        double[][] lambda = {{g, 0, 0}, {0, a, b}, {0, -b, a}};
        double[][] product = multiply(butcher(), multiply(Radau5Stepper.T, multiply(lambda, Radau5Stepper.TI)));
        double[][] tti = multiply(Radau5Stepper.T, Radau5Stepper.TI);
        double sq6 = Math.sqrt(6);
        double[] c = {(4 - sq6) / 10, (4 + sq6) / 10, 1};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(i == j ? 1 : 0, product[i][j], 1e-13, "A T Lambda T^-1 at " + i + "," + j);
                assertEquals(i == j ? 1 : 0, tti[i][j], 1e-14, "T T^-1 at " + i + "," + j);
                double v = 0;
                for (int k = 0; k < 3; k++) {
                    v += Radau5Stepper.VI[i][k] * Math.pow(c[k], j + 1);
                }
                assertEquals(i == j ? 1 : 0, v, 1e-13, "VI V at " + i + "," + j);
            }
        }
    }

    /** The stepper driven by hand at a fixed step with tight Newton tolerances, every step accepted. */
    private static double[] fixedSteps(OdeProblem p, int steps, double[] midpointErrorOut,
                                       java.util.function.DoubleFunction<double[]> exact) {
        Counters counters = new Counters();
        Rhs rhs = new Rhs(p.f(), p.p(), counters);
        int n = p.size();
        double[] rtol = new double[n];
        double[] atol = new double[n];
        Arrays.fill(rtol, 1e-13);
        Arrays.fill(atol, 1e-13);
        Radau5Stepper stepper = new Radau5Stepper(p, rhs, new Tolerances(rtol, atol));
        double h = (p.t1() - p.t0()) / steps;
        double[] u = p.u0().clone();
        double[] uNew = new double[n];
        double[] f0 = new double[n];
        rhs.evaluate(f0, u, p.t0());
        stepper.start(p.t0(), u, f0);
        double[][] q = new double[3][n];
        double[] mid = new double[n];
        double t = p.t0();
        for (int i = 0; i < steps; i++) {
            double err = stepper.attempt(t, h, u, uNew);
            assertTrue(Double.isFinite(err), "step " + i + " failed");
            stepper.accept(t, h, u, uNew);
            stepper.denseCoefficients(q);
            DenseOutput.evaluate(u, q, 0.5, mid);
            midpointErrorOut[0] = Math.max(midpointErrorOut[0], ExactProblems.maxError(mid, exact.apply(t + h / 2)));
            stepper.nextStep(new StepController.State(), h, err, true);
            System.arraycopy(uNew, 0, u, 0, n);
            t += h;
        }
        return u;
    }

    @Test
    void orderFiveAndDenseOrderThree() {
        for (ExactProblems.Exact ex : ConvergenceOrderTest.problems()) {
            double[] midCoarse = new double[1];
            double[] midFine = new double[1];
            double coarse = ExactProblems.maxError(fixedSteps(ex.problem(), 10, midCoarse, ex.solution()),
                    ex.solution().apply(ex.problem().t1()));
            double fine = ExactProblems.maxError(fixedSteps(ex.problem(), 20, midFine, ex.solution()),
                    ex.solution().apply(ex.problem().t1()));
            double observed = Math.log(coarse / fine) / Math.log(2);
            assertTrue(observed > 4.7, ex.name() + ": observed order " + observed + " (errors " + coarse + ", "
                    + fine + ")");
            double dense = Math.log(midCoarse[0] / midFine[0]) / Math.log(2);
            assertTrue(dense > 2.7, ex.name() + ": dense output order " + dense + " (errors " + midCoarse[0]
                    + ", " + midFine[0] + ")");
        }
    }

    @Test
    void vanDerPolStiff() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        for (OdeProblem p : new OdeProblem[] {vdp, vdp.withJacobian(null)}) {
            Solution s = Ode.solve(p, Method.RADAU5, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
            assertClose(new double[] {-1.5106069367440134, 0.0011783800007311074}, s.last(), 1e-6,
                    "Radau5 " + s.statistics());
            assertTrue(s.statistics().acceptedSteps() < 4500, "Radau5 steps (SciPy's Radau: 3753): " + s.statistics());
            assertTrue(s.statistics().jacobianEvaluations() < s.statistics().acceptedSteps(),
                    "the Jacobian is kept while Newton converges fast: " + s.statistics());
        }
    }

    @Test
    void robertsonToOneHundredThousand() {
        OdeProblem rober = ProblemLibrary.robertson();
        SolverOptions o = SolverOptions.defaults().withTolerances(new double[] {1e-8, 1e-8, 1e-8},
                new double[] {1e-12, 1e-16, 1e-12});
        for (OdeProblem p : new OdeProblem[] {rober, rober.withJacobian(null)}) {
            Solution s = Ode.solve(p, Method.RADAU5, o);
            assertClose(new double[] {0.01786592114212759, 7.274751468447997e-08, 0.9821340061103551}, s.last(),
                    1e-6, "Radau5 " + s.statistics());
            assertEquals(1.0, s.last()[0] + s.last()[1] + s.last()[2], 1e-10, "y1 + y2 + y3 is conserved");
        }
    }

    /** The Newton Jacobian from Fluxion's forward-mode AD (a tensor right-hand side) gives the same solution. */
    @Test
    void robertsonWithTheJacobianFromAutomaticDifferentiation() {
        TensorOde ode = TensorOde.of(RobertsonAdjointTest.ROBERTSON, Tensor.zeros(DType.FLOAT64, 3),
                Tensor.zeros(DType.FLOAT64, 3));
        OdeProblem p = RobertsonAdjointTest.problem(ode);
        SolverOptions o = SolverOptions.defaults().withTolerances(new double[] {1e-8, 1e-8, 1e-8},
                new double[] {1e-12, 1e-16, 1e-12});
        Solution ad = Ode.solve(p, Method.RADAU5, o);
        Solution analytic = Ode.solve(ProblemLibrary.robertson(), Method.RADAU5, o);
        assertClose(analytic.last(), ad.last(), 1e-9, "AD Jacobian " + ad.statistics());
    }

    @Test
    void brusselatorMethodOfLines() {
        Solution s = Ode.solve(ProblemLibrary.brusselator(20), Method.RADAU5,
                SolverOptions.defaults().withTolerances(1e-8, 1e-10));
        assertClose(new double[] {0.87765300972823, 3.1547039090605176, 0.7658928273836697, 3.2955488200910215,
                0.6712478470945635, 3.413643265487055}, Arrays.copyOf(s.last(), 6), 1e-6, "Radau5 " + s.statistics());
    }

    /** Save points and events ride on the collocation polynomial. */
    @Test
    void savePointsOnTheDenseOutput() {
        ExactProblems.Exact ex = ExactProblems.dampedRotation(4);
        double[] ts = {0.3, 1.1, 2.2, 3.7};
        Solution s = Ode.solve(ex.problem(), Method.RADAU5,
                SolverOptions.defaults().withTolerances(1e-9, 1e-11).withSaveAt(ts));
        for (int i = 0; i < ts.length; i++) {
            double e = ExactProblems.maxError(s.u()[i], ex.solution().apply(ts[i]));
            assertTrue(e < 1e-6, "t = " + ts[i] + ": error " + e);
        }
    }

    /** Van der Pol, mu = 10: forward sensitivities and both stable adjoints with Radau5 match finite differences. */
    @Test
    void sensitivitiesMatchFiniteDifferences() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(10, 5);
        double[] ts = {1, 2, 3, 4, 5};
        double[][] w = SensitivityTest.weights(ts.length, 2, 7);
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14).withSaveAt(ts);
        double[] reference = SensitivityTest.finiteDifferenceGradient(vdp, Method.RODAS4, tight, w);
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-9, 1e-11).withSaveAt(ts);
        Derivatives d = Derivatives.finiteDifferences(vdp.f(), vdp.jacobian());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
                SensitivityMethod.INTERPOLATING_ADJOINT, SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(vdp, d, Method.RADAU5, o, w, how);
            double err = SensitivityTest.normwiseError(SensitivityTest.concat(g), reference);
            assertTrue(err < 1e-5, how + ": error " + err + "\n  got      "
                    + Arrays.toString(SensitivityTest.concat(g)) + "\n  expected " + Arrays.toString(reference));
        }
    }

    /** The seed's stiff adjoint case with Radau5: the interpolating and checkpointed adjoints match forward. */
    @Test
    void robertsonAdjointsMatchForwardSensitivities() {
        TensorOde ode = TensorOde.of(RobertsonAdjointTest.ROBERTSON, Tensor.zeros(DType.FLOAT64, 3),
                Tensor.zeros(DType.FLOAT64, 3)).compiled();
        OdeProblem rober = RobertsonAdjointTest.problem(ode);
        double[][] w = SensitivityTest.weights(RobertsonAdjointTest.SAVE_AT.length, 3, 5);
        Gradient forward = Sensitivity.gradient(ProblemLibrary.robertson(), RobertsonAdjointTest.ANALYTIC,
                Method.RADAU5, RobertsonAdjointTest.options(), w, SensitivityMethod.FORWARD);
        double[] reference = scaled(forward, rober.p());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(rober, ode.derivatives(), Method.RADAU5, RobertsonAdjointTest.options(),
                    w, how, SolverOptions.defaults().withTolerances(1e-9, 1e-13));
            double[] got = scaled(g, rober.p());
            for (int k = 0; k < got.length; k++) {
                double rel = Math.abs(got[k] - reference[k]) / Math.abs(reference[k]);
                assertTrue(rel < 1e-5, how + ": component " + k + " relative error " + rel + "\n  got      "
                        + Arrays.toString(got) + "\n  forward  " + Arrays.toString(reference));
            }
        }
    }

    private static double[] scaled(Gradient g, double[] p) {
        double[] out = SensitivityTest.concat(g);
        for (int k = 0; k < p.length; k++) {
            out[3 + k] *= p[k];
        }
        return out;
    }
}
