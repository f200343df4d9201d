package org.fluxion.train;

import org.fluxion.models.Layer;
import org.fluxion.tensor.Tensor;

/**
 * Everything a training run carries from one step to the next, as one tree (so that a compiled step takes it
 * and returns the next one, and a checkpoint saves it): the model (parameters and state), the optimizer's
 * state, and the random key of the next step.
 *
 * @param model          the model as data
 * @param optimizerState what {@code GradientTransformation.init} returned, then each update
 * @param key            the random key of the next step (an int64 scalar; each step uses it, then adds 1)
 * @param <M>            the model's type
 */
public record TrainState<M extends Layer>(M model, Object optimizerState, Tensor key) {
}
