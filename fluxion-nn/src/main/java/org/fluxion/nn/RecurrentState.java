package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/**
 * The state of a recurrent layer, as PyTorch lays it out: {@code h} of shape {@code [layers * directions, B, H]}
 * ({@code [layers * directions, H]} for an unbatched input), entry {@code l * directions + d} for layer
 * {@code l} and direction {@code d} (0 forward, 1 reverse); {@code c} the same for an LSTM, null otherwise.
 */
public record RecurrentState(Tensor h, Tensor c) {
    /** The state of a layer without a cell state (RNN, GRU). */
    public static RecurrentState of(Tensor h) {
        return new RecurrentState(h, null);
    }
}
