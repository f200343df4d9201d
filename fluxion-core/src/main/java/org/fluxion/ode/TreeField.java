package org.fluxion.ode;

import org.fluxion.tensor.Tensor;

/**
 * A right-hand side whose state is a tree of tensors (a list, map or record of them: positions and velocities,
 * a model's several state tensors), {@code du/dt = f(u, t, params)} with {@code du/dt} a tree of the same
 * structure and shapes. Solved by {@link Odeint#solveTree}, which runs it as a {@link TensorField} on the leaves
 * laid end to end.
 *
 * @param <T> the state: a tree of tensors of one dtype
 */
@FunctionalInterface
public interface TreeField<T> {
    /** {@code du/dt} at {@code (u, t)}: a tree of {@code u}'s structure, each leaf of its leaf's shape. */
    T apply(T u, Tensor t, Tensor[] params);
}
