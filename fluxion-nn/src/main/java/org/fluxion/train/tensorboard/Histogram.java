package org.fluxion.train.tensorboard;

/**
 * A histogram as TensorBoard's {@code HistogramProto} holds it: count, min, max, sum, sum of squares, and
 * {@code k} equal-width buckets over {@code [min, max]}, bucket {@code i} covering
 * {@code [min + i w, min + (i + 1) w)} with {@code w = (max - min) / k} (the last one closed, as
 * {@code numpy.histogram}); {@code bucketLimits[i]} is its right edge, the last one {@code max}.
 * TensorBoard reads bucket {@code i} as running from the previous limit (or {@code min}) to its limit.
 * When all values are equal there is one bucket, {@code [min, min]}.
 *
 * @param count how many values
 * @param min the smallest value
 * @param max the largest value
 * @param sum their sum
 * @param sumSquares the sum of their squares
 * @param bucketLimits each bucket's right edge
 * @param bucketCounts how many values fall in each bucket
 */
record Histogram(double count, double min, double max, double sum, double sumSquares, double[] bucketLimits,
        double[] bucketCounts) {

    /**
     * The histogram of {@code values} in {@code buckets} equal-width buckets.
     *
     * @throws IllegalArgumentException naming {@code tag} when there are no values or some are NaN or
     *     infinite (no finite range to bucket; TensorBoard's own writers refuse them too)
     */
    static Histogram of(String tag, double[] values, int buckets) {
        if (values.length == 0) {
            throw new IllegalArgumentException("histogram '" + tag + "': no values");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double sumSquares = 0;
        int nonFinite = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                nonFinite++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            sumSquares += v * v;
        }
        if (nonFinite > 0) {
            throw new IllegalArgumentException("histogram '" + tag + "': " + nonFinite + " of " + values.length
                    + " values are NaN or infinite");
        }
        if (min == max) {
            return new Histogram(values.length, min, max, sum, sumSquares, new double[] {max},
                    new double[] {values.length});
        }
        double width = (max - min) / buckets;
        double[] limits = new double[buckets];
        for (int i = 0; i < buckets - 1; i++) {
            limits[i] = min + (i + 1) * width;
        }
        limits[buckets - 1] = max;
        double[] counts = new double[buckets];
        for (double v : values) {
            counts[Math.min(buckets - 1, (int) ((v - min) / width))]++;
        }
        return new Histogram(values.length, min, max, sum, sumSquares, limits, counts);
    }
}
