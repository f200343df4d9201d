package org.fluxion.ode;

import static org.fluxion.ode.StiffSolversTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.NumPyReference;
import org.junit.jupiter.api.Test;

/**
 * The variable-order BDF (NDF) solver: its difference machinery, the stiff classics against tight references
 * (Radau5 at tight tolerances, the IVP test set's HIRES values, SciPy's BDF when python3 has SciPy), sane
 * order and step statistics, dense output, and the sensitivities running on it.
 */
class BdfTest {
    private static final SolverOptions ROBERTSON_TOLERANCES = SolverOptions.defaults().withTolerances(
            new double[] {1e-8, 1e-8, 1e-8}, new double[] {1e-12, 1e-16, 1e-12});

    /** {@code U = R(1)} is an involution ({@code U^2 = I}), and {@code R(a) U R(b) U = R(a b) U}: rescalings compose. */
    @Test
    void stepChangeMatricesCompose() {
        for (int order = 1; order <= BdfStepper.MAX_ORDER; order++) {
            double[][] u = r(order, 1);
            double[][] uu = multiply(u, u);
            double[][] ab = multiply(multiply(r(order, 0.7), u), multiply(r(order, 1.9), u));
            double[][] direct = multiply(r(order, 0.7 * 1.9), u);
            for (int i = 0; i <= order; i++) {
                for (int j = 0; j <= order; j++) {
                    assertEquals(i == j ? 1 : 0, uu[i][j], 1e-12, "U^2 at order " + order);
                    assertEquals(direct[i][j], ab[i][j], 1e-12, "composition at order " + order);
                }
            }
        }
    }

