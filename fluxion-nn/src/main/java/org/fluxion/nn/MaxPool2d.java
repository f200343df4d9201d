package org.fluxion.nn;

import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.Tensor;

/** Max pooling: {@code [N, C, H, W] -> [N, C, H', W']}; padding counts as -infinity. */
public final class MaxPool2d extends Module {
    private final Pool2dOptions options;

    /** @throws IllegalArgumentException if a window or stride is below 1, or the padding outside [0, window / 2] */
    public MaxPool2d(Pool2dOptions options) {
        this.options = LayerArguments.pool("MaxPool2d", options);
    }

    /** A {@code kernel x kernel} window with stride {@code kernel}: {@code new MaxPool2d(2)} halves H and W. */
    public MaxPool2d(int kernel) {
        this(Pool2dOptions.of(kernel));
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 4) {
            throw badInput("[N, C, H, W]", x);
        }
        return Convolutions.maxPool2d(x, options);
    }

    public Pool2dOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "MaxPool2d " + options.kernelH() + "x" + options.kernelW();
    }
}
