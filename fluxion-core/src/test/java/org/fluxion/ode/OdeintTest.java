package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The differentiable solve: reverse mode by every sensitivity method and forward mode, against central
 * differences of tight solves; second order through the discrete (taped) solver; float32; errors.
 */
class OdeintTest {
    private static final double[] TIMES = {0, 1, 2.5, 5};
    private static final Tensor WEIGHTS = Tensor.of(new double[] {0.3, -1.2, 0.8, 0.5, -0.7, 1.1, 0.9, -0.4}, 4, 2);
    private static final Tensor U0 = Tensor.of(new double[] {1, 1}, 2);
    private static final Tensor P = Tensor.of(new double[] {1.5, 1, 3, 1}, 4);

    /** The loss {@code sum(W * ys)} of the trajectory. */
    static Tensor loss(Tensor u0, Tensor p, SensitivityMethod how, Method method, SolverOptions o) {
        TensorOde ode = TensorOdeTest.lotkaVolterra(u0.dtype());
        Tensor ys = Odeint.solve(ode, u0, new Tensor[] {p}, TIMES, method, o, how);
        return ys.mul(WEIGHTS.to(u0.dtype())).sum();
    }

    /** Central differences of the loss with tight DOP853 solves, in (u0, p). */
    static double[] reference() {
        double[] x = {1, 1, 1.5, 1, 3, 1};
        double[] grad = new double[6];
        SolverOptions tight = SolverOptions.defaults().withTolerances(1e-12, 1e-14);
        for (int k = 0; k < 6; k++) {
            double[] v = new double[2];
            for (int side = 0; side < 2; side++) {
                double[] y = x.clone();
                y[k] += (side == 0 ? 1 : -1) * 1e-5;
                v[side] = loss(Tensor.of(Arrays.copyOf(y, 2), 2), Tensor.of(Arrays.copyOfRange(y, 2, 6), 4),
                        SensitivityMethod.FORWARD, Method.DOP853, tight).item();
            }
            grad[k] = (v[0] - v[1]) / 2e-5;
        }
        return grad;
    }

