package org.fluxion.ops;

/**
 * A matrix to solve with or invert is singular: in its LU factorization with partial pivoting the pivot
 * {@code U[k, k]}, {@code k = info() - 1}, is exactly zero (or, for a triangular matrix, its diagonal
 * entry {@code k} is). Matrices that are merely ill-conditioned are not detected, as in LAPACK.
 */
public final class SingularMatrixException extends LinalgException {
    /**
     * @param batchIndex the failing matrix among the leading dimensions {@code batch}
     * @param info       1-based index of the zero pivot
     */
    public SingularMatrixException(String operation, int[] batchIndex, int[] batch, int info) {
        super(operation, batchIndex, info, operation + ": " + element(batchIndex, batch) + " is singular: "
                + "U[" + (info - 1) + ", " + (info - 1) + "] is exactly zero (pivot " + info + ")");
    }
}
