package org.fluxion.autodiff;

import static org.fluxion.autodiff.LinalgSpecs.positiveDefinite;
import static org.fluxion.autodiff.LinalgSpecs.wellConditioned;
import static org.fluxion.autodiff.PrimitiveSpecs.normal;

import java.util.Random;
import org.fluxion.linalg.Linalg;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The composite functions of {@link Linalg} (no rules of their own) against finite differences, first and
 * second order, forward and reverse: what they add to the primitives (vector right-hand sides, the two solves
 * of choleskySolve, masks and strided slices) must differentiate too.
 */
class LinalgGradientsTest {
    private static void check(String name, java.util.function.Function<Tensor[], Tensor> f, Tensor... xs) {
        GradCheck.check(name, f, xs, 1e-6, 2, 1);
    }

    @Test
    void partsDifferentiate() {
        Random r = new Random(1);
        check("tril", x -> Linalg.tril(x[0], 1).sin(), normal(r, 2, 3, 4));
        check("triu", x -> Linalg.triu(x[0], -1).sin(), normal(r, 3, 4));
        check("diagonal", x -> Linalg.diagonal(x[0], -1).square(), normal(r, 2, 4, 3));
        check("diagEmbed", x -> Linalg.diagEmbed(x[0]).matmul(x[1]), normal(r, 2, 3), normal(r, 3, 2));
        check("trace", x -> Linalg.trace(x[0].matmul(x[0])), normal(r, 3, 3));
    }

    @Test
    void solvesDifferentiate() {
        Random r = new Random(2);
        check("solve with a vector", x -> Linalg.solve(x[0], x[1]), wellConditioned(r, 3, 3), normal(r, 3));
        check("choleskySolve", x -> Linalg.choleskySolve(Linalg.cholesky(x[0]), x[1]),
                positiveDefinite(r, 2, 3, 3), normal(r, 3, 2));
        // The log-likelihood of a Gaussian: the pattern of Gaussian processes.
        check("gaussian log-likelihood", x -> {
            Tensor l = Linalg.cholesky(x[0]);
            Tensor alpha = Linalg.choleskySolve(l, x[1]);
            return x[1].mul(alpha).sum().add(Linalg.diagonal(l).log().sum().mul(2));
        }, positiveDefinite(r, 4, 4), normal(r, 4, 1));
    }

    @Test
    void normsAndLeastSquaresDifferentiate() {
        Random r = new Random(3);
        check("frobenius", x -> Linalg.matrixNorm(x[0]), normal(r, 2, 3, 4));
        check("nuclear", x -> Linalg.matrixNorm(x[0], "nuc", false), normal(r, 3, 4));
        check("spectral", x -> Linalg.matrixNorm(x[0], 2, true), normal(r, 2, 4, 3));
        check("smallest singular value", x -> Linalg.matrixNorm(x[0], -2, false), normal(r, 4, 3));
        check("1-norm", x -> Linalg.matrixNorm(x[0], 1, false), normal(r, 3, 3));
        check("vector 3-norm", x -> Linalg.vectorNorm(x[0], 3, false, -1), normal(r, 2, 5));
        check("vector inf-norm", x -> Linalg.vectorNorm(x[0], Double.POSITIVE_INFINITY, false), normal(r, 5));
        check("lstsq tall", x -> Linalg.lstsq(x[0], x[1]), normal(r, 5, 3), normal(r, 5, 2));
        check("lstsq wide", x -> Linalg.lstsq(x[0], x[1]), normal(r, 2, 4), normal(r, 2));
    }

    @Test
    void theNormOfZeroHasAZeroGradient() {
        Tensor zero = Tensor.zeros(org.fluxion.tensor.DType.FLOAT64, 3);
        Tensor g = Functional.vjp(x -> Linalg.vectorNorm(x[0]), new Tensor[] {zero}).pullback()
                .apply(Tensor.scalar(1, org.fluxion.tensor.DType.FLOAT64))[0];
        for (double v : g.toDoubleArray()) {
            org.junit.jupiter.api.Assertions.assertEquals(0, v);
        }
    }

    @Test
    void einsumDifferentiates() {
        Random r = new Random(4);
        check("einsum chain", x -> Linalg.einsum("ij,jk,kl->il", x[0], x[1], x[2]),
                normal(r, 2, 3), normal(r, 3, 4), normal(r, 4, 2));
        check("einsum diagonal and batch", x -> Linalg.einsum("bii,bij->bj", x[0], x[1]),
                normal(r, 2, 3, 3), normal(r, 2, 3, 2));
    }

    /** The composites traced by jit and batched by vmap equal their eager values per example. */
    @Test
    void compositesUnderJitAndVmap() {
        Random r = new Random(5);
        java.util.List<java.util.function.Function<Tensor[], Tensor>> fs = java.util.List.of(
                x -> Linalg.einsum("ji,jk->ik", x[0], x[1]),
                x -> Linalg.lstsq(x[0], x[1]),
                x -> Linalg.matrixNorm(x[0], "nuc", false).add(Linalg.matrixNorm(x[1], 2, false)),
                x -> Linalg.choleskySolve(Linalg.cholesky(x[0].matmul(Linalg.mT(x[0])).add(
                        Tensor.eye(4, 4, org.fluxion.tensor.DType.FLOAT64))), x[1]));
        for (int k = 0; k < fs.size(); k++) {
            var f = fs.get(k);
            Tensor[] a = {normal(r, 4, 3), normal(r, 4, 2)};
            Tensor[] b = {normal(r, 4, 3), normal(r, 4, 2)};
            if (k == 3) {
                a[0] = normal(r, 4, 4);
                b[0] = normal(r, 4, 4);
            }
            Tensor eager = f.apply(a);
            Tensor jitted = org.fluxion.jit.Jit.jit((java.util.List<Tensor> xs) -> f.apply(xs.toArray(Tensor[]::new)))
                    .apply(java.util.List.of(a));
            assertClose("composite " + k + " under jit", eager, jitted);
            Tensor batched = org.fluxion.transforms.Vmap.vmapN(x -> new Tensor[] {f.apply(x)}, new int[] {0, 0})
                    .apply(new Tensor[] {Tensor.stack(0, a[0], b[0]), Tensor.stack(0, a[1], b[1])})[0];
            assertClose("composite " + k + " under vmap", Tensor.stack(0, eager, f.apply(b)), batched);
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.dims(), actual.dims(), what);
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(e[i], a[i], 1e-10 * (1 + Math.abs(e[i])), what + " element " + i);
        }
    }
}
