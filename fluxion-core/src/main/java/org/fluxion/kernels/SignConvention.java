package org.fluxion.kernels;

/**
 * The sign convention of the decompositions whose vectors are defined up to sign (eigenvectors, singular
 * vectors): a vector is returned with its entry of largest magnitude positive, the first such entry on ties.
 */
final class SignConvention {
    private SignConvention() {
    }

    /** +1 or -1: the factor that makes the largest-magnitude entry of {@code x[from + i * stride]}, {@code i < len}, positive. */
    static double ofLargest(double[] x, int from, int stride, int len) {
        double best = -1;
        double value = 0;
        for (int i = 0; i < len; i++) {
            double v = x[from + i * stride];
            if (Math.abs(v) > best) {
                best = Math.abs(v);
                value = v;
            }
        }
        return value < 0 ? -1 : 1;
    }
}