    @Test
    void backwardThroughEverySensitivityMethod() {
        double[] expected = reference();
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-10, 1e-12);
        for (SensitivityMethod how : SensitivityMethod.values()) {
            Tensor u0 = U0.copy().requiresGrad(true);
            Tensor p = P.copy().requiresGrad(true);
            loss(u0, p, how, Method.DP5, o).backward();
            double[] got = new double[6];
            System.arraycopy(u0.grad().toDoubleArray(), 0, got, 0, 2);
            System.arraycopy(p.grad().toDoubleArray(), 0, got, 2, 4);
            double err = SensitivityTest.normwiseError(got, expected);
            assertTrue(err < 1e-6, how + ": error " + err + "\n  got      " + Arrays.toString(got) + "\n  expected "
                    + Arrays.toString(expected));
        }
    }

    /**
     * The discrete adjoint's reverse sweep gives the tape's gradient of the same computed solution (same steps,
     * save points interpolated inside steps), to rounding: a missed stage or weight would show at 1e-3.
     */
    @Test
    void discreteAdjointEqualsTheTapedSolversGradient() {
        for (Method method : new Method[] {Method.DP5, Method.TSIT5, Method.RK4}) {
            SolverOptions o = method.adaptive() ? SolverOptions.defaults().withTolerances(1e-6, 1e-8)
                    : SolverOptions.defaults().withFixedStep(0.15);
            double[][] grads = new double[2][6];
            SensitivityMethod[] hows = {SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT};
            for (int m = 0; m < 2; m++) {
                Tensor u0 = U0.copy().requiresGrad(true);
                Tensor p = P.copy().requiresGrad(true);
                loss(u0, p, hows[m], method, o).backward();
                System.arraycopy(u0.grad().toDoubleArray(), 0, grads[m], 0, 2);
                System.arraycopy(p.grad().toDoubleArray(), 0, grads[m], 2, 4);
            }
            double err = SensitivityTest.normwiseError(grads[1], grads[0]);
            assertTrue(err < 1e-10, method + ": discrete adjoint " + Arrays.toString(grads[1]) + ", tape "
                    + Arrays.toString(grads[0]) + " (error " + err + ")");
        }
    }

    /**
     * With a compiled field the discrete adjoint's stages keep the residuals of their evaluations and the reverse
     * sweep's VJPs read them ({@link SplitVjp}): the same gradient as the tape's, to rounding.
     */
    @Test
    void discreteAdjointOfACompiledFieldEqualsTheTapedSolversGradient() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-6, 1e-8);
        double[][] grads = new double[2][6];
        SensitivityMethod[] hows = {SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT};
        for (int m = 0; m < 2; m++) {
            Tensor u0 = U0.copy().requiresGrad(true);
            Tensor p = P.copy().requiresGrad(true);
            TensorOde ode = TensorOdeTest.lotkaVolterra(DType.FLOAT64).compiled();
            Odeint.solve(ode, u0, new Tensor[] {p}, TIMES, Method.DP5, o, hows[m]).mul(WEIGHTS).sum().backward();
            System.arraycopy(u0.grad().toDoubleArray(), 0, grads[m], 0, 2);
            System.arraycopy(p.grad().toDoubleArray(), 0, grads[m], 2, 4);
        }
        double err = SensitivityTest.normwiseError(grads[1], grads[0]);
        assertTrue(err < 1e-10, "discrete adjoint " + Arrays.toString(grads[1]) + ", tape " + Arrays.toString(grads[0])
                + " (error " + err + ")");
    }

    /**
     * A compiled field's discrete adjoint writes each solve's stages into the storages the sweep before gave back:
     * every call gives the same bits, a second reverse pass over one solve solves it again, and a field whose value
     * is one of its parameters (a storage the plan did not write) is never overwritten.
     */
    @Test
    void discreteAdjointRecyclesOnlyWhatItsPlansWrote() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-5, 1e-7);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        Tensor w = Tensor.randn(rng, DType.FLOAT32, 6, 6).mul(0.3);
        Tensor c = Tensor.randn(rng, DType.FLOAT32, 5, 6);
        TensorField mlp = (u, t, ps) -> u.matmul(ps[0]).tanh().add(ps[1]);
        TensorField constant = (u, t, ps) -> ps[1];
        for (TensorField field : new TensorField[] {mlp, constant}) {
            TensorOde ode = TensorOde.of(field, Tensor.zeros(DType.FLOAT32, 5, 6), w, c).compiled();
            double[][] grads = new double[4][];
            for (int call = 0; call < 3; call++) {
                Tensor u0 = Tensor.ones(DType.FLOAT32, 5, 6).requiresGrad(true);
                Tensor cw = c.copy().requiresGrad(true);
                Odeint.solve(ode, u0, new Tensor[] {w, cw}, new double[] {0, 0.4, 1}, Method.DP5, o,
                        SensitivityMethod.DISCRETE_ADJOINT).mul(weights5x6()).sum().backward();
                grads[call] = concat(u0.grad().toDoubleArray(), cw.grad().toDoubleArray());
            }
            for (int call = 1; call < 3; call++) {
                assertArrayEquals(grads[0], grads[call], 0, "call " + call);
            }
            Tensor u0 = Tensor.ones(DType.FLOAT32, 5, 6).requiresGrad(true);
            Tensor y = Odeint.solve(ode, u0, new Tensor[] {w, c}, new double[] {0, 0.4, 1}, Method.DP5, o,
                    SensitivityMethod.DISCRETE_ADJOINT).mul(weights5x6()).sum();
            Tensor first = org.fluxion.autodiff.Autograd.grad(y, new Tensor[] {u0}, null, true, false)[0];
            Tensor second = org.fluxion.autodiff.Autograd.grad(y, new Tensor[] {u0}, null, false, false)[0];
            assertArrayEquals(first.toDoubleArray(), second.toDoubleArray(), 0, "a second pass solves again");
            java.util.SplittableRandom again = new java.util.SplittableRandom(4);
            assertArrayEquals(Tensor.randn(again, DType.FLOAT32, 6, 6).mul(0.3).toDoubleArray(), w.toDoubleArray(), 0,
                    "a parameter is never written");
            assertArrayEquals(Tensor.randn(again, DType.FLOAT32, 5, 6).toDoubleArray(), c.toDoubleArray(), 0,
                    "a parameter returned as the value is never written");
        }
    }

    /**
     * A field whose state cotangent is the VJP's cotangent itself ({@code f = u + c}: the plan returns its input):
     * the discrete adjoint keeps a copy, not the buffer the next VJP overwrites, and agrees with the tape.
     */
    @Test
    void aVjpReturningItsCotangentIsCopied() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-6, 1e-8);
        Tensor c = Tensor.randn(new java.util.SplittableRandom(5), DType.FLOAT64, 5, 6);
        TensorOde ode = TensorOde.of((u, t, ps) -> u.add(ps[0]), Tensor.zeros(DType.FLOAT64, 5, 6), c).compiled();
        double[][] grads = new double[2][];
        SensitivityMethod[] hows = {SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT};
        for (int m = 0; m < 2; m++) {
            Tensor u0 = Tensor.ones(DType.FLOAT64, 5, 6).requiresGrad(true);
            Tensor cw = c.copy().requiresGrad(true);
            Odeint.solve(ode, u0, new Tensor[] {cw}, new double[] {0, 0.4, 1}, Method.DP5, o, hows[m])
                    .mul(weights5x6().to(DType.FLOAT64)).sum().backward();
            grads[m] = concat(u0.grad().toDoubleArray(), cw.grad().toDoubleArray());
        }
        double err = SensitivityTest.normwiseError(grads[1], grads[0]);
        assertTrue(err < 1e-10, "discrete adjoint against the tape: error " + err);
    }

    /** Weights [3, 5, 6] for a solve saved at three times. */
    private static Tensor weights5x6() {
        return Tensor.randn(new java.util.SplittableRandom(8), DType.FLOAT32, 3, 5, 6);
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void forwardModeIsADirectionalSensitivitySolve() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-10, 1e-12);
        double[] direction = {0.2, -0.5, 1.0, 0.3, -0.2, 0.7};
        double[] expected = reference();
        double dot = 0;
        for (int k = 0; k < 6; k++) {
            dot += expected[k] * direction[k];
        }
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                SensitivityMethod.DISCRETE}) {
            Function<Tensor[], Tensor> f = xs -> loss(xs[0], xs[1], how, Method.TSIT5, o);
            Tensor tangent = Functional.jvp(f, new Tensor[] {U0, P}, new Tensor[] {
                    Tensor.of(Arrays.copyOf(direction, 2), 2), Tensor.of(Arrays.copyOfRange(direction, 2, 6), 4)})
                    .tangent();
            assertEquals(dot, tangent.item(), 1e-6 * Math.abs(dot), how + ": J v");
        }
    }

    /** Reverse over reverse through the taped solver: the Hessian-vector product against differences of gradients. */
    @Test
    void secondOrderThroughTheDiscreteSolver() {
        SolverOptions o = SolverOptions.defaults().withFixedStep(0.05);
        Function<Tensor, Tensor> f = p -> loss(U0, p, SensitivityMethod.DISCRETE, Method.RK4, o);
        Tensor v = Tensor.of(new double[] {0.5, -1, 0.25, 2}, 4);
        Tensor hv = Functional.hvp(f, P, v);
        Function<Tensor, Tensor> g = Functional.grad(f);
        double eps = 1e-5;
        Tensor fd = g.apply(P.add(v.mul(eps))).sub(g.apply(P.sub(v.mul(eps)))).div(2 * eps);
        assertArrayEquals(fd.toDoubleArray(), hv.toDoubleArray(), 1e-6 * (1 + Arrays.stream(fd.toDoubleArray())
                .map(Math::abs).max().orElse(0)), "H v");
    }

    /**
     * A fixed-step discrete solve traces under jit (its steps are known, the Java loop unrolls into the graph):
     * the compiled gradient equals the eager one.
     */
    @Test
    void fixedStepDiscreteGradientUnderJit() {
        SolverOptions o = SolverOptions.defaults().withFixedStep(0.1);
        Function<Tensor, Tensor> grad = Functional.grad(p -> loss(U0, p, SensitivityMethod.DISCRETE, Method.RK4, o));
        var compiled = org.fluxion.jit.Jit.jit(grad);
        assertArrayEquals(grad.apply(P).toDoubleArray(), compiled.apply(P).toDoubleArray(), 1e-12);
        assertArrayEquals(grad.apply(P.mul(1.1)).toDoubleArray(), compiled.apply(P.mul(1.1)).toDoubleArray(), 1e-12,
                "the plan runs on new values");
        assertEquals(1, compiled.traceCount());
    }

    @Test
    void float32TrajectoriesAndGradients() {
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-6, 1e-8);
        for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                SensitivityMethod.DISCRETE}) {
            Tensor u0 = U0.to(DType.FLOAT32).requiresGrad(true);
            Tensor p = P.to(DType.FLOAT32).requiresGrad(true);
            Tensor l = loss(u0, p, how, Method.DP5, o);
            assertEquals(DType.FLOAT32, l.dtype());
            l.backward();
            assertEquals(DType.FLOAT32, p.grad().dtype(), how.name());
            assertArrayEquals(Arrays.copyOfRange(reference(), 2, 6), p.grad().toDoubleArray(), 2e-3, how.name());
        }
    }

    @Test
    void trajectoryStartsAtTheInitialStateWithTheTimesShape() {
        Tensor ys = Odeint.solve(TensorOdeTest.lotkaVolterra(DType.FLOAT64), U0, new Tensor[] {P}, TIMES, Method.DP5,
                SolverOptions.defaults(), SensitivityMethod.AUTO);
        assertArrayEquals(new int[] {4, 2}, ys.dims());
        assertArrayEquals(U0.toDoubleArray(), ys.select(0, 0).toDoubleArray(), 0);
    }

    @Test
    void discreteNeedsAnExplicitMethod() {
        var e = assertThrows(IllegalArgumentException.class, () -> Odeint.solve(TensorOdeTest.lotkaVolterra(
                DType.FLOAT64), U0, new Tensor[] {P}, TIMES, Method.RODAS4, SolverOptions.defaults(),
                SensitivityMethod.DISCRETE));
        assertTrue(e.getMessage().contains("not RODAS4"), e.getMessage());
    }
}
