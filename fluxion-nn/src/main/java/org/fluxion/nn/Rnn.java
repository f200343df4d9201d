package org.fluxion.nn;

import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;

/**
 * Elman RNN (PyTorch's nn.RNN): {@code h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)}, or ReLU with
 * {@link RecurrentCell#RNN_RELU}. See {@link Recurrent} for shapes, masks and directions.
 */
public final class Rnn extends RecurrentLayer {
    /** One float32 tanh layer, time-major. */
    public Rnn(int inputSize, int hiddenSize, RandomGenerator rng) {
        this(RecurrentConfig.of(RecurrentCell.RNN_TANH, inputSize, hiddenSize), DType.FLOAT32, rng);
    }

    /**
     * @throws IllegalArgumentException when {@code config}'s cell is not {@code RNN_TANH} or {@code RNN_RELU}
     */
    public Rnn(RecurrentConfig config, DType dtype, RandomGenerator rng) {
        if (config.cell() != RecurrentCell.RNN_TANH && config.cell() != RecurrentCell.RNN_RELU) {
            throw new IllegalArgumentException("Rnn: the config's cell must be RNN_TANH or RNN_RELU, got "
                    + config.cell());
        }
        super(config, dtype, rng);
    }
}
