package org.fluxion.tensor;

/**
 * Service interface for {@link Tensor}'s reverse-mode methods ({@code requiresGrad}, {@code grad},
 * {@code zeroGrad}, {@code backward}: PyTorch's eager API), whose meaning belongs to autodiff, a layer above
 * this one that it may not import (shared/DESIGN.md, "Layers of the system"). Implemented by
 * {@code org.fluxion.autodiff.TensorReverseMode}, listed in fluxion-core's
 * {@code META-INF/services/org.fluxion.tensor.ReverseMode} and found once, on first use. Not for users:
 * call the methods of {@link Tensor}.
 */
public interface ReverseMode {
    /** Marks {@code t} as a leaf whose gradient backward accumulates, or clears the mark; returns {@code t}. */
    Tensor setRequiresGrad(Tensor t, boolean requiresGrad);

    /** True for a leaf that requires grad and for the result of an operation recorded for backward. */
    boolean requiresGrad(Tensor t);

    /** The gradient accumulated in the leaf {@code t}, or null. */
    Tensor grad(Tensor t);

    /** Clears the gradient accumulated in {@code t}. */
    void zeroGrad(Tensor t);

    /** Backpropagates {@code cotangent} (null: a one-element root's 1) from {@code root}. */
    void backward(Tensor root, Tensor cotangent, boolean retainGraph, boolean createGraph);
}
