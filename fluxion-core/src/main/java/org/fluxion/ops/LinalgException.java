package org.fluxion.ops;

import java.util.Arrays;

/**
 * A linear-algebra operation met a matrix it cannot handle: {@link SingularMatrixException} (a solve or an
 * inverse of a singular matrix), {@link NotPositiveDefiniteException} (a Cholesky factorization),
 * {@link NoConvergenceException} (an iterative eigenvalue or singular value algorithm). The
 * message names the operation, the batch element that failed and the shape of the batch; the same facts are
 * available as values, for code that recovers (the {@code *Ex} functions return them as an info tensor
 * instead of throwing).
 */
public abstract sealed class LinalgException extends ArithmeticException
        permits SingularMatrixException, NotPositiveDefiniteException, NoConvergenceException {
    private final String operation;
    private final int[] batchIndex;
    private final int info;

    LinalgException(String operation, int[] batchIndex, int info, String message) {
        super(message);
        this.operation = operation;
        this.batchIndex = batchIndex.clone();
        this.info = info;
    }

    /** The operation that failed, e.g. {@code solve}. */
    public String operation() {
        return operation;
    }

    /** The index of the failing matrix among the leading (batch) dimensions; empty for a single matrix. */
    public int[] batchIndex() {
        return batchIndex.clone();
    }

    /**
     * LAPACK's {@code info}, 1-based: the pivot {@code U[info-1, info-1]} that is zero, or the order of the
     * leading minor that is not positive definite.
     */
    public int info() {
        return info;
    }

    /** {@code "batch element [1, 0] of the batch [2, 3]"}, or {@code "the matrix"} without batch dimensions. */
    static String element(int[] index, int[] batch) {
        return index.length == 0 ? "the matrix" : "batch element " + Arrays.toString(index) + " of the batch "
                + Arrays.toString(batch);
    }
}
