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

    /** The single sample {@code index} as a batch of one. */
    default Batch get(int index) {
        return batch(new int[] {index});
    }
}
