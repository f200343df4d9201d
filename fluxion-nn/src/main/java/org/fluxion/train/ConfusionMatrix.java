package org.fluxion.train;

import org.fluxion.tensor.Tensor;

/**
 * A confusion matrix accumulated over batches: {@code counts[t][p]} is the number of examples of
 * true class {@code t} predicted as class {@code p} (rows are truth, columns predictions, as in
 * scikit-learn).
 *
 * <p>Accuracy is {@code trace / total}; the recall of class {@code c} is
 * {@code counts[c][c] / sum_p counts[c][p]} and its precision {@code counts[c][c] / sum_t counts[t][c]}.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    /** An empty matrix for classes {@code 0 .. numClasses-1}. */
    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: numClasses must be >= 1, got " + numClasses);
        }
        counts = new long[numClasses][numClasses];
    }

    public int numClasses() {
        return counts.length;
    }

    /**
     * Adds a batch.
     *
     * @param predictions class indices [B], or scores (logits or probabilities) [B, C] whose argmax
     *     over the last axis is the prediction
     * @param labels true class indices [B]
     */
    public ConfusionMatrix add(Tensor predictions, Tensor labels) {
        int[] predicted = Metrics.predictedClasses(predictions, "ConfusionMatrix.add");
        int[] truth = Metrics.classLabels(labels, predicted.length, numClasses(), "ConfusionMatrix.add");
        for (int i = 0; i < truth.length; i++) {
            if (predicted[i] < 0 || predicted[i] >= numClasses()) {
                throw new IllegalArgumentException("ConfusionMatrix.add: prediction " + predicted[i] + " at index "
                        + i + " is outside [0, " + numClasses() + ")");
            }
            counts[truth[i]][predicted[i]]++;
        }
        return this;
    }

    /** The counts as an int64 tensor [C, C]. */
    public Tensor toTensor() {
        int c = numClasses();
        long[] flat = new long[c * c];
        for (int t = 0; t < c; t++) {
            System.arraycopy(counts[t], 0, flat, t * c, c);
        }
        return Tensor.of(flat, c, c);
    }

    /** A copy of the counts, {@code [truth][prediction]}. */
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    public long total() {
        long n = 0;
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** Fraction of examples on the diagonal; NaN when empty. */
    public double accuracy() {
        long diagonal = 0;
        for (int i = 0; i < counts.length; i++) {
            diagonal += counts[i][i];
        }
        long n = total();
        return n == 0 ? Double.NaN : (double) diagonal / n;
    }

    /** Recall (true-positive rate) of class {@code c}; NaN when the class never occurs. */
    public double recall(int c) {
        long row = 0;
        for (long v : counts[c]) {
            row += v;
        }
        return row == 0 ? Double.NaN : (double) counts[c][c] / row;
    }

    /** Precision of class {@code c}; NaN when the class is never predicted. */
    public double precision(int c) {
        long column = 0;
        for (long[] row : counts) {
            column += row[c];
        }
        return column == 0 ? Double.NaN : (double) counts[c][c] / column;
    }

    public void reset() {
        for (long[] row : counts) {
            java.util.Arrays.fill(row, 0);
        }
    }

    /** A right-aligned table, truth down the side and predictions across the top. */
    @Override
    public String toString() {
        int width = Math.max(String.valueOf(numClasses() - 1).length(), 1);
        for (long[] row : counts) {
            for (long v : row) {
                width = Math.max(width, Long.toString(v).length());
            }
        }
        String cell = "%" + (width + 1) + "s";
        StringBuilder sb = new StringBuilder("true\\pred");
        for (int p = 0; p < numClasses(); p++) {
            sb.append(String.format(cell, p));
        }
        for (int t = 0; t < numClasses(); t++) {
            sb.append('\n').append(String.format("%9s", t));
            for (long v : counts[t]) {
                sb.append(String.format(cell, v));
            }
        }
        return sb.toString();
    }
}
