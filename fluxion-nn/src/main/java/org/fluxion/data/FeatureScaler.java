package org.fluxion.data;

import org.fluxion.tensor.Tensor;

/**
 * A per-feature affine map {@code y = (x - shift) / scale} fitted on data {@code [N, F]}; the
 * subclasses choose shift and scale. A constant feature gets scale 1 so that it maps to a constant
 * instead of NaN.
 */
abstract sealed class FeatureScaler permits MinMaxScaler, StandardScaler {
    private double[] shift;
    private double[] scale;

    /** Computes shift and scale (each of length F) from the columns of {@code x [N, F]}. */
    abstract void fitColumns(double[][] columns, double[] shift, double[] scale);

    final void fitTensor(Tensor x) {
        checkRank(x, "fit");
        if (x.dim(0) == 0) {
            throw new IllegalArgumentException(name() + ".fit: no samples in " + x.shape());
        }
        int n = x.dim(0);
        int f = x.dim(1);
        double[] flat = x.toDoubleArray();
        double[][] columns = new double[f][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < f; j++) {
                columns[j][i] = flat[i * f + j];
            }
        }
        double[] s = new double[f];
        double[] k = new double[f];
        fitColumns(columns, s, k);
        for (int j = 0; j < f; j++) {
            if (k[j] == 0 || !Double.isFinite(k[j])) {
                k[j] = 1;
            }
        }
        shift = s;
        scale = k;
    }

    /** {@code (x - shift) / scale} for {@code x [N, F]}, in x's floating-point dtype. */
    public Tensor transform(Tensor x) {
        checkFitted(x, "transform");
        return x.sub(row(shift, x)).div(row(scale, x));
    }

    /** {@code y * scale + shift}: undoes {@link #transform}. */
    public Tensor inverseTransform(Tensor y) {
        checkFitted(y, "inverseTransform");
        return y.mul(row(scale, y)).add(row(shift, y));
    }

    /** True once fitted. */
    public boolean isFitted() {
        return shift != null;
    }

    /** The number of features F seen by fit; fails when not fitted. */
    public int featureCount() {
        if (!isFitted()) {
            throw new IllegalStateException(name() + ": not fitted; call fit first");
        }
        return shift.length;
    }

    private static Tensor row(double[] values, Tensor like) {
        return Tensor.of(values, values.length).to(like.dtype().toFloatingPoint());
    }

    private void checkFitted(Tensor x, String op) {
        if (!isFitted()) {
            throw new IllegalStateException(name() + "." + op + ": not fitted; call fit first");
        }
        checkRank(x, op);
        if (x.dim(1) != shift.length) {
            throw new IllegalArgumentException(name() + "." + op + ": fitted on " + shift.length
                    + " features, got " + x.shape());
        }
    }

    private void checkRank(Tensor x, String op) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException(name() + "." + op + ": expected [N, F], got " + x.shape());
        }
    }

    private String name() {
        return getClass().getSimpleName();
    }
}
