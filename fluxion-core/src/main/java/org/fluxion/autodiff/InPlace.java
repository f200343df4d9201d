package org.fluxion.autodiff;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.jit.ir.Tracing;
import org.fluxion.kernels.StridedCopy;
import org.fluxion.ops.Views;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * In-place writes, for optimizer steps and buffers. They bump the storage version, so a tensor saved for
 * backward and then overwritten is reported when backward reaches it. They are refused on a tensor that
 * is tracked by reverse mode while grad mode is on: the write could not be recorded.
 */
public final class InPlace {
    private InPlace() {
    }

    /**
     * Writes {@code value} (broadcast to {@code target}'s shape, converted to its dtype) into the elements of
     * {@code target}.
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when {@code value} does not
     *                                  broadcast to {@code target}'s shape
     */
    public static void write(String op, Tensor target, Tensor value) {
        Tracing.checkMutation(op, target, value);
        if (GradMode.isEnabled() && Autograd.requiresGrad(target)) {
            throw new IllegalStateException(op + ": tensor " + target.type() + " requires grad, so it cannot be "
                    + "modified in place while grad mode is on (use GradMode.noGrad() for optimizer steps)");
        }
        for (int d = 0; d < target.rank(); d++) {
            if (target.stride(d) == 0 && target.dim(d) > 1) {
                throw new IllegalArgumentException(op + ": tensor " + target.shape() + " is a broadcast view (stride 0 "
                        + "on axis " + d + "); writing to it in place would write one element many times");
            }
        }
        if (!value.shape().broadcastsTo(target.shape())) {
            throw new IllegalArgumentException(op + ": a value of shape " + value.shape() + " cannot be written "
                    + "into the tensor of shape " + target.shape() + " in place (it must broadcast to the "
                    + "destination's shape, which an in-place operation cannot change)");
        }
        Tensor v = value.broadcastTo(target.shape()).to(target.dtype());
        if (storage(v) == storage(target)) {
            v = Views.copy(v); // the source must not change while it is read
        }
        StridedCopy.copy(storage(v).array(), v.offset(), Views.broadcastStrides(v, target.shape()), target.dims(),
                storage(target).array(), target.offset(), target.strides());
        storage(target).bumpVersion();
    }

    /**
     * Computes {@code update} without recording it (the new value of an in-place op), then writes it. As in
     * PyTorch, the value's type must be storable in the target's ({@link DType#canCast}): an int32 tensor
     * plus 0.7 is float32, and writing it back would silently truncate.
     *
     * @throws IllegalArgumentException naming {@code op} and both types when the result type cannot be
     *                                  stored in the target
     */
    public static void apply(String op, Tensor target, java.util.function.Supplier<Tensor> update) {
        Tracing.checkMutation(op, target, target);
        Tensor value;
        try (var scope = GradMode.noGrad()) {
            value = Autograd.detach(update.get());
        }
        if (!DType.canCast(value.dtype(), target.dtype())) {
            throw new IllegalArgumentException(op + ": the result type " + value.dtype().label() + " cannot be "
                    + "stored in the " + target.type() + " tensor being modified in place (" + castProblem(value.dtype())
                    + "); use the out-of-place operation, or convert the tensor first with to(DType."
                    + value.dtype() + ")");
        }
        write(op, target, value);
    }

    private static String castProblem(DType from) {
        return from.isFloatingPoint() ? "a floating-point result would be truncated" : "a number is not a bool";
    }
}
