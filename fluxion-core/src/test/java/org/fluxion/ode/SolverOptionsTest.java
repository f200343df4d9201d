package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Save points, per-component tolerances, budgets, statistics, backward solves and the errors. */
class SolverOptionsTest {
    @Test
    void savePointsAreInterpolatedAtExactlyTheRequestedTimes() {
        ExactProblems.Exact ex = ExactProblems.dampedRotation(5);
        double[] at = {0, 0.3, 1, 2.5, 4.99, 5};
        Solution s = Ode.solve(ex.problem(), Method.DP5,
                SolverOptions.defaults().withTolerances(1e-10, 1e-12).withSaveAt(at));
        assertArrayEquals(at, s.t(), 0);
        for (int i = 0; i < at.length; i++) {
            assertArrayEquals(ex.solution().apply(at[i]), s.u()[i], 1e-8, "t = " + at[i]);
        }
        assertTrue(s.statistics().acceptedSteps() > at.length, "save points do not shorten steps");
    }

    @Test
    void denseOutputAgreesWithSavedPointsAndTheExactSolution() {
        ExactProblems.Exact ex = ExactProblems.riccati(6);
        Solution s = Ode.solve(ex.problem(), Method.TSIT5,
                SolverOptions.defaults().withTolerances(1e-10, 1e-12).withDense(true));
        for (int i = 0; i < s.points(); i++) {
            assertArrayEquals(s.u()[i], s.at(s.t()[i]), 1e-12, "dense output at step " + i);
        }
        for (double t = 0; t <= 6; t += 0.37) {
            assertArrayEquals(ex.solution().apply(t), s.at(t), 1e-8, "t = " + t);
        }
        assertThrows(IllegalArgumentException.class, () -> s.at(7.0));
    }

    /** Two identical decays, one with a tolerance 10^4 tighter: its error must be much smaller. */
    @Test
    void perComponentTolerancesWeightTheErrorControl() {
        OdeProblem twin = OdeProblem.of((du, u, p, t) -> {
            du[0] = -u[0] + Math.sin(t);
            du[1] = -u[1] + Math.sin(t);
        }, new double[] {1, 1}, 0, 10);
        double exact = exactForced(10);
        Solution loose = Ode.solve(twin, Method.DP5,
                SolverOptions.defaults().withTolerances(new double[] {1e-4, 1e-4}, new double[] {1e-6, 1e-6}));
        Solution mixed = Ode.solve(twin, Method.DP5,
                SolverOptions.defaults().withTolerances(new double[] {1e-4, 1e-8}, new double[] {1e-6, 1e-10}));
        double errLoose = Math.abs(loose.last()[0] - exact);
        double errTight = Math.abs(mixed.last()[1] - exact);
        assertTrue(errTight < errLoose / 100, "tight component " + errTight + " vs loose " + errLoose);
        assertTrue(mixed.statistics().acceptedSteps() > loose.statistics().acceptedSteps());
    }

