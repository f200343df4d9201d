package org.fluxion.train;

import org.fluxion.data.Batch;
import org.fluxion.tensor.Tensor;

/**
 * How a {@link Trainer} runs: its steps on the module's tape ({@link EagerEngine}) or as one compiled function
 * of a {@link TrainState} ({@link CompiledEngine}).
 */
interface Engine {
    /** What a step gives the loop: the batch's loss and the model's output (no gradient). */
    record Step(double loss, Tensor output) {
    }

    /** One optimizer step on {@code batch}; {@code step} counts the steps of the whole run (for schedules). */
    Step step(Batch batch, long step);

    /**
     * Whether something of a step's batch may outlive the step (an eager module may keep its input); when not, the
     * loop gives the batch back to its loader ({@link org.fluxion.data.DataLoader.Epoch#recycle}).
     */
    default boolean keepsBatches() {
        return true;
    }

    /** The model's output for {@code features} in inference mode, without gradient. */
    Tensor predict(Tensor features);

    /** Makes the user's objects (module, optimizer) hold the current parameters, state and optimizer state. */
    void sync();
}
