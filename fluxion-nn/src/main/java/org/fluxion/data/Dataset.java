package org.fluxion.data;

/**
 * An indexable collection of samples, each a feature tensor and a label. Implementations gather a
 * whole batch at once, which is much cheaper than stacking single samples.
 */
public interface Dataset {
    /** The number of samples, N. */
    int size();

    /**
     * The samples at {@code indices} (each in {@code [0, size())}, repeats allowed), in that order:
     * features {@code [indices.length, ...]} and labels {@code [indices.length]}.
     */
    Batch batch(int[] indices);

    /**
     * {@link #batch(int[])}, allowed to write the features into the storage of {@code recycled}: a batch this
     * dataset returned earlier that the caller no longer reads (a training loop after its step), or null. A loop
     * then allocates no batch per step: first touching a fresh 200 KB batch of 64 Fashion-MNIST images cost about
     * as much as gathering it. The default ignores {@code recycled}.
     */
    default Batch batch(int[] indices, Batch recycled) {
        return batch(indices);
    }

    /** The single sample {@code index} as a batch of one. */
    default Batch get(int index) {
        return batch(new int[] {index});
    }
}
