package org.fluxion.nn;

import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.Tensor;

/** Average pooling: {@code [N, C, H, W] -> [N, C, H', W']}; with {@code countIncludePad}, padding counts as zeros in the divisor. */
public final class AvgPool2d extends Module {
    private final Pool2dOptions options;

    /** @throws IllegalArgumentException if a window or stride is below 1, or the padding outside [0, window / 2] */
    public AvgPool2d(Pool2dOptions options) {
        this.options = LayerArguments.pool("AvgPool2d", options);
    }

    /** A {@code kernel x kernel} window with stride {@code kernel}: {@code new AvgPool2d(2)} halves H and W. */
    public AvgPool2d(int kernel) {
        this(Pool2dOptions.of(kernel));
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 4) {
            throw badInput("[N, C, H, W]", x);
        }
        return Convolutions.avgPool2d(x, options);
    }

    public Pool2dOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "AvgPool2d " + options.kernelH() + "x" + options.kernelW();
    }
}
