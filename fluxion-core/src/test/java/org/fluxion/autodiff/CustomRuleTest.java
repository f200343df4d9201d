package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** User-defined VJP/JVP rules: a stable log1pexp, gradient clipping, and adjoints of iterative solvers. */
class CustomRuleTest {
    private static Tensor v(double... values) {
        return Tensor.of(values, values.length);
    }

    /** log(1 + e^x) computed stably; derivative sigmoid(x), written with differentiable ops. */
    static final Function<Tensor[], Tensor> LOG1PEXP = Functional.custom("log1pexp",
            x -> x[0].relu().add(x[0].abs().neg().exp().log1p()),
            (g, in, y) -> new Tensor[] {g.mul(in[0].sigmoid())},
            (in, t, y) -> t[0].mul(in[0].sigmoid()));

    @Test
    void stableLog1pexpMatchesFiniteDifferencesWhereNaiveOverflows() {
        Tensor x = v(-800, -5, 0.3, 5, 800);
        Function<Tensor, Tensor> naive = t -> t.exp().log1p();
        double naiveGrad = Functional.grad((Tensor t) -> naive.apply(t).sum()).apply(x).get(4);
        assertFalse(Double.isFinite(naiveGrad), "the naive rule overflows at 800: " + naiveGrad);
        Tensor g = Functional.grad((Tensor t) -> LOG1PEXP.apply(new Tensor[] {t}).sum()).apply(x);
        double[] expected = {0, 1 / (1 + Math.exp(5)), 1 / (1 + Math.exp(-0.3)), 1 / (1 + Math.exp(-5)), 1};
        assertArrayEquals(expected, g.toDoubleArray(), 1e-15);
        assertEquals(800, LOG1PEXP.apply(new Tensor[] {x}).get(4), 0);
        // First and second order in both modes against finite differences, overflow range included.
        GradCheck.check("log1pexp", LOG1PEXP, new Tensor[] {x}, 1e-6, 2, 11);
        double s = 1 / (1 + Math.exp(-0.3));
        Function<Tensor, Tensor> d1 = Functional.grad((Tensor t) -> LOG1PEXP.apply(new Tensor[] {t}).sum());
        assertEquals(s * (1 - s), Functional.grad((Tensor t) -> d1.apply(t).sum()).apply(v(0.3)).item(), 1e-14);
        assertEquals("log1pexp", Autograd.gradFnName(LOG1PEXP.apply(new Tensor[] {v(1).requiresGrad(true)})));
    }

    @Test
    void clippingTheCotangentInTheBackwardPass() {
        Function<Tensor[], Tensor> clip = Functional.customVjp("clipGrad", x -> x[0],
                (g, in, y) -> new Tensor[] {g.clamp(-1, 1)});
        Tensor x = v(0.5, -2, 3).requiresGrad(true);
        Tensor y = clip.apply(new Tensor[] {x});
        assertArrayEquals(new double[] {0.5, -2, 3}, y.toDoubleArray(), 0); // identity forward
        y.mul(v(100, -0.25, -7)).sum().backward();
        assertArrayEquals(new double[] {1, -0.25, -1}, x.grad().toDoubleArray(), 0);
        // No JVP was given: forward mode says so.
        Exception e = assertThrows(UnsupportedOperationException.class,
                () -> Functional.jvp(t -> clip.apply(new Tensor[] {t}), v(1), v(1)));
        assertTrue(e.getMessage().contains("clipGrad") && e.getMessage().contains("JVP"), e.getMessage());
    }

    /** sqrt(a) by Newton's iteration x <- (x + a / x) / 2 until it stops changing: a data-dependent loop. */
    static final Function<Tensor[], Tensor> NEWTON_SQRT = Functional.custom("newtonSqrt",
            a -> {
                Tensor x = a[0].maximum(1);
                for (int it = 0; it < 200; it++) {
                    Tensor next = x.add(a[0].div(x)).mul(0.5);
                    double change = next.sub(x).abs().max().item();
                    x = next;
                    if (change == 0) {
                        break;
                    }
                }
                return x;
            },
            // Implicit function theorem on F(x, a) = x^2 - a = 0: dx/da = -F_a / F_x = 1 / (2x).
            (g, a, x) -> new Tensor[] {g.div(x.mul(2))},
            (a, t, x) -> t[0].div(x.mul(2)));

