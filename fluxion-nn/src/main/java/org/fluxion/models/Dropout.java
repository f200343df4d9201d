package org.fluxion.models;

import org.fluxion.ops.Randomness;
import org.fluxion.tensor.Tensor;

/**
 * Inverted dropout as data: in training each element is zeroed with probability {@code rate} and the
 * survivors are scaled by {@code 1 / (1 - rate)}, so the expected output is the input; in inference it is the
 * identity. Any shape. The mask is drawn from the context's key and stream
 * ({@link Randomness#bernoulli}), so the same key gives the same mask, eagerly and compiled.
 *
 * @param rate the probability of dropping an element, in {@code [0, 1)}
 */
public record Dropout(double rate) implements Layer {
    public Dropout {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), got " + rate);
        }
    }

    @Override
    public Applied apply(Tensor x, Context context) {
        if (!context.training() || rate == 0) {
            return new Applied(x, this);
        }
        Tensor keep = Randomness.bernoulli(context.requireKey(this), context.stream(), 1 - rate, x.dims());
        return new Applied(x.mul(keep.to(x.dtype()).mul(1 / (1 - rate))), this);
    }

    @Override
    public String toString() {
        return "Dropout " + rate;
    }
}
