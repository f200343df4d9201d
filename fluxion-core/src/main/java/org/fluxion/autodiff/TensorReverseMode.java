package org.fluxion.autodiff;

import org.fluxion.tensor.ReverseMode;
import org.fluxion.tensor.Tensor;

/**
 * Autodiff's implementation of {@link Tensor}'s reverse-mode methods ({@link ReverseMode}), found by the
 * tensor layer with {@link java.util.ServiceLoader}; each method is {@link Autograd}'s. Public only because
 * ServiceLoader instantiates it; users call {@link Tensor}'s methods.
 */
public final class TensorReverseMode implements ReverseMode {
    @Override
    public Tensor setRequiresGrad(Tensor t, boolean requiresGrad) {
        Autograd.setRequiresGrad(t, requiresGrad);
        return t;
    }

    @Override
    public boolean requiresGrad(Tensor t) {
        return Autograd.requiresGrad(t);
    }

    @Override
    public Tensor grad(Tensor t) {
        return Autograd.grad(t);
    }

    @Override
    public void zeroGrad(Tensor t) {
        Autograd.zeroGrad(t);
    }

    @Override
    public void backward(Tensor root, Tensor cotangent, boolean retainGraph, boolean createGraph) {
        Autograd.backward(root, cotangent, retainGraph, createGraph);
    }
}
