package org.fluxion.jit.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.jit.ir.Equation;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@code (a @ b)^T} computed as {@code b^T @ a^T}: the same values, the product dense in the transposed layout. */
class TransposedProductsTest {
    private static final Tensor A = Tensor.randn(new SplittableRandom(1), DType.FLOAT32, 5, 3);
    private static final Tensor B = Tensor.randn(new SplittableRandom(2), DType.FLOAT32, 3, 4);

    @Test
    void transposeOfAProductIsTheProductOfTransposes() {
        Jitted<List<Tensor>, Tensor> f = Jit.jit((List<Tensor> a) -> a.get(0).matmul(a.get(1)).transpose().exp());
        Tensor expected = A.matmul(B).transpose().exp();
        Tensor actual = f.apply(List.of(A, B));
        assertArrayEquals(new int[] {4, 5}, actual.dims());
        assertTrue(expected.allClose(actual, 1e-6, 1e-6));
        List<Equation> products = f.graph(List.of(A, B)).equations().stream()
                .filter(e -> e.primitive().name().startsWith("matmul")).toList();
        assertEquals(1, products.size());
        assertArrayEquals(new int[] {4, 5}, products.getFirst().output().type().shape().dims(),
                "the product is computed as [4, 5], not transposed afterwards");
    }

    /** A product that another equation also reads stays as it is (its transpose would be computed twice). */
    @Test
    void aProductWithOtherReadersIsKept() {
        Jitted<List<Tensor>, Tensor> f = Jit.jit((List<Tensor> a) -> {
            Tensor p = a.get(0).matmul(a.get(1));
            return p.transpose().sum().add(p.sum());
        });
        assertEquals(A.matmul(B).sum().item() * 2, f.apply(List.of(A, B)).item(), 1e-4);
        assertArrayEquals(new int[] {5, 4}, f.graph(List.of(A, B)).equations().stream()
                .filter(e -> e.primitive().name().startsWith("matmul")).findFirst().orElseThrow().output().type().shape().dims());
    }

    /** The weight gradient of {@code x W^T}: compiled equals eager. */
    @Test
    void weightGradientOfALinearLayer() {
        Tensor w = Tensor.randn(new SplittableRandom(3), DType.FLOAT32, 4, 3);
        var grad = Functional.grad((Tensor v) -> A.matmul(v.transpose()).tanh().sum());
        assertTrue(grad.apply(w).allClose(Jit.jit(grad).apply(w), 1e-5, 1e-6));
    }
}
