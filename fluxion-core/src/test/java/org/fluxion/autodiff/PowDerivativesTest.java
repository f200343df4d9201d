package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Derivatives of {@code a^b} where the textbook partials are {@code 0 * inf}: at {@code a = 0} the base's
 * partial of {@code a^0} and the exponent's partial {@code y log a} are 0 (PyTorch's convention), in
 * every order and mode.
 */
class PowDerivativesTest {
    private static Tensor f64(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void baseDerivativeOfThePowerZeroIsZeroAtZero() {
        // d/da a^0 = 0 everywhere; the formula b a^(b-1) gives 0 * inf at a = 0
        assertArrayEquals(new double[] {0, 0}, Functional.grad((Tensor a) -> a.pow(0.0).sum())
                .apply(f64(0, 2)).toDoubleArray(), 0);
    }

    @Test
    void exponentDerivativeAtABaseOfZeroIsZero() {
        // d/db 0^b = 0 for b > 0 (0^b is constant); y log a would be 0 * (-inf)
        Tensor a = f64(0, 2);
        assertArrayEquals(new double[] {0, 4 * Math.log(2)}, Functional.grad((Tensor b) -> a.pow(b).sum())
                .apply(f64(0.5, 2)).toDoubleArray(), 1e-12);
        Tensor[] both = Functional.valueAndGrad((Tensor[] ab) -> ab[0].pow(ab[1]).sum(), 0, 1)
                .apply(new Tensor[] {f64(0), f64(2)}).grads();
        assertArrayEquals(new double[] {0}, both[0].toDoubleArray(), 0, "d/da 2a at 0");
        assertArrayEquals(new double[] {0}, both[1].toDoubleArray(), 0, "d/db a^b at a = 0");
    }

    @Test
    void mixedSecondDerivativeAtAnExponentOfZeroIsOneOverTheBase() {
        // d/db (b a^(b-1)) = a^(b-1) (1 + b log a) = 1/a at b = 0: masking d/da where b == 0 alone loses it
        Function<Tensor, Tensor> dyda = b -> Functional.grad((Tensor a) -> a.pow(b).sum()).apply(f64(1.5, 0.5));
        Tensor b = f64(0, 0);
        Function<Tensor, Tensor> mixed = c -> dyda.apply(c).sum();
        assertArrayEquals(new double[] {1 / 1.5, 1 / 0.5}, Functional.grad(mixed).apply(b).toDoubleArray(), 1e-12,
                "eager");
        assertArrayEquals(new double[] {1 / 1.5, 1 / 0.5}, Jit.jit(Functional.grad(mixed)).apply(b).toDoubleArray(),
                1e-12, "jit");
    }

    @Test
    void secondDerivativesOfASquareAtZeroAreFiniteInEveryMode() {
        // sum(a^2): Hessian 2 I, also at a = 0, where third-order terms of the rule meet 0 * 0^(-1)
        Function<Tensor, Tensor> f = a -> a.pow(2.0).sum();
        Tensor x = f64(0, 0.5);
        Tensor v = f64(0.3, -0.2);
        double[] expected = {0.6, -0.4};
        assertArrayEquals(expected, Functional.hvp(f, x, v).toDoubleArray(), 1e-12, "eager");
        assertArrayEquals(expected, Jit.jit((Tensor y) -> Functional.hvp(f, y, v)).apply(x).toDoubleArray(),
                1e-12, "jit(hvp)");
        assertArrayEquals(expected, Functional.hvp(Jit.jit(f), x, v).toDoubleArray(), 1e-12, "hvp(jit)");
        assertArrayEquals(new double[] {2, 0, 0, 2}, Jit.jit(Functional.hessian(f)).apply(x).toDoubleArray(),
                1e-12, "jit(hessian)");
    }
}
