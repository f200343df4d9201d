package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/** The mean over each channel's plane: {@code [N, C, H, W] -> [N, C]}. */
public final class GlobalAvgPool2d extends Module {
    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 4) {
            throw badInput("[N, C, H, W]", x);
        }
        return Functions.globalAvgPool2d(x);
    }

    @Override
    public String toString() {
        return "GlobalAvgPool2d";
    }
}
