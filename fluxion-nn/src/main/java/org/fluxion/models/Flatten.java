package org.fluxion.models;

import org.fluxion.nn.Functions;
import org.fluxion.nn.LayerInputException;
import org.fluxion.tensor.Tensor;

/** Keeps the batch axis and flattens the rest: {@code [N, d1, d2, ...] -> [N, d1 d2 ...]}. */
public record Flatten() implements Layer {
    @Override
    public Applied apply(Tensor x, Context context) {
        if (x.rank() < 1) {
            throw new LayerInputException(toString(), "expected input [N, ...], got " + x.shape());
        }
        return new Applied(Functions.flatten(x), this);
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
