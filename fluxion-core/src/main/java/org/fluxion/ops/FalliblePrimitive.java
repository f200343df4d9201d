package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A linear-algebra primitive that can fail on some matrices of a batch (a singular matrix, one that is not
 * positive definite). Its kernel reports each matrix's LAPACK {@code info} instead of throwing, which
 * {@link WithInfo} turns into an output, for code that must not throw inside a loop ({@code torch.linalg.*_ex});
 * {@link #compute(TensorType, Tensor...)} throws on the first failure instead.
 */
public sealed interface FalliblePrimitive extends LinalgPrimitive permits Solve, Cholesky, Inverse {
    /**
     * Computes the output, writing each matrix's info into {@code info} (one per batch element, row-major; 0
     * for success); the output of a failed matrix is NaN.
     */
    Tensor compute(TensorType out, int[] info, Tensor... inputs);

    /** The exception for batch element {@code index} (of {@code batch}) that reported {@code info}. */
    LinalgException failure(int[] index, int[] batch, int info);

    /** The output, or the exception of the first matrix that failed. */
    @Override
    default Tensor compute(TensorType out, Tensor... inputs) {
        org.fluxion.tensor.Shape batch = MatrixBatch.batchOf(out.shape(), 2);
        int[] info = new int[batch.size()];
        Tensor y = compute(out, info, inputs);
        int bad = MatrixBatch.firstFailure(info);
        if (bad >= 0) {
            throw failure(MatrixBatch.index(batch, bad), batch.dims(), info[bad]);
        }
        return y;
    }
}
