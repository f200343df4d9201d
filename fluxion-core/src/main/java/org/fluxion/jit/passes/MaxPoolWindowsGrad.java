package org.fluxion.jit.passes;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.Pool2dKernels;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The gradient of max pooling routed by the window codes its forward recorded ({@link MaxPoolWindows}): inputs the
 * codes and {@code dy [N, C, OH, OW]}, output dx of {@code type} (the pooled input's), with the bits of
 * {@code maxPool2dGrad} (or, with {@code relu}, of {@link MaxPoolReluGrad}) over that input.
 */
record MaxPoolWindowsGrad(Pool2dOptions options, TensorType type, boolean relu) implements PlanStep {
    @Override
    public String name() {
        return relu ? "maxPool2dGrad_relu_windows" : "maxPool2dGrad_windows";
    }

    @Override
    public String rewrittenFrom() {
        return relu ? "maxPool2dGrad, gt and where" : "maxPool2dGrad";
    }

    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        Tensor codes = in[0].contiguous();
        Tensor dy = in[1].contiguous();
        Pool2dKernels.maxBackwardFromWindows(options.geometry(type.shape()), storage(codes).bytes(), codes.offset(),
                storage(dy).floats(), dy.offset(), buffer.floats(), 0, relu);
        return Tensor.wrap(buffer, type.shape());
    }
}
