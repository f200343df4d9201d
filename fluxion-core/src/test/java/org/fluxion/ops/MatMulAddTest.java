package org.fluxion.ops;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * {@link MatMulAdd} against {@code add(matmul(a, b), c)}: the same bits when the product is one depth block of
 * the GEMM, close otherwise; each broadcast form of c; cotangents of a transposed weight in its own layout;
 * errors naming the shapes. Its rules are checked against finite differences, jit and vmap by the conformance
 * suite ({@code PrimitiveSpecs}).
 */
class MatMulAddTest {
    private static Tensor randn(long seed, DType dtype, int... dims) {
        return Tensor.randn(new SplittableRandom(seed), dtype, dims);
    }

    @Test
    void sameBitsAsMatmulThenAddWithinOneDepthBlock() {
        Tensor a = randn(1, DType.FLOAT32, 70, 256);
        Tensor w = randn(2, DType.FLOAT32, 33, 256);
        for (Tensor c : new Tensor[] {randn(3, DType.FLOAT32, 33), randn(4, DType.FLOAT32, 1, 33),
            randn(5, DType.FLOAT32, 70, 1), randn(6, DType.FLOAT32, 70, 33), Tensor.scalar(0.25, DType.FLOAT32)}) {
            Tensor fused = Ops.bind(new MatMulAdd(), a, w.transpose(), c);
            Tensor unfused = a.matmul(w.transpose()).add(c);
            assertArrayEquals(unfused.toFloatArray(), fused.toFloatArray(), "c " + c.shape());
        }
    }

    @Test
    void closeToMatmulThenAddOverSeveralDepthBlocks() {
        Tensor a = randn(7, DType.FLOAT32, 40, 700);
        Tensor b = randn(8, DType.FLOAT32, 700, 20);
        Tensor c = randn(9, DType.FLOAT32, 20);
        Tensor fused = Ops.bind(new MatMulAdd(), a, b, c);
        assertTrue(fused.allClose(a.matmul(b).add(c), 1e-5, 1e-4), "k = 700: three depth blocks");
        Tensor a64 = a.to(DType.FLOAT64);
        Tensor b64 = b.to(DType.FLOAT64);
        Tensor c64 = c.to(DType.FLOAT64);
        assertTrue(Ops.bind(new MatMulAdd(), a64, b64, c64).allClose(a64.matmul(b64).add(c64), 1e-12, 1e-12),
                "float64");
    }

    @Test
    void theCotangentOfATransposedWeightKeepsItsLayout() {
        Tensor x = randn(10, DType.FLOAT32, 6, 4);
        Tensor w = randn(11, DType.FLOAT32, 5, 4).requiresGrad(true);
        Tensor bias = randn(12, DType.FLOAT32, 5).requiresGrad(true);
        Ops.bind(new MatMulAdd(), x, w.transpose(), bias).square().sum().backward();
        Tensor g = Ops.bind(new MatMulAdd(), x, w.transpose(), bias).mul(2);
        assertTrue(w.grad().isContiguous(), "a dense weight gradient");
        assertTrue(w.grad().allClose(g.transpose().matmul(x), 1e-5, 1e-5), "dW = g^T x");
        assertTrue(bias.grad().allClose(g.sum(new int[] {0}, false), 1e-5, 1e-5), "db = column sums of g");
    }

    /** {@link MatMul#intoWithBias} refuses a bias that is not a contiguous float32 row of y's width. */
    @Test
    void aBiasOfTheWrongWidthOrDtypeIsNamed() {
        Tensor a = randn(20, DType.FLOAT32, 3, 4);
        Tensor b = randn(21, DType.FLOAT32, 4, 5);
        Tensor y = Tensor.zeros(DType.FLOAT32, 3, 5);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> MatMul.intoWithBias(a, b, randn(22, DType.FLOAT32, 4), y)), "bias", "row of 5");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> MatMul.intoWithBias(a, b, randn(23, DType.FLOAT64, 5), y)), "bias", "float32");
    }

    @Test
    void errorsNameTheShapes() {
        Tensor a = randn(13, DType.FLOAT64, 3, 4);
        Tensor b = randn(14, DType.FLOAT64, 4, 5);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new MatMulAdd(), a, b, randn(15, DType.FLOAT64, 4))), "matmul_add", "[4]", "[3, 5]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new MatMulAdd(), a, a, randn(16, DType.FLOAT64, 5))), "matmul_add", "[3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Ops.bind(new MatMulAdd(), a, b, randn(17, DType.FLOAT32, 5))), "matmul_add", "float32");
    }

    @Test
    void gradientsOfBothLayoutsAgree() {
        Tensor x = randn(18, DType.FLOAT64, 3, 4);
        Tensor w = randn(19, DType.FLOAT64, 5, 4);
        Tensor c = randn(20, DType.FLOAT64, 5);
        Tensor[] fused = Functional.vjp(v -> Ops.bind(new MatMulAdd(), v[0], v[1].transpose(), v[2]),
                new Tensor[] {x, w, c}).pullback().apply(randn(21, DType.FLOAT64, 3, 5));
        Tensor[] unfused = Functional.vjp(v -> v[0].matmul(v[1].transpose()).add(v[2]),
                new Tensor[] {x, w, c}).pullback().apply(randn(21, DType.FLOAT64, 3, 5));
        for (int i = 0; i < 3; i++) {
            assertTrue(fused[i].allClose(unfused[i], 1e-12, 1e-12), "cotangent " + i);
        }
    }
}
