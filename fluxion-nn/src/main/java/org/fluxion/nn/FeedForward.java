package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The feed-forward block of a transformer layer, {@code linear2(dropout(act(linear1(x))))}, PyTorch's
 * {@code linear1}/{@code linear2} names. Input and output {@code [..., E]}.
 */
final class FeedForward {
    final Linear linear1;
    final Linear linear2;
    final Dropout dropout;
    private final boolean gelu;

    FeedForward(TransformerConfig c, DType dtype, RandomGenerator rng) {
        this.linear1 = new Linear(c.dModel(), c.dimFeedforward(), true, dtype, rng);
        this.linear2 = new Linear(c.dimFeedforward(), c.dModel(), true, dtype, rng);
        this.dropout = new Dropout(c.dropout(), rng);
        this.gelu = c.gelu();
    }

    Tensor apply(Tensor x) {
        Tensor h = linear1.apply(x);
        return linear2.apply(dropout.apply(gelu ? Activations.gelu(h) : h.relu()));
    }

    /** The children a layer lists for this block. */
    Map<String, Module> children() {
        return Module.named("linear1", linear1, "dropout", dropout, "linear2", linear2);
    }
}
