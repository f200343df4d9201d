package org.fluxion.data;

import org.fluxion.tensor.Tensor;

/**
 * Scales each feature of {@code [N, F]} data linearly so that its fitted minimum maps to
 * {@code low} and its maximum to {@code high}: {@code y = low + (x - min) * (high - low) / (max - min)}.
 */
public final class MinMaxScaler extends FeatureScaler {
    private final double low;
    private final double high;

    /** Scales to [0, 1]. */
    public MinMaxScaler() {
        this(0, 1);
    }

    /** Scales to [low, high]; requires {@code low < high}. */
    public MinMaxScaler(double low, double high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("MinMaxScaler: expected low < high, got [" + low + ", " + high + "]");
        }
        this.low = low;
        this.high = high;
    }

    /** Learns each feature's minimum and maximum from {@code x [N, F]}. Returns this. */
    public MinMaxScaler fit(Tensor x) {
        fitTensor(x);
        return this;
    }

    /** {@code fit(x).transform(x)}. */
    public Tensor fitTransform(Tensor x) {
        return fit(x).transform(x);
    }

    @Override
    void fitColumns(double[][] columns, double[] shift, double[] scale) {
        double span = high - low;
        for (int j = 0; j < columns.length; j++) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : columns[j]) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            // (x - shift) / scale == low + (x - min) * span / (max - min)
            double k = (max - min) / span;
            scale[j] = k == 0 ? 1 : k;
            shift[j] = min - low * scale[j];
        }
    }
}