    /**
     * An infinite atol leaves a component out of the error control: a fast oscillation riding along as a
     * second component then changes no step, and the steps equal those of the first component alone.
     */
    @Test
    void infiniteAtolExcludesAComponentFromErrorControl() {
        OdeProblem alone = OdeProblem.of((du, u, p, t) -> du[0] = -u[0] + Math.sin(t), new double[] {1}, 0, 10);
        OdeProblem withQuadrature = OdeProblem.of((du, u, p, t) -> {
            du[0] = -u[0] + Math.sin(t);
            du[1] = Math.cos(50 * t);
        }, new double[] {1, 0}, 0, 10);
        for (Method m : new Method[] {Method.DP5, Method.DOP853, Method.RODAS4, Method.RADAU5, Method.BDF,
                Method.AUTO_TSIT5_RODAS4}) {
            Solution one = Ode.solve(alone, m, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
            Solution two = Ode.solve(withQuadrature, m, SolverOptions.defaults().withTolerances(
                    new double[] {1e-8, 1e-8}, new double[] {1e-10, Double.POSITIVE_INFINITY}));
            assertArrayEquals(one.t(), two.t(), 0, m + ": the same steps");
            Solution controlled = Ode.solve(withQuadrature, m, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
            assertTrue(controlled.points() > two.points(), m + ": controlling the oscillation takes more steps");
        }
    }

    /** {@code u' = -u + sin t}, {@code u(0) = 1}: {@code u = 1.5 e^{-t} + (sin t - cos t) / 2}. */
    private static double exactForced(double t) {
        return 1.5 * Math.exp(-t) + 0.5 * (Math.sin(t) - Math.cos(t));
    }

    @Test
    void statisticsCountEveryRhsEvaluation() {
        int[] calls = {0};
        OdeProblem counted = OdeProblem.of((du, u, p, t) -> {
            calls[0]++;
            du[0] = u[1];
            du[1] = (1 - u[0] * u[0]) * u[1] - u[0];
        }, new double[] {2, 0}, 0, 20);
        Solution s = Ode.solve(counted, Method.DP5, SolverOptions.defaults().withTolerances(1e-8, 1e-10));
        Statistics st = s.statistics();
        assertEquals(calls[0], st.rhsEvaluations());
        // f(u0) and Hairer's trial step, then 6 new stages per attempt (FSAL).
        assertEquals(2 + 6 * (st.acceptedSteps() + st.rejectedSteps()), st.rhsEvaluations());
        assertEquals(s.points(), st.acceptedSteps() + 1, "every step saved, plus t0");
    }

    @Test
    void budgetsStopTheSolveWithAClearError() {
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        OdeSolveException steps = assertThrows(OdeSolveException.class,
                () -> Ode.solve(vdp, Method.DP5, SolverOptions.defaults().withBudget(500, 1_000_000)));
        assertEquals(OdeSolveException.Reason.STEP_BUDGET, steps.reason());
        assertTrue(steps.getMessage().contains("budget of 500 steps"), steps.getMessage());
        assertTrue(steps.getMessage().contains("stiff"), steps.getMessage());
        assertEquals(500, steps.statistics().acceptedSteps() + steps.statistics().rejectedSteps());
        OdeSolveException rhs = assertThrows(OdeSolveException.class,
                () -> Ode.solve(vdp, Method.DP5, SolverOptions.defaults().withBudget(1_000_000, 1000)));
        assertEquals(OdeSolveException.Reason.RHS_BUDGET, rhs.reason());
        assertTrue(rhs.getMessage().contains("1000 RHS evaluations"), rhs.getMessage());
        assertTrue(rhs.statistics().rhsEvaluations() <= 1000 + 6, "stops within one step of the budget");
    }

    /** {@code u' = u^2}, {@code u(0) = 1} blows up at t = 1. */
    @Test
    void blowUpEndsWithStepSizeUnderflowNearTheSingularity() {
        OdeProblem blowUp = OdeProblem.of((du, u, p, t) -> du[0] = u[0] * u[0], new double[] {1}, 0, 2);
        OdeSolveException e = assertThrows(OdeSolveException.class, () -> Ode.solve(blowUp, Method.DP5));
        assertTrue(e.reason() == OdeSolveException.Reason.STEP_SIZE_UNDERFLOW
                || e.reason() == OdeSolveException.Reason.NON_FINITE, e.reason() + ": " + e.getMessage());
        assertEquals(1.0, e.time(), 1e-3, e.getMessage());
    }

    @Test
    void backwardSolveRetracesTheForwardOne() {
        ExactProblems.Exact ex = ExactProblems.riccati(3);
        OdeProblem back = ex.problem().withInitialState(ex.solution().apply(3)).withTimeSpan(3, 0);
        for (Method m : new Method[] {Method.DP5, Method.TSIT5, Method.DOP853}) {
            Solution s = Ode.solve(back, m, SolverOptions.defaults().withTolerances(1e-10, 1e-12));
            assertArrayEquals(ex.solution().apply(0), s.last(), 1e-8, m.name());
            assertEquals(0, s.t()[s.t().length - 1], 0);
        }
        Solution rk4 = Ode.solve(back, Method.RK4, SolverOptions.defaults().withFixedStep(0.01));
        assertArrayEquals(ex.solution().apply(0), rk4.last(), 1e-9, "RK4 backwards");
    }

    @Test
    void invalidOptionsNameWhatIsWrong() {
        OdeProblem decay = ExactProblems.decay(1).problem();
        var noStep = assertThrows(IllegalArgumentException.class, () -> Ode.solve(decay, Method.RK4));
        assertTrue(noStep.getMessage().contains("withFixedStep"), noStep.getMessage());
        var outside = assertThrows(IllegalArgumentException.class,
                () -> Ode.solve(decay, Method.DP5, SolverOptions.defaults().withSaveAt(0.5, 2)));
        assertTrue(outside.getMessage().contains("saveAt[1] = 2.0"), outside.getMessage());
        var order = assertThrows(IllegalArgumentException.class,
                () -> Ode.solve(decay, Method.DP5, SolverOptions.defaults().withSaveAt(0.5, 0.2)));
        assertTrue(order.getMessage().contains("ordered"), order.getMessage());
        var tolerances = assertThrows(IllegalArgumentException.class, () -> Ode.solve(decay, Method.DP5,
                SolverOptions.defaults().withTolerances(new double[] {1e-6, 1e-6}, new double[] {1e-9, 1e-9})));
        assertTrue(tolerances.getMessage().contains("2 per-component rtol values for a state of length 1"),
                tolerances.getMessage());
        var nan = assertThrows(IllegalArgumentException.class,
                () -> OdeProblem.of((du, u, p, t) -> { }, new double[] {Double.NaN}, 0, 1));
        assertTrue(nan.getMessage().contains("u0[0] = NaN"), nan.getMessage());
    }

    @Test
    void nanFromTheRightHandSideIsReportedWithTheTime() {
        OdeProblem poisoned = OdeProblem.of((du, u, p, t) -> du[0] = t > 0.5 ? Double.NaN : -u[0],
                new double[] {1}, 0, 1);
        OdeSolveException e = assertThrows(OdeSolveException.class, () -> Ode.solve(poisoned, Method.TSIT5));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(0.5, e.time(), 0.05, e.getMessage());
    }
}
