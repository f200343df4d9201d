package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The stiff classics with the Rosenbrock methods, against references computed independently with SciPy
 * 1.10's {@code solve_ivp(method='Radau', rtol=1e-12)} (Van der Pol, Robertson; agreeing with rtol 1e-11 and
 * 1e-13 to 2e-12) and {@code method='BDF'} and {@code 'Radau'} at rtol 1e-12 for the Brusselator (agreeing
 * to 1e-10). Each with the analytic Jacobian and with finite differences.
 */
class StiffSolversTest {
    private static final double[] VDP_1000 = {-1.5106069367440134, 0.0011783800007311074};
    private static final double[] ROBERTSON = {0.01786592114212759, 7.274751468447997e-08, 0.9821340061103551};
    /** The first three grid points (u, v) of the Brusselator with N = 20 at t = 10. */
    private static final double[] BRUSSELATOR = {0.87765300972823, 3.1547039090605176, 0.7658928273836697,
            3.2955488200910215, 0.6712478470945635, 3.413643265487055};

    @Test
    void vanDerPolStiff() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        for (OdeProblem p : new OdeProblem[] {vdp, vdp.withJacobian(null)}) {
            Solution s = Ode.solve(p, Method.RODAS4, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
            assertClose(VDP_1000, s.last(), 2e-5, "Rodas4 (" + jacobianKind(p) + ") " + s.statistics());
            assertTrue(s.statistics().acceptedSteps() < 8000, "Rodas4 steps: " + s.statistics());
            Solution r = Ode.solve(p, Method.ROSENBROCK23, SolverOptions.defaults().withTolerances(1e-6, 1e-8));
            assertClose(VDP_1000, r.last(), 2e-3, "Rosenbrock23 (" + jacobianKind(p) + ") " + r.statistics());
        }
    }

    @Test
    void robertsonToOneHundredThousand() {
        OdeProblem rober = ProblemLibrary.robertson();
        for (OdeProblem p : new OdeProblem[] {rober, rober.withJacobian(null)}) {
            SolverOptions o = SolverOptions.defaults().withTolerances(new double[] {1e-8, 1e-8, 1e-8},
                    new double[] {1e-12, 1e-16, 1e-12});
            Solution s = Ode.solve(p, Method.RODAS4, o);
            assertClose(ROBERTSON, s.last(), 1e-5, "Rodas4 (" + jacobianKind(p) + ") " + s.statistics());
            double mass = s.last()[0] + s.last()[1] + s.last()[2];
            assertEquals(1.0, mass, 1e-10, "y1 + y2 + y3 is conserved");
            Solution r = Ode.solve(p, Method.ROSENBROCK23, SolverOptions.defaults().withTolerances(
                    new double[] {1e-6, 1e-6, 1e-6}, new double[] {1e-10, 1e-14, 1e-10}));
            assertClose(ROBERTSON, r.last(), 1e-3, "Rosenbrock23 (" + jacobianKind(p) + ") " + r.statistics());
        }
    }

    @Test
    void brusselatorMethodOfLines() {
        OdeProblem bruss = ProblemLibrary.brusselator(20);
        Solution s = Ode.solve(bruss, Method.RODAS4, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
        double[] head = java.util.Arrays.copyOf(s.last(), 6);
        assertClose(BRUSSELATOR, head, 1e-6, "Rodas4 " + s.statistics());
        assertEquals(40 * s.statistics().jacobianEvaluations() + 2 + 5 * attempts(s) + s.statistics().acceptedSteps()
                - 1, s.statistics().rhsEvaluations(), "finite-difference Jacobians cost n = 40 evaluations each");
    }

    /** The work counted: one Jacobian per accepted step (kept over rejections), one LU per attempt. */
    @Test
    void statisticsOfRodas4() {
        Solution s = Ode.solve(ProblemLibrary.vanDerPol(1000, 3000), Method.RODAS4,
                SolverOptions.defaults().withTolerances(1e-6, 1e-8));
        Statistics st = s.statistics();
        assertEquals(st.acceptedSteps(), st.jacobianEvaluations());
        assertEquals(attempts(s), st.factorizations());
        assertEquals(6 * attempts(s), st.linearSolves());
        // f(u0) and Hairer's trial, 5 evaluations per attempt, f at each new start point.
        assertEquals(2 + 5 * attempts(s) + st.acceptedSteps() - 1, st.rhsEvaluations());
        assertTrue(st.rejectedSteps() > 0, "the fast transitions force rejections: " + st);
    }

    /** An explicit method on a stiff problem runs into the budget; the message says to use a stiff method. */
    @Test
    void explicitMethodOnStiffProblemHitsTheBudget() {
        OdeSolveException e = org.junit.jupiter.api.Assertions.assertThrows(OdeSolveException.class,
                () -> Ode.solve(ProblemLibrary.robertson(), Method.DP5, SolverOptions.defaults()
                        .withBudget(20_000, 10_000_000)));
        assertTrue(e.getMessage().contains("stiff method"), e.getMessage());
    }

    private static long attempts(Solution s) {
        return s.statistics().acceptedSteps() + s.statistics().rejectedSteps();
    }

    private static String jacobianKind(OdeProblem p) {
        return p.jacobian() == null ? "finite-difference Jacobian" : "analytic Jacobian";
    }

    /** Each component within {@code rtol} relative (of the component's own size). */
    static void assertClose(double[] expected, double[] actual, double rtol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double rel = Math.abs(actual[i] - expected[i]) / Math.abs(expected[i]);
            assertTrue(rel < rtol, what + ": component " + i + " = " + actual[i] + ", reference " + expected[i]
                    + " (relative error " + rel + ")");
        }
    }
}
