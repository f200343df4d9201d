package org.fluxion.nn;

import org.fluxion.tensor.DType;

/** {@link BatchNorm} of {@code [N, C]} or {@code [N, C, L]} inputs (statistics over N, or N and L). */
public final class BatchNorm1d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, affine, float32 (PyTorch's defaults). */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1, true, DType.FLOAT32);
    }

    public BatchNorm1d(int features, double eps, double momentum, boolean affine, DType dtype) {
        super(features, eps, momentum, affine, dtype);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String expectedShape() {
        return "[N, C] or [N, C, L]";
    }
}
