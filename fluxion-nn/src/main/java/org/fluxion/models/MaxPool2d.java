package org.fluxion.models;

import org.fluxion.nn.LayerArguments;
import org.fluxion.nn.LayerInputException;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.Tensor;

/**
 * Max pooling, {@code [N, C, H, W] -> [N, C, H', W']}; padding counts as -infinity.
 *
 * @param options windows, strides, padding
 */
public record MaxPool2d(Pool2dOptions options) implements Layer {
    public MaxPool2d {
        LayerArguments.pool("MaxPool2d", options);
    }

    /** A {@code kernel x kernel} window with stride {@code kernel}: {@code MaxPool2d.of(2)} halves H and W. */
    public static MaxPool2d of(int kernel) {
        return new MaxPool2d(Pool2dOptions.of(kernel));
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        if (x.rank() != 4) {
            throw new LayerInputException(toString(), "expected input [N, C, H, W], got " + x.shape());
        }
        return new Applied(Convolutions.maxPool2d(x, options), this);
    }

    @Override
    public String toString() {
        return "MaxPool2d " + options.kernelH() + "x" + options.kernelW();
    }
}
