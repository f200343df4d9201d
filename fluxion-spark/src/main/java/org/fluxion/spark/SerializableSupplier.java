package org.fluxion.spark;

import java.io.Serializable;
import java.util.function.Supplier;

/**
 * A {@link Supplier} Spark can ship to executors: write it as a lambda or method reference where this type is
 * expected ({@code () -> Layers.of(mlp(new SplittableRandom(0)))}) and Java makes it serializable.
 *
 * @param <T> what it supplies
 */
@FunctionalInterface
public interface SerializableSupplier<T> extends Supplier<T>, Serializable {
}
