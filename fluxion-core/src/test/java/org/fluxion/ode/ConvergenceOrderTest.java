package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The order of every explicit method, observed on problems with exact solutions: the error at the end with
 * N and 2N equal steps must fall by at least about {@code 2^order} (a wrong coefficient drops the order; a
 * problem may show more before its asymptotic regime, DOP853 on the Riccati equation does). Adaptive methods run at a fixed step by giving
 * them tolerances that accept every step and a maximum step equal to the first. The dense output's order
 * is checked the same way at the middle of every step.
 */
class ConvergenceOrderTest {
    /** Each method with its order, its dense output's order, and a step count in its asymptotic range. */
    static Stream<Arguments> methods() {
        return Stream.of(
                Arguments.of(Method.EULER, 1, 1, 400),
                Arguments.of(Method.RK4, 4, 3, 40),
                Arguments.of(Method.DP5, 5, 4, 20),
                Arguments.of(Method.TSIT5, 5, 4, 20),
                Arguments.of(Method.DOP853, 8, 7, 8),
                Arguments.of(Method.ROSENBROCK23, 2, 2, 100),
                Arguments.of(Method.RODAS4, 4, 3, 40));
    }

    static List<ExactProblems.Exact> problems() {
        return List.of(ExactProblems.dampedRotation(4), ExactProblems.decay(4), ExactProblems.riccati(4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void orderOfTheSolution(Method method, int order, int denseOrder, int steps) {
        for (ExactProblems.Exact ex : problems()) {
            double coarse = endError(method, ex, steps);
            double fine = endError(method, ex, 2 * steps);
            double observed = Math.log(coarse / fine) / Math.log(2);
            assertTrue(observed > order - 0.3, method + " on " + ex.name()
                    + ": observed order " + observed + " (errors " + coarse + ", " + fine + "), expected at least " + order);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("methods")
    void orderOfTheDenseOutput(Method method, int order, int denseOrder, int steps) {
        for (ExactProblems.Exact ex : problems()) {
            double coarse = midpointError(method, ex, steps);
            double fine = midpointError(method, ex, 2 * steps);
            double observed = Math.log(coarse / fine) / Math.log(2);
            assertTrue(observed > denseOrder - 0.3, method + " dense output on " + ex.name() + ": observed order "
                    + observed + " (errors " + coarse + ", " + fine + "), expected at least " + denseOrder);
        }
    }

    static Solution fixedSteps(Method method, OdeProblem problem, int steps, SolverOptions extra) {
        double h = (problem.t1() - problem.t0()) / steps;
        SolverOptions o = method.adaptive()
                ? extra.withTolerances(1e6, 1e6).withInitialStep(h).withMaxStep(h)
                : extra.withFixedStep(h);
        Solution s = Ode.solve(problem, method, o);
        assertTrue(s.statistics().acceptedSteps() == steps && s.statistics().rejectedSteps() == 0,
                method + ": expected " + steps + " fixed steps, got " + s.statistics());
        return s;
    }

    private static double endError(Method method, ExactProblems.Exact ex, int steps) {
        Solution s = fixedSteps(method, ex.problem(), steps, SolverOptions.defaults());
        return ExactProblems.maxError(s.last(), ex.solution().apply(ex.problem().t1()));
    }

    private static double midpointError(Method method, ExactProblems.Exact ex, int steps) {
        Solution s = fixedSteps(method, ex.problem(), steps, SolverOptions.defaults().withDense(true));
        double h = (ex.problem().t1() - ex.problem().t0()) / steps;
        double worst = 0;
        for (int i = 0; i < steps; i++) {
            double t = ex.problem().t0() + (i + 0.5) * h;
            worst = Math.max(worst, ExactProblems.maxError(s.at(t), ex.solution().apply(t)));
        }
        return worst;
    }
}
