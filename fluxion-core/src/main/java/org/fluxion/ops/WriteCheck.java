package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/**
 * Service interface: a transformation's refusal of an in-place write it could not honour (autodiff: a tensor
 * that requires grad while grad mode is on, whose write could not be recorded; jit: any write while a
 * function is traced, which would happen once at trace time instead of on every call). The transformations
 * live in layers above this one, so {@link InPlace} finds them with {@link java.util.ServiceLoader}
 * (fluxion-core's {@code META-INF/services/org.fluxion.ops.WriteCheck}). Not for users.
 */
public interface WriteCheck {
    /**
     * Throws {@link IllegalStateException}, naming {@code op} and the tensor, when writing {@code value} into
     * {@code target} in place is not allowed now.
     */
    void check(String op, Tensor target, Tensor value);
}
