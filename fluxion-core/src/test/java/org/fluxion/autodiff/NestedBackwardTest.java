package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Function;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A backward pass started inside another one (a custom rule that calls {@code vjp} or {@code grad} on a
 * function of its tracked inputs) reaches nodes of the outer graph; it must leave the outer pass's state
 * of those nodes as it found them, and must not run or release them when no captured input lies beyond.
 */
class NestedBackwardTest {
    /** {@code prod(a, b) = a * b}, whose VJP for {@code a} is a nested vjp of {@code z -> z * b}. */
    private static final Function<Tensor[], Tensor> PROD = Functional.customVjp("nestedProd",
            in -> in[0].mul(in[1]),
            (g, in, out) -> {
                Functional.VjpResult r = Functional.vjp(z -> z.mul(in[1]), in[0]);
                return new Tensor[] {r.pullback().apply(g)[0], g.mul(in[0])};
            });

    /** The same product, its rule for {@code a} a nested {@code grad} (a walk that releases what it runs). */
    private static final Function<Tensor[], Tensor> PROD_BY_GRAD = Functional.customVjp("nestedProdByGrad",
            in -> in[0].mul(in[1]),
            (g, in, out) -> new Tensor[] {
                g.mul(Functional.grad(z -> z.mul(in[1]).sum()).apply(in[0])), g.mul(in[0])});

    @Test
    void nestedGradInARuleDoesNotReleaseTheOuterGraph() {
        double[] xs = {0.2, -1.4};
        Tensor x = Tensor.of(xs, xs.length).requiresGrad(true);
        Tensor a = x.cos();
        Tensor b = x.mul(x);
        PROD_BY_GRAD.apply(new Tensor[] {a, b}).sum().add(b.sum()).backward();
        // d/dx [cos x x^2 + x^2] = -sin x x^2 + 2x cos x + 2x
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            org.junit.jupiter.api.Assertions.assertEquals(-Math.sin(v) * v * v + 2 * v * Math.cos(v) + 2 * v,
                    x.grad().toDoubleArray()[i], 1e-12);
        }
    }

    @Test
    void nestedVjpInARuleKeepsTheOuterPass() {
        double[] xs = {0.3, -0.7, 1.1};
        Tensor x = Tensor.of(xs, xs.length).requiresGrad(true);
        Tensor a = x.sin();
        Tensor b = x.exp();
        // b's node is also consumed by b.sum(), so the outer pass has a cotangent pending at it when the
        // nested pass (inside PROD's rule) walks through it.
        Tensor loss = PROD.apply(new Tensor[] {a, b}).sum().add(a.sum()).add(b.sum());
        loss.backward();
        // d/dx [sin x e^x + sin x + e^x] = cos x e^x + sin x e^x + cos x + e^x
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            expected[i] = Math.cos(v) * Math.exp(v) + Math.sin(v) * Math.exp(v) + Math.cos(v) + Math.exp(v);
        }
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void nestedGradOfAFunctionalGradientKeepsTheOuterPass() {
        double[] xs = {0.4, 1.3};
        Tensor x = Tensor.of(xs, xs.length).requiresGrad(true);
        Tensor a = x.square();
        Tensor b = a.tanh();
        Tensor loss = PROD.apply(new Tensor[] {b, a}).sum().add(b.sum()).add(a.sum());
        Tensor g = Functional.grad(t -> {
            Tensor aa = t.square();
            Tensor bb = aa.tanh();
            return PROD.apply(new Tensor[] {bb, aa}).sum().add(bb.sum()).add(aa.sum());
        }).apply(Tensor.of(xs, xs.length));
        loss.backward();
        // d/dx [tanh(x^2) x^2 + tanh(x^2) + x^2] = 2x [sech^2(x^2) x^2 + tanh(x^2) + sech^2(x^2) + 1]
        double[] expected = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            double s = v * v;
            double sech2 = 1 - Math.tanh(s) * Math.tanh(s);
            expected[i] = 2 * v * (sech2 * s + Math.tanh(s) + sech2 + 1);
        }
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-12);
        assertArrayEquals(expected, g.toDoubleArray(), 1e-12);
    }
}
