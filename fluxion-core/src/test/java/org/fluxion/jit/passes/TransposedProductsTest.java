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

    /**
     * Attention's heads: {@code permute(q @ k^T, [0, 2, 1, 3])} and the like become one product writing the heads
     * interleaved, so the reshape that concatenates them is a view; the values are those of eager, float32 and
     * float64, the queries and keys strided views of one projection as a transformer's are.
     */
    @Test
    void attentionHeadsAreWrittenWhereTheirConcatenationWantsThem() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor qkv = Tensor.randn(new SplittableRandom(4), dtype, 2, 6, 3 * 3 * 5);
            Jitted<List<Tensor>, Tensor> f = Jit.jit((List<Tensor> a) -> {
                Tensor heads = a.get(0).reshape(2, 6, 3, 3, 5).permute(2, 0, 3, 1, 4);
                Tensor q = heads.slice(0, 0, 1).reshape(2, 3, 6, 5);
                Tensor k = heads.slice(0, 1, 2).reshape(2, 3, 6, 5);
                Tensor v = heads.slice(0, 2, 3).reshape(2, 3, 6, 5);
                Tensor scores = q.matmul(k.permute(0, 1, 3, 2)).softmax(-1);
                return scores.matmul(v).permute(0, 2, 1, 3).reshape(2, 6, 15).tanh();
            });
            Tensor heads = qkv.reshape(2, 6, 3, 3, 5).permute(2, 0, 3, 1, 4);
            Tensor q = heads.slice(0, 0, 1).reshape(2, 3, 6, 5);
            Tensor k = heads.slice(0, 1, 2).reshape(2, 3, 6, 5);
            Tensor v = heads.slice(0, 2, 3).reshape(2, 3, 6, 5);
            Tensor expected = q.matmul(k.permute(0, 1, 3, 2)).softmax(-1).matmul(v).permute(0, 2, 1, 3)
                    .reshape(2, 6, 15).tanh();
            Tensor actual = f.apply(List.of(qkv));
            assertArrayEquals(new int[] {2, 6, 15}, actual.dims());
            assertTrue(expected.allClose(actual, 1e-5, 1e-6), dtype + "\n" + expected + "\n" + actual);
            List<String> names = f.graph(List.of(qkv)).equations().stream().map(e -> e.primitive().name()).toList();
            assertEquals(1, names.stream().filter("matmul_heads"::equals).count(), names.toString());
        }
    }
}