    private static double[][] r(int order, double factor) {
        double[][] m = new double[order + 1][order + 1];
        BdfStepper.computeR(order, factor, m);
        return m;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int k = a.length;
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (int m = 0; m < k; m++) {
                    c[i][j] += a[i][m] * b[m][j];
                }
            }
        }
        return c;
    }

    /** Runs BDF through the integrator, returning the solution and the stepper (for its order statistics). */
    private record Run(Solution solution, long[] stepsAtOrder) {
    }

    private static Run run(OdeProblem p, SolverOptions o) {
        Counters counters = new Counters();
        Rhs rhs = new Rhs(p.f(), p.p(), counters);
        Tolerances tolerances = o.tolerances(p.size());
        BdfStepper stepper = new BdfStepper(p, rhs, tolerances);
        Solution s = new Integrator(p, stepper, rhs, o, tolerances, "BDF").run();
        return new Run(s, stepper.stepsAtOrder());
    }

    @Test
    void robertsonToOneHundredThousand() {
        OdeProblem rober = ProblemLibrary.robertson();
        for (OdeProblem p : new OdeProblem[] {rober, rober.withJacobian(null)}) {
            Run r = run(p, ROBERTSON_TOLERANCES);
            Solution s = r.solution();
            String stats = s.statistics() + " orders " + Arrays.toString(r.stepsAtOrder());
            assertClose(new double[] {0.01786592114212759, 7.274751468447997e-08, 0.9821340061103551}, s.last(),
                    1e-5, "BDF " + stats);
            assertEquals(1.0, s.last()[0] + s.last()[1] + s.last()[2], 1e-9, "y1 + y2 + y3 is conserved");
            // SciPy's BDF at these tolerances: about 600 steps, 20 Jacobians.
            assertTrue(s.statistics().acceptedSteps() < 1200, "steps: " + stats);
            assertTrue(s.statistics().jacobianEvaluations() * 10 < s.statistics().acceptedSteps(),
                    "the Jacobian is kept over steps: " + stats);
            assertTrue(s.statistics().factorizations() < s.statistics().acceptedSteps(),
                    "the matrix is kept while the step size and order stay: " + stats);
            long high = r.stepsAtOrder()[3] + r.stepsAtOrder()[4] + r.stepsAtOrder()[5];
            assertTrue(high * 2 > s.statistics().acceptedSteps(), "most steps at orders 3 to 5: " + stats);
        }
    }

    @Test
    void robertsonToOneHundredBillion() {
        OdeProblem p = ProblemLibrary.robertson().withTimeSpan(0, 1e11);
        Solution reference = Ode.solve(p, Method.RADAU5, SolverOptions.defaults().withTolerances(
                new double[] {1e-11, 1e-11, 1e-11}, new double[] {1e-16, 1e-20, 1e-16}));
        Run r = run(p, ROBERTSON_TOLERANCES);
        Solution s = r.solution();
        String stats = s.statistics() + " orders " + Arrays.toString(r.stepsAtOrder());
        // y1 ~ 2e-8 and y2 ~ 8e-14 at the end are ruled by atol; SciPy's BDF is off by the same 7e-5 relative.
        for (int i = 0; i < 3; i++) {
            double bound = 1e-5 * Math.abs(reference.last()[i]) + 10 * ROBERTSON_TOLERANCES.tolerances(3).atol()[i];
            assertEquals(reference.last()[i], s.last()[i], bound, "component " + i + ", BDF " + stats);
        }
        assertTrue(s.last()[0] > 0 && s.last()[1] > 0, "y1, y2 stay positive: " + Arrays.toString(s.last()));
        assertTrue(s.statistics().acceptedSteps() < 2000, "steps grow with log(t), not t: " + stats);
    }

    @Test
    void vanDerPolStiff() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        for (OdeProblem p : new OdeProblem[] {vdp, vdp.withJacobian(null)}) {
            Run r = run(p, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
            Solution s = r.solution();
            String stats = s.statistics() + " orders " + Arrays.toString(r.stepsAtOrder());
            assertClose(new double[] {-1.5106069367440134, 0.0011783800007311074}, s.last(), 1e-5, "BDF " + stats);
            assertTrue(s.statistics().acceptedSteps() < 8000, "steps: " + stats);
            assertTrue(s.statistics().jacobianEvaluations() * 5 < s.statistics().acceptedSteps(), stats);
        }
    }

    /** The IVP test set's reference values of HIRES (Mazzia and Magherini), and Radau5 at 1e-12. */
    @Test
    void hiresAgainstPublishedValues() {
        double[] published = {0.7371312573325668e-3, 0.1442485726316185e-3, 0.5888729740967575e-4,
                0.1175651343283149e-2, 0.2386356198831331e-2, 0.6238968252742796e-2, 0.2849998395185769e-2,
                0.2850001604814231e-2};
        OdeProblem hires = ProblemLibrary.hires();
        Solution tight = Ode.solve(hires, Method.RADAU5, SolverOptions.defaults().withTolerances(1e-12, 1e-14));
        assertClose(published, tight.last(), 1e-8, "Radau5 at 1e-12 " + tight.statistics());
        Run r = run(hires, SolverOptions.defaults().withTolerances(1e-9, 1e-12));
        Solution s = r.solution();
        assertClose(published, s.last(), 1e-5, "BDF " + s.statistics() + " orders "
                + Arrays.toString(r.stepsAtOrder()));
    }

    @Test
    void brusselatorMethodOfLines() {
        Solution s = Ode.solve(ProblemLibrary.brusselator(20), Method.BDF,
                SolverOptions.defaults().withTolerances(1e-8, 1e-10));
        assertClose(new double[] {0.87765300972823, 3.1547039090605176, 0.7658928273836697, 3.2955488200910215,
                0.6712478470945635, 3.413643265487055}, Arrays.copyOf(s.last(), 6), 1e-5, "BDF " + s.statistics());
    }

    /** The Jacobian from Fluxion's AD (a tensor right-hand side) gives the analytic Jacobian's solution. */
    @Test
    void robertsonWithTheJacobianFromAutomaticDifferentiation() {
        TensorOde ode = TensorOde.of(RobertsonAdjointTest.ROBERTSON, Tensor.zeros(DType.FLOAT64, 3),
                Tensor.zeros(DType.FLOAT64, 3));
        Solution ad = Ode.solve(RobertsonAdjointTest.problem(ode), Method.BDF, ROBERTSON_TOLERANCES);
        Solution analytic = Ode.solve(ProblemLibrary.robertson(), Method.BDF, ROBERTSON_TOLERANCES);
        assertClose(analytic.last(), ad.last(), 1e-7, "AD Jacobian " + ad.statistics());
    }

    /** Save points ride on the interpolating polynomial, continuous across steps. */
    @Test
    void savePointsAndDenseOutput() {
        ExactProblems.Exact ex = ExactProblems.dampedRotation(4);
        double[] ts = {0.3, 1.1, 2.2, 3.7};
        Solution s = Ode.solve(ex.problem(), Method.BDF,
                SolverOptions.defaults().withTolerances(1e-9, 1e-11).withSaveAt(ts).withDense(true));
        for (int i = 0; i < ts.length; i++) {
            double e = ExactProblems.maxError(s.u()[i], ex.solution().apply(ts[i]));
            assertTrue(e < 1e-6, "t = " + ts[i] + ": error " + e);
        }
        DenseOutput dense = s.dense();
        for (int k = 1; k <= 400; k++) {
            double t = ex.problem().t1() * k / 401;
            double e = ExactProblems.maxError(dense.at(t), ex.solution().apply(t));
            assertTrue(e < 1e-6, "dense output at t = " + t + ": error " + e);
        }
    }

    /** Events are located on the interpolating polynomial: {@code x = sin t} crosses zero at multiples of pi. */
    @Test
    void eventsOnTheDenseOutput() {
        OdeProblem oscillator = OdeProblem.of((du, u, p, t) -> {
            du[0] = u[1];
            du[1] = -u[0];
        }, new double[] {0, 1}, 0, 10);
        Solution s = Ode.solve(oscillator, Method.BDF, SolverOptions.defaults().withTolerances(1e-10, 1e-12)
                .withEvents(Event.of("zero", (t, u) -> u[0])));
        assertEquals(3, s.events().size(), "crossings at pi, 2 pi, 3 pi: " + s.events());
        for (int k = 0; k < 3; k++) {
            assertEquals((k + 1) * Math.PI, s.events().get(k).t(), 1e-7, "crossing " + k);
        }
    }

    /** Van der Pol, mu = 10: forward sensitivities and both stable adjoints with BDF match finite differences. */
    @Test
    void sensitivitiesMatchFiniteDifferences() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(10, 5);
        double[] ts = {1, 2, 3, 4, 5};
        double[][] w = SensitivityTest.weights(ts.length, 2, 7);
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14).withSaveAt(ts);
        double[] reference = SensitivityTest.finiteDifferenceGradient(vdp, Method.RODAS4, tight, w);
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-10, 1e-12).withSaveAt(ts);
        Derivatives d = Derivatives.finiteDifferences(vdp.f(), vdp.jacobian());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
                SensitivityMethod.INTERPOLATING_ADJOINT, SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(vdp, d, Method.BDF, o, w, how);
            double err = SensitivityTest.normwiseError(SensitivityTest.concat(g), reference);
            assertTrue(err < 1e-4, how + ": error " + err + "\n  got      "
                    + Arrays.toString(SensitivityTest.concat(g)) + "\n  expected " + Arrays.toString(reference));
        }
    }

    /** The seed's stiff adjoint case with BDF: the interpolating and checkpointed adjoints match forward. */
    @Test
    void robertsonAdjointsMatchForwardSensitivities() {
        TensorOde ode = TensorOde.of(RobertsonAdjointTest.ROBERTSON, Tensor.zeros(DType.FLOAT64, 3),
                Tensor.zeros(DType.FLOAT64, 3)).compiled();
        OdeProblem rober = RobertsonAdjointTest.problem(ode);
        double[][] w = SensitivityTest.weights(RobertsonAdjointTest.SAVE_AT.length, 3, 5);
        Gradient forward = Sensitivity.gradient(ProblemLibrary.robertson(), RobertsonAdjointTest.ANALYTIC,
                Method.RADAU5, RobertsonAdjointTest.options(), w, SensitivityMethod.FORWARD);
        double[] reference = scaled(forward, rober.p());
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.FORWARD,
                SensitivityMethod.INTERPOLATING_ADJOINT, SensitivityMethod.CHECKPOINTED_ADJOINT}) {
            Gradient g = Sensitivity.gradient(rober, ode.derivatives(), Method.BDF, RobertsonAdjointTest.options(),
                    w, how, SolverOptions.defaults().withTolerances(1e-9, 1e-13));
            double[] got = scaled(g, rober.p());
            for (int k = 0; k < got.length; k++) {
                double rel = Math.abs(got[k] - reference[k]) / Math.abs(reference[k]);
                assertTrue(rel < 1e-4, how + ": component " + k + " relative error " + rel + "\n  got      "
                        + Arrays.toString(got) + "\n  Radau5 forward " + Arrays.toString(reference));
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

    /**
     * SciPy's BDF as a second reference on Robertson at the same tolerances: both solutions within their
     * tolerances of the tight one, and a comparable number of steps (same algorithm).
     */
    @Test
    void robertsonAgainstScipyBdf() {
        NumPyReference py = NumPyReference.require();
        double[] scipy = py.eval("(lambda s: np.concatenate([s.y[:, -1], [s.t.size - 1, s.nfev, s.njev, s.nlu]]))("
                + "__import__('scipy.integrate').integrate.solve_ivp(lambda t, y: [-0.04 * y[0] + 1e4 * y[1] * y[2], "
                + "0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2, 3e7 * y[1] ** 2], (0, 1e5), [1.0, 0.0, 0.0], "
                + "method='BDF', rtol=1e-8, atol=[1e-12, 1e-16, 1e-12], "
                + "jac=lambda t, y: [[-0.04, 1e4 * y[2], 1e4 * y[1]], [0.04, -6e7 * y[1] - 1e4 * y[2], -1e4 * y[1]], "
                + "[0, 6e7 * y[1], 0]]))").get(0).toDoubleArray();
        Solution s = Ode.solve(ProblemLibrary.robertson(), Method.BDF, ROBERTSON_TOLERANCES);
        double[] reference = {0.01786592114212759, 7.274751468447997e-08, 0.9821340061103551};
        assertClose(reference, Arrays.copyOf(scipy, 3), 1e-5, "SciPy's BDF");
        assertClose(Arrays.copyOf(scipy, 3), s.last(), 2e-5, "BDF vs SciPy's BDF " + s.statistics());
        double steps = s.statistics().acceptedSteps();
        assertTrue(steps < 1.5 * scipy[3] && steps > scipy[3] / 1.5, "BDF steps " + steps + " vs SciPy's "
                + scipy[3] + " (" + s.statistics() + ")");
    }
}
