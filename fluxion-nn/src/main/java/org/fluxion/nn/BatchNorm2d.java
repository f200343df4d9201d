package org.fluxion.nn;

import org.fluxion.tensor.DType;

/** {@link BatchNorm} of {@code [N, C, H, W]} inputs (statistics over N, H and W per channel). */
public final class BatchNorm2d extends BatchNorm {
    /** eps 1e-5, momentum 0.1, affine, float32 (PyTorch's defaults). */
    public BatchNorm2d(int channels) {
        this(channels, 1e-5, 0.1, true, DType.FLOAT32);
    }

    public BatchNorm2d(int channels, double eps, double momentum, boolean affine, DType dtype) {
        super(channels, eps, momentum, affine, dtype);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    String expectedShape() {
        return "[N, C, H, W]";
    }
}
