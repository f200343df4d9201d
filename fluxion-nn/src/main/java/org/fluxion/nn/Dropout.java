package org.fluxion.nn;

import java.util.random.RandomGenerator;
import org.fluxion.tensor.Tensor;

/**
 * Inverted dropout: in training mode each element is zeroed with probability {@code p} and the survivors
 * are scaled by {@code 1 / (1 - p)}, so the expected output equals the input and evaluation needs no
 * rescaling; in evaluation mode it is the identity. Any shape. The mask comes from the layer's own
 * generator, so a seeded generator makes training reproducible.
 */
public final class Dropout extends Module {
    private final double p;
    private final RandomGenerator rng;

    /** @throws IllegalArgumentException unless {@code 0 <= p < 1} */
    public Dropout(double p, RandomGenerator rng) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor apply(Tensor x) {
        return Functions.dropout(x, p, isTraining(), rng);
    }

    public double p() {
        return p;
    }

    @Override
    public String toString() {
        return "Dropout " + p;
    }
}
