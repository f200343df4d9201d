package org.fluxion.models;

import org.fluxion.tensor.Tensor;

/**
 * Batch normalization's running statistics, {@code [C]} each: state of the model, not trained.
 *
 * @param mean     running mean per channel
 * @param variance running unbiased variance per channel
 */
public record RunningStats(Tensor mean, Tensor variance) implements State {
}
