package org.fluxion.models;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * How a forward pass runs: in training or inference mode, and with which random key (JAX's {@code PRNGKey}).
 * The key is an int64 scalar tensor, so a compiled training step takes a new key at each step without being
 * traced again; {@code stream} says where in the model a layer sits ({@link #child} folds a position into it),
 * so that two dropout layers given one key draw different masks. Without a key, training runs everything but
 * randomness: a {@link Dropout} in training mode asks for one.
 *
 * @param training true for training (dropout active, batch statistics), false for inference
 * @param key      the random key, an int64 scalar, or null
 * @param stream   the position of the layer in the model, folded into the key by random operations
 */
public record Context(boolean training, Tensor key, long stream) {
    private static final Context INFERENCE = new Context(false, null, 0);

    public Context {
        if (key != null && (key.dtype() != DType.INT64 || key.rank() != 0)) {
            throw new IllegalArgumentException("Context: the key must be an int64 scalar (Context.key(seed)), got "
                    + key.dtype() + " " + key.shape());
        }
    }

    /** Inference: no randomness, running statistics. */
    public static Context inference() {
        return INFERENCE;
    }

    /** Training with random key {@code key} (an int64 scalar, see {@link #key(long)}). */
    public static Context train(Tensor key) {
        return new Context(true, key, 0);
    }

    /** Training without a key: fine for models without randomness. */
    public static Context train() {
        return new Context(true, null, 0);
    }

    /** A key: the int64 scalar {@code seed}. Consecutive seeds give independent numbers. */
    public static Tensor key(long seed) {
        return Tensor.of(new long[] {seed}).reshape();
    }

    /** The context of the {@code index}-th part of this layer: the same mode and key, its own stream. */
    public Context child(int index) {
        // an odd multiplier makes (stream, index) -> stream' injective for each index; the random primitive
        // mixes the result with the key, so nearby streams draw unrelated numbers
        return new Context(training, key, stream * 0x9E3779B97F4A7C15L + index + 1);
    }

    /**
     * The key, for a layer that draws random numbers.
     *
     * @throws IllegalStateException naming the layer when there is none
     */
    public Tensor requireKey(Object layer) {
        if (key == null) {
            throw new IllegalStateException(layer + " draws random numbers in training mode and needs a key: "
                    + "apply it in Context.train(Context.key(seed))");
        }
        return key;
    }

    @Override
    public String toString() {
        return (training ? "training" : "inference") + (key == null ? "" : ", with a key") + ", stream " + stream;
    }
}
