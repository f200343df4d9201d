package org.fluxion.spark;

import java.io.Serializable;
import java.util.function.BiFunction;
import org.fluxion.tensor.Tensor;

/**
 * A loss {@code (output, labels) -> scalar} (the mean over the batch) that Spark can ship to executors, e.g.
 * {@code Losses::crossEntropy} where this type is expected.
 */
@FunctionalInterface
public interface SerializableLoss extends BiFunction<Tensor, Tensor, Tensor>, Serializable {
}
