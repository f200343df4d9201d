package org.fluxion.nn;

import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;

/**
 * Gated recurrent unit (PyTorch's nn.GRU), gates r, z, n. See {@link RecurrentCell} for the step and {@link Recurrent} for shapes, masks and directions.
 */
public final class Gru extends RecurrentLayer {
    /** One float32 layer, time-major. */
    public Gru(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(RecurrentConfig.of(RecurrentCell.GRU, inputSize, hiddenSize), DType.FLOAT32, rng);
    }

    /**
     * @throws IllegalArgumentException when {@code config}'s cell is not {@link RecurrentCell#GRU}
     */
    public Gru(RecurrentConfig config, DType dtype, RandomGenerator rng) {
        if (config.cell() != RecurrentCell.GRU) {
            throw new IllegalArgumentException("Gru: the config's cell must be GRU, got " + config.cell());
        }
        super(config, dtype, rng);
    }
}
