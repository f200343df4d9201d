package org.fluxion.autodiff;

import org.fluxion.ops.WriteCheck;
import org.fluxion.tensor.Tensor;

/**
 * Refuses an in-place write to a tensor tracked by reverse mode while grad mode is on: the write could not be
 * recorded, so gradients through it would be wrong. Under {@link GradMode#noGrad()} (an optimizer step) it
 * is allowed. Found by {@link org.fluxion.ops.InPlace} with {@link java.util.ServiceLoader}.
 */
public final class GradModeWriteCheck implements WriteCheck {
    @Override
    public void check(String op, Tensor target, Tensor value) {
        if (GradMode.isEnabled() && Autograd.requiresGrad(target)) {
            throw new IllegalStateException(op + ": tensor " + target.type() + " requires grad, so it cannot be "
                    + "modified in place while grad mode is on (use GradMode.noGrad() for optimizer steps)");
        }
    }
}
