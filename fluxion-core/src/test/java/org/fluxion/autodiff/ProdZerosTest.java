package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.function.Function;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The prod rule where the input has zeros: {@code d prod(x) / d x_i = prod_{j != i} x_j}, which
 * {@code y / x} gets wrong (0/0). Checked by value, and against finite differences (exact here: a
 * product is multilinear) to second order in both modes.
 */
class ProdZerosTest {
    private static Tensor v(double... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void gradientByZeroCount() {
        Function<Tensor, Tensor> grad = Functional.grad(Tensor::prod);
        assertArrayEquals(new double[] {0.5, 2, 1}, grad.apply(v(2, 0.5, 1)).toDoubleArray(), 1e-15);
        assertArrayEquals(new double[] {0, 6, 0}, grad.apply(v(2, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(new double[] {0, 0, 0}, grad.apply(v(0, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(new double[] {0, 0, 0}, grad.apply(v(0, 0, 0)).toDoubleArray(), 0);
        // Forward mode: the tangent is sum_i t_i prod_{j != i} x_j.
        assertArrayEquals(new double[] {6}, Functional.jvp(Tensor::prod, v(2, 0, 3), v(1, 1, 1)).tangent()
                .reshape(1).toDoubleArray(), 0);
    }

    @Test
    void hessianByZeroCount() {
        // H_ij = prod_{k != i, j} x_k off the diagonal, 0 on it.
        double[] one = {0, 3, 0, 3, 0, 2, 0, 2, 0};
        double[] two = {0, 3, 0, 3, 0, 0, 0, 0, 0};
        double[] three = new double[9];
        assertArrayEquals(one, Functional.hessian(Tensor::prod).apply(v(2, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(one, Functional.jacobian(Functional.grad(Tensor::prod)).apply(v(2, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(two, Functional.hessian(Tensor::prod).apply(v(0, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(two, Functional.jacobian(Functional.grad(Tensor::prod)).apply(v(0, 0, 3)).toDoubleArray(), 0);
        assertArrayEquals(three, Functional.hessian(Tensor::prod).apply(v(0, 0, 0)).toDoubleArray(), 0);
    }

    @Test
    void secondOrderAgainstFiniteDifferencesAlongAxes() {
        // Rows with 0, 1, 2 and 3 zeros, reduced along axis 1 and along axis 0.
        Tensor x = Tensor.of(new double[] {
            0.7, -1.2, 0.9, 1.3,
            0.8, 0, -1.1, 0.6,
            0, 1.4, 0, 0.5,
            0, 0, 0, -0.9}, 4, 4);
        GradCheck.check("prod axis 1 with zeros", xs -> xs[0].prod(new int[] {1}, false), new Tensor[] {x}, 1e-6, 2, 7);
        GradCheck.check("prod axis 0 with zeros", xs -> xs[0].prod(new int[] {0}, true), new Tensor[] {x}, 1e-6, 2, 8);
        GradCheck.check("prod of all", xs -> xs[0].slice(0, 0, 2).prod(), new Tensor[] {x}, 1e-6, 2, 9);
    }
}
