package org.fluxion.autodiff;

import org.fluxion.jit.Tracing;
import org.fluxion.kernels.StridedCopy;
import org.fluxion.ops.Views;
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
        Tensor v = value.broadcastTo(target.shape()).to(target.dtype());
        if (v.storage() == target.storage()) {
            v = Views.copy(v); // the source must not change while it is read
        }
        StridedCopy.copy(v.storage().array(), v.offset(), Views.broadcastStrides(v, target.shape()), target.dims(),
                target.storage().array(), target.offset(), target.strides());
        target.storage().bumpVersion();
    }

    /** Computes {@code update} without recording it (the new value of an in-place op), then writes it. */
    public static void apply(String op, Tensor target, java.util.function.Supplier<Tensor> update) {
        Tracing.checkMutation(op, target, target);
        Tensor value;
        try (var scope = GradMode.noGrad()) {
            value = Autograd.detach(update.get());
        }
        write(op, target, value);
    }
}
