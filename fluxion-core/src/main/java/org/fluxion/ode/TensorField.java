package org.fluxion.ode;

import org.fluxion.tensor.Tensor;

/**
 * A right-hand side {@code du/dt = f(u, t, params)} written with tensor operations — any of Fluxion's
 * differentiable operations, a neural network's apply — so that its Jacobians and vector-Jacobian products
 * come from Fluxion's automatic differentiation. Solve it through {@link TensorOde}.
 *
 * <p>Shapes: {@code u} has the state's shape (any rank), {@code t} is a 0-dimensional tensor of the state's
 * dtype, {@code params} the parameter tensors in the order given to {@link TensorOde}; the result has
 * {@code u}'s shape. It must be a pure function of its arguments (captured tensors are constants).
 */
@FunctionalInterface
public interface TensorField {
    /** {@code du/dt} at {@code (u, t)}. */
    Tensor apply(Tensor u, Tensor t, Tensor[] params);
}
