package org.fluxion.data;

import org.fluxion.tensor.Tensor;

/**
 * Standardizes each feature of {@code [N, F]} data: {@code y = (x - mean) / std}, with the
 * population standard deviation (divisor N, as scikit-learn). A constant feature is only centred.
 */
public final class StandardScaler extends FeatureScaler {
    /** Learns each feature's mean and standard deviation from {@code x [N, F]}. Returns this. */
    public StandardScaler fit(Tensor x) {
        fitTensor(x);
        return this;
    }

    /** {@code fit(x).transform(x)}. */
    public Tensor fitTransform(Tensor x) {
        return fit(x).transform(x);
    }

    @Override
    void fitColumns(double[][] columns, double[] shift, double[] scale) {
        for (int j = 0; j < columns.length; j++) {
            double mean = 0;
            for (double v : columns[j]) {
                mean += v;
            }
            mean /= columns[j].length;
            // Two passes: the one-pass E[x^2] - E[x]^2 loses all digits for large offsets.
            double squares = 0;
            for (double v : columns[j]) {
                squares += (v - mean) * (v - mean);
            }
            shift[j] = mean;
            scale[j] = Math.sqrt(squares / columns[j].length);
        }
    }
}
