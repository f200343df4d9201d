package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The adaptive discrete solve under {@code jit} ({@link TracedRungeKutta}): one traced loop whose steps are
 * decided when the plan runs. It must compute what the eager taped solve computes (same steps, same save-time
 * interpolation), and its reverse mode the same discrete gradient, in {@code grad(jit(f))} and
 * {@code jit(grad(f))}; against central differences of tight solves; with a step budget, unreached saves are NaN.
 */
class TracedDiscreteSolveTest {
    private static final double[] TIMES = {0, 0.3, 1, 2.5, 5};
    private static final Tensor U0 = Tensor.of(new double[] {1, 1}, 2);
    private static final Tensor P = Tensor.of(new double[] {1.5, 1, 3, 1}, 4);

    private static Tensor trajectory(Tensor u0, Tensor p, Method method, SolverOptions o) {
        return trajectory(u0, p, method, o, SensitivityMethod.DISCRETE);
    }

    private static Tensor trajectory(Tensor u0, Tensor p, Method method, SolverOptions o, SensitivityMethod how) {
        return Odeint.solve(TensorOdeTest.lotkaVolterra(u0.dtype()), u0, new Tensor[] {p}, TIMES, method, o, how);
    }

    /** {@code sum(W * ys)}, W fixed. */
    private static Tensor loss(Tensor p, Method method, SolverOptions o) {
        return loss(p, method, o, SensitivityMethod.DISCRETE);
    }

    private static Tensor loss(Tensor p, Method method, SolverOptions o, SensitivityMethod how) {
        Tensor ys = trajectory(U0.to(p.dtype()), p, method, o, how);
        Tensor w = Tensor.arange(ys.size()).to(p.dtype()).mul(0.37).sin().reshape(ys.dims());
        return ys.mul(w).sum();
    }

    private static double relative(double[] got, double[] expected) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < got.length; i++) {
            num = Math.max(num, Math.abs(got[i] - expected[i]));
            den = Math.max(den, Math.abs(expected[i]));
        }
        return num / Math.max(den, 1e-300);
    }

    @Test
    void compiledAdaptiveSolveTakesTheEagerSolvesSteps() {
        for (Method method : new Method[] {Method.DP5, Method.TSIT5}) {
            SolverOptions o = SolverOptions.defaults().withTolerances(1e-6, 1e-8);
            Jitted<Tensor, Tensor> compiled = Jit.jit(p -> trajectory(U0, p, method, o));
            for (Tensor p : new Tensor[] {P, P.mul(1.1)}) {
                double[] eager = trajectory(U0, p, method, o).toDoubleArray();
                double[] jit = compiled.apply(p).toDoubleArray();
                assertTrue(relative(jit, eager) < 1e-12, method + ": jit " + Arrays.toString(jit) + "\n eager "
                        + Arrays.toString(eager));
            }
            assertEquals(1, compiled.traceCount(), "one trace serves new parameter values");
        }
    }

    @Test
    void gradientThroughTheTracedLoopIsTheTapedSolversGradient() {
        for (Method method : new Method[] {Method.DP5, Method.TSIT5}) {
            SolverOptions o = SolverOptions.defaults().withTolerances(1e-7, 1e-9);
            Function<Tensor, Tensor> grad = Functional.grad(p -> loss(p, method, o));
            double[] eager = grad.apply(P).toDoubleArray();
            double[] gradOfJit = Functional.grad(Jit.jit((Tensor p) -> loss(p, method, o))).apply(P).toDoubleArray();
            double[] jitOfGrad = Jit.jit(grad).apply(P).toDoubleArray();
            assertTrue(relative(gradOfJit, eager) < 1e-10, method + " grad(jit): " + Arrays.toString(gradOfJit)
                    + " eager " + Arrays.toString(eager));
            assertTrue(relative(jitOfGrad, eager) < 1e-10, method + " jit(grad): " + Arrays.toString(jitOfGrad)
                    + " eager " + Arrays.toString(eager));
        }
    }

    /** The discrete gradient of a tight solve is the derivative of the solution: central differences agree. */
    @Test
    void compiledGradientMatchesCentralDifferences() {
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-10, 1e-12);
        double[] got = Jit.jit(Functional.grad((Tensor p) -> loss(p, Method.DP5, tight))).apply(P).toDoubleArray();
        double[] fd = new double[4];
        for (int k = 0; k < 4; k++) {
            double[] plus = P.toDoubleArray();
            double[] minus = P.toDoubleArray();
            plus[k] += 1e-5;
            minus[k] -= 1e-5;
            fd[k] = (loss(Tensor.of(plus, 4), Method.DOP853, tight, SensitivityMethod.FORWARD).item()
                    - loss(Tensor.of(minus, 4), Method.DOP853, tight, SensitivityMethod.FORWARD).item()) / 2e-5;
        }
        assertTrue(relative(got, fd) < 1e-6, "jit " + Arrays.toString(got) + " vs differences " + Arrays.toString(fd));
    }

    @Test
    void float32UnderJit() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-5, 1e-7);
        Tensor p32 = P.to(DType.FLOAT32);
        Tensor ys = Jit.jit((Tensor p) -> trajectory(U0.to(DType.FLOAT32), p, Method.DP5, o)).apply(p32);
        assertEquals(DType.FLOAT32, ys.dtype());
        double[] eager = trajectory(U0.to(DType.FLOAT32), p32, Method.DP5, o).toDoubleArray();
        assertTrue(relative(ys.toDoubleArray(), eager) < 1e-5);
    }

    @Test
    void savesBeyondTheStepBudgetAreNaN() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-8, 1e-10).withBudget(20, Long.MAX_VALUE);
        double[] ys = Jit.jit((Tensor p) -> trajectory(U0, p, Method.DP5, o)).apply(P).toDoubleArray();
        assertEquals(U0.toDoubleArray()[0], ys[0], 0, "the initial state is saved");
        assertTrue(Double.isNaN(ys[ys.length - 1]), "t = 5 is not reached in 20 tries: " + Arrays.toString(ys));
        assertFalse(Double.isNaN(ys[2]), "t = 0.3 is reached: " + Arrays.toString(ys));
    }
}
