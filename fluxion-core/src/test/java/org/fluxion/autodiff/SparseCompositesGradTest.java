package org.fluxion.autodiff;

import java.util.List;
import java.util.Random;
import org.fluxion.sparse.CooMatrix;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.sparse.SparseMatrix;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The sparse matrices' composite operations (built on SparseMatMul, SampledDot and differentiable gathers of
 * the values) against finite differences, forward and reverse, first and second order, with respect to the
 * values and the dense operands.
 */
class SparseCompositesGradTest {
    private static final long[] ROWS = {3, 0, 4, 3, 1, 4, 0};
    private static final long[] COLS = {1, 2, 0, 1, 3, 3, 0};

    private static Tensor normal(Random r, int... dims) {
        return GradCheck.randnLike(Tensor.zeros(DType.FLOAT64, dims), r);
    }

    @Test
    void selectionConcatenationScalingAndProductsMatchFiniteDifferences() {
        // x[0]: values [7], x[1]: dense [4, 2], x[2]: column scale [4], x[3]: dense [3, 4]
        GradCheck.check("sparse composites", x -> {
            CooMatrix coo = CooMatrix.of(ROWS.clone(), COLS.clone(), x[0], 5, 4);
            SparseMatrix scaled = coo.mul(x[2].sin());
            CsrMatrix csr = coo.coalesce().toCsr();
            CsrMatrix batch = CsrMatrix.concat(0, List.of(csr.selectRows(4, 0, 4), csr.sliceRows(1, 3)));
            Tensor a = batch.matmul(x[1].tanh());
            Tensor b = scaled.transposeMatmul(scaled.matmul(x[1]));
            Tensor c = CooMatrix.concat(1, List.of(coo, coo.mul(2))).denseMatmulTranspose(Tensor.concat(1, x[3], x[3]));
            return Tensor.concat(0, List.of(a.reshape(-1), b.reshape(-1).square(), c.reshape(-1),
                    coo.sum(0), coo.sum(1).exp(), coo.toDense().reshape(-1)));
        }, new Tensor[] {normal(new Random(1), 7), normal(new Random(2), 4, 2), normal(new Random(3), 4),
                normal(new Random(4), 3, 4)}, 1e-6, 2, 1);
    }

    @Test
    void fromDenseIsDifferentiableAtTheNonZeros() {
        // About half the entries are zero; the mask keeps them zero under the finite differences' steps, so
        // the structure does not change within a check.
        Tensor x0 = normal(new Random(5), 3, 4).relu();
        Tensor mask = x0.ne(0).to(DType.FLOAT64);
        GradCheck.check("fromDense", x -> CsrMatrix.fromDense(x[0].mul(mask))
                .matmul(x[1]).square(), new Tensor[] {x0, normal(new Random(6), 4, 2)}, 1e-6, 2, 2);
    }
}
