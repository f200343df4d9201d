package org.fluxion.models;

import java.util.function.UnaryOperator;
import org.fluxion.tensor.Tensor;

/**
 * Any parameter-free function of a tensor as a layer ({@code softmax} over an axis, a leaky ReLU's slope,
 * a reshape): {@code y = function(x)}. The function is a constant of the model's tree: keep one instance per
 * model (a compiled step is keyed on it), and make it pure (tensor operations only).
 *
 * @param name     shown by the summary and in errors
 * @param function the forward pass
 */
public record Function(String name, UnaryOperator<Tensor> function) implements Layer {
    @Override
    public Applied apply(Tensor x, Context context) {
        return new Applied(function.apply(x), this);
    }

    @Override
    public String toString() {
        return name;
    }
}
