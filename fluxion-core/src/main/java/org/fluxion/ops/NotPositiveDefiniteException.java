package org.fluxion.ops;

/**
 * A matrix given to a Cholesky factorization is not (numerically) symmetric positive definite: its leading
 * minor of order {@code info()} is not positive, i.e. the pivot {@code A[k,k] - sum_j L[k,j]^2} with
 * {@code k = info() - 1} is zero, negative or NaN.
 */
public final class NotPositiveDefiniteException extends LinalgException {
    /**
     * @param batchIndex the failing matrix among the leading dimensions {@code batch}
     * @param info       the order of the leading minor that is not positive definite
     */
    public NotPositiveDefiniteException(String operation, int[] batchIndex, int[] batch, int info) {
        super(operation, batchIndex, info, operation + ": " + element(batchIndex, batch) + " is not positive "
                + "definite: its leading minor of order " + info + " is not positive (pivot " + (info - 1) + ")");
    }
}
