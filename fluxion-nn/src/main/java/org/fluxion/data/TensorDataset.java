package org.fluxion.data;

import java.util.Arrays;
import org.fluxion.tensor.Tensor;

/**
 * A dataset held in memory as two tensors: {@code features [N, ...]} and {@code labels [N]} (or
 * {@code [N, ...]}); sample {@code i} is row {@code i} of both.
 */
public record TensorDataset(Tensor features, Tensor labels) implements Dataset {
    public TensorDataset {
        if (features.rank() == 0 || labels.rank() == 0 || features.dim(0) != labels.dim(0)) {
            throw new IllegalArgumentException("TensorDataset: features " + features.shape() + " and labels "
                    + labels.shape() + " must have the same number of rows");
        }
    }

    @Override
    public int size() {
        return features.dim(0);
    }

    @Override
    public Batch batch(int[] indices) {
        int n = size();
        long[] rows = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IndexOutOfBoundsException("TensorDataset: index " + indices[i]
                        + " out of range for " + n + " samples");
            }
            rows[i] = indices[i];
        }
        Tensor index = Tensor.of(rows, rows.length);
        return new Batch(features.indexSelect(0, index), labels.indexSelect(0, index));
    }

    /** Samples {@code [from, to)} as a dataset of views (no copy); for train/validation splits. */
    public TensorDataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IndexOutOfBoundsException("TensorDataset.slice: [" + from + ", " + to
                    + ") out of range for " + size() + " samples");
        }
        return new TensorDataset(features.slice(0, from, to), labels.slice(0, from, to));
    }

    @Override
    public String toString() {
        return "TensorDataset(features " + Arrays.toString(features.dims()) + " " + features.dtype().label()
                + ", labels " + Arrays.toString(labels.dims()) + " " + labels.dtype().label() + ")";
    }
}
