package org.fluxion.nn;

import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;

/**
 * Long short-term memory (PyTorch's nn.LSTM), gates i, f, g, o; the state is (h, c). See {@link RecurrentCell} for the step and {@link Recurrent} for shapes, masks and directions.
 */
public final class Lstm extends RecurrentLayer {
    /** One float32 layer, time-major. */
    public Lstm(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(RecurrentConfig.of(RecurrentCell.LSTM, inputSize, hiddenSize), DType.FLOAT32, rng);
    }

    /**
     * @throws IllegalArgumentException when {@code config}'s cell is not {@link RecurrentCell#LSTM}
     */
    public Lstm(RecurrentConfig config, DType dtype, RandomGenerator rng) {
        if (config.cell() != RecurrentCell.LSTM) {
            throw new IllegalArgumentException("Lstm: the config's cell must be LSTM, got " + config.cell());
        }
        super(config, dtype, rng);
    }
}