    @Test
    void adjointOfNewtonSqrtByTheImplicitFunctionTheorem() {
        Tensor a = v(0.5, 2, 9, 40);
        assertArrayEquals(a.sqrt().toDoubleArray(), NEWTON_SQRT.apply(new Tensor[] {a}).toDoubleArray(), 1e-15);
        GradCheck.check("newtonSqrt", NEWTON_SQRT, new Tensor[] {a}, 1e-6, 2, 12);
        // Second derivative -1/(4 a^{3/2}) by grad of grad: the rule uses the output, itself differentiable.
        Function<Tensor, Tensor> d1 = Functional.grad((Tensor t) -> NEWTON_SQRT.apply(new Tensor[] {t}).sum());
        assertEquals(-1 / (4 * Math.pow(2, 1.5)), Functional.grad((Tensor t) -> d1.apply(t).sum()).apply(v(2)).item(),
                1e-12);
    }

    /** Solves A x = b (b: [n, k]) by Jacobi iteration; A must be diagonally dominant. */
    static Tensor jacobi(Tensor a, Tensor b) {
        int n = a.dim(0);
        Tensor eye = Tensor.eye(n, n, a.dtype());
        Tensor d = a.mul(eye).sum(new int[] {1}, true);
        Tensor r = a.sub(a.mul(eye));
        Tensor x = b.div(d);
        for (int it = 0; it < 1000; it++) {
            Tensor next = b.sub(r.matmul(x)).div(d);
            double change = next.sub(x).abs().max().item();
            x = next;
            if (change <= 1e-16 * (1 + x.abs().max().item())) {
                break;
            }
        }
        return x;
    }

    /**
     * x = A^-1 b by iteration. Adjoint (implicit function theorem on A x - b = 0): with
     * {@code l = A^-T g}, {@code gb = l} and {@code gA = -l x^T}; tangent {@code A^-1 (tb - tA x)}. Both
     * call the solver itself, so they are differentiable again.
     */
    static final Function<Tensor[], Tensor> SOLVE = new Function<>() {
        private final Function<Tensor[], Tensor> self = Functional.custom("jacobiSolve",
                ab -> jacobi(ab[0], ab[1]),
                (g, ab, x) -> {
                    Tensor l = apply(new Tensor[] {ab[0].transpose(), g});
                    return new Tensor[] {l.matmul(x.transpose()).neg(), l};
                },
                (ab, t, x) -> apply(new Tensor[] {ab[0], t[1].sub(t[0].matmul(x))}));

        @Override
        public Tensor apply(Tensor[] ab) {
            return self.apply(ab);
        }
    };

    @Test
    void adjointOfAnIterativeLinearSolve() {
        Tensor a = Tensor.of(new double[] {4, 1, -0.5, 0.3, 5, 1, -1, 0.2, 3}, 3, 3);
        Tensor b = Tensor.of(new double[] {1, 2, -1, 0.5, 3, 0}, 3, 2);
        Tensor x = SOLVE.apply(new Tensor[] {a, b});
        assertArrayEquals(b.toDoubleArray(), a.matmul(x).toDoubleArray(), 1e-13);
        GradCheck.check("jacobiSolve", SOLVE, new Tensor[] {a, b}, 1e-6, 2, 13);
    }

    @Test
    void badRules() {
        Function<Tensor[], Tensor> wrongCount = Functional.customVjp("wrong", x -> x[0].mul(2),
                (g, in, y) -> new Tensor[] {g, g});
        Exception e = assertThrows(IllegalStateException.class,
                () -> Functional.grad((Tensor t) -> wrongCount.apply(new Tensor[] {t}).sum()).apply(v(1, 2)));
        assertTrue(e.getMessage().contains("one cotangent per input"), e.getMessage());
        Function<Tensor[], Tensor> onlyJvp = Functional.customJvp("fwdOnly", x -> x[0].mul(2),
                (in, t, y) -> t[0].mul(2));
        assertEquals(2, Functional.jvp(t -> onlyJvp.apply(new Tensor[] {t}), v(1), v(1)).tangent().item());
        assertThrows(UnsupportedOperationException.class,
                () -> Functional.grad((Tensor t) -> onlyJvp.apply(new Tensor[] {t}).sum()).apply(v(1)));
        assertEquals(DType.FLOAT64, onlyJvp.apply(new Tensor[] {v(1)}).dtype());
    }
}
