package org.fluxion.data;

import org.fluxion.tensor.Tensor;

/**
 * A batch of samples: {@code features} of shape {@code [B, ...]} and {@code labels} of shape
 * {@code [B]} (or {@code [B, ...]} for multi-output targets), row {@code i} of one matching row
 * {@code i} of the other.
 */
public record Batch(Tensor features, Tensor labels) {
    public Batch {
        if (features.rank() == 0 || labels.rank() == 0 || features.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException("Batch: features " + features.shape() + " and labels "
                    + labels.shape() + " must have the same leading (batch) dimension");
        }
    }

    /** The number of samples, B. */
    public int size() {
        return features.dim(0);
    }
}
