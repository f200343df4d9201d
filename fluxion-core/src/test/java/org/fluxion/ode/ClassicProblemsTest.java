package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The non-stiff classics against tight references. The reference end states were computed independently,
 * with SciPy 1.10's {@code solve_ivp(method='DOP853', rtol=1e-13, atol=1e-15)} (agreeing to 5e-14 with
 * rtol 1e-14); they are data from another implementation, not this one's output.
 */
class ClassicProblemsTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("Lotka-Volterra", ProblemLibrary.lotkaVolterra(),
                        new double[] {1.0263447675750925, 0.9096910781361154}),
                Arguments.of("pendulum", ProblemLibrary.pendulum(),
                        new double[] {-0.9989498146238485, -0.04203337753422566}),
                Arguments.of("Van der Pol mu=1", ProblemLibrary.vanDerPol(1, 10),
                        new double[] {-2.0083407825797073, 0.032907065863326077}),
                Arguments.of("Lorenz to t=2", ProblemLibrary.lorenz(),
                        new double[] {-7.8760825499913345, -8.761621817314987, 24.99026099556472}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyAdaptiveMethodReachesTheReference(String name, OdeProblem problem, double[] reference) {
        for (Method m : new Method[] {Method.DP5, Method.TSIT5, Method.DOP853}) {
            double previous = Double.POSITIVE_INFINITY;
            for (double rtol : new double[] {1e-5, 1e-8, 1e-11}) {
                Solution s = Ode.solve(problem, m, SolverOptions.defaults().withTolerances(rtol, rtol * 1e-2));
                double err = relativeError(s.last(), reference);
                // Global error is the tolerance times the problem's error amplification (Lorenz's is ~1e3).
                double amplification = name.startsWith("Lorenz") ? 5e3 : 200;
                assertTrue(err < amplification * rtol, m + " on " + name + " at rtol " + rtol + ": relative error "
                        + err + " (" + s.statistics() + ")");
                assertTrue(err < previous || err < 1e-12, m + " on " + name + ": tighter tolerance, larger error "
                        + err + " >= " + previous);
                previous = err;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fixedStepRk4Converges(String name, OdeProblem problem, double[] reference) {
        Solution s = Ode.solve(problem, Method.RK4, SolverOptions.defaults().withFixedStep(1e-3));
        double err = relativeError(s.last(), reference);
        assertTrue(err < (name.startsWith("Lorenz") ? 1e-7 : 1e-10), "RK4 on " + name + ": relative error " + err);
    }

    static double relativeError(double[] u, double[] reference) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < u.length; i++) {
            num = Math.max(num, Math.abs(u[i] - reference[i]));
            den = Math.max(den, Math.abs(reference[i]));
        }
        return num / den;
    }
}
