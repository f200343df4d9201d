package org.fluxion.ops;

/**
 * An iterative algorithm (the QR iteration of {@code eigh}, the Jacobi sweeps of {@code svd}) reached its
 * iteration limit before converging, which happens only for pathological inputs; {@code info()} is what the
 * kernel reported (for {@code eigh}, the number of eigenvalues not found).
 */
public final class NoConvergenceException extends LinalgException {
    /**
     * @param batchIndex the failing matrix among the leading dimensions {@code batch}
     * @param info       the kernel's count of what did not converge
     */
    public NoConvergenceException(String operation, int[] batchIndex, int[] batch, int info) {
        super(operation, batchIndex, info, operation + ": " + element(batchIndex, batch) + " did not converge "
                + "within the iteration limit (info " + info + ")");
    }
}
