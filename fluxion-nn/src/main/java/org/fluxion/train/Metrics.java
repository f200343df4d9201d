package org.fluxion.train;

import java.util.Arrays;
import org.fluxion.tensor.Tensor;

/**
 * Evaluation metrics over whole arrays of predictions. They read values only: no gradients, any
 * floating-point dtype, labels of any integer (or bool, for binary) dtype.
 *
 * <p>For metrics accumulated over batches use {@link ConfusionMatrix} and {@link RunningMean}.
 */
public final class Metrics {
    /** Probabilities are clipped to {@code [EPSILON, 1 - EPSILON]} in log loss, as Keras does. */
    public static final double EPSILON = 1e-7;

    private Metrics() {
    }

    /**
     * Fraction of rows whose highest score is at the true class.
     *
     * @param scores logits or probabilities [B, C]
     * @param labels class indices [B]
     */
    public static double accuracy(Tensor scores, Tensor labels) {
        return topKAccuracy(scores, labels, 1);
    }

    /**
     * Fraction of rows whose true class is among the {@code k} highest scores: row {@code i} counts
     * when fewer than {@code k} classes score strictly higher than {@code labels[i]} (ties favour the
     * true class).
     *
     * @param scores logits or probabilities [B, C]
     * @param labels class indices [B]
     */
    public static double topKAccuracy(Tensor scores, Tensor labels, int k) {
        requireRank(scores, 2, "topKAccuracy", "scores [B, C]");
        int b = scores.dim(0);
        int c = scores.dim(1);
        if (k < 1) {
            throw new IllegalArgumentException("topKAccuracy: k must be >= 1, got " + k);
        }
        int[] truth = classLabels(labels, b, c, "topKAccuracy");
        double[] s = scores.toDoubleArray();
        long hits = 0;
        for (int i = 0; i < b; i++) {
            double target = s[i * c + truth[i]];
            int higher = 0;
            for (int j = 0; j < c; j++) {
                if (s[i * c + j] > target) {
                    higher++;
                }
            }
            if (higher < k && !Double.isNaN(target)) {
                hits++;
            }
        }
        return b == 0 ? Double.NaN : (double) hits / b;
    }

    /**
     * Mean cross-entropy of probabilities, clipped to {@code [EPSILON, 1 - EPSILON]}.
     *
     * <ul>
     *   <li>binary: {@code probabilities} [B] of the positive class, {@code labels} [B] in {0, 1}:
     *       {@code -mean(y log p + (1 - y) log(1 - p))};
     *   <li>categorical: {@code probabilities} [B, C] (rows summing to 1), {@code labels} class
     *       indices [B]: {@code -mean(log p[i, y_i])}.
     * </ul>
     */
    public static double logLoss(Tensor probabilities, Tensor labels) {
        double[] p = probabilities.toDoubleArray();
        double total = 0;
        if (probabilities.rank() == 1) {
            int[] y = binaryLabels(labels, p.length, "logLoss");
            for (int i = 0; i < p.length; i++) {
                double q = clip(p[i]);
                total -= y[i] == 1 ? Math.log(q) : Math.log1p(-q);
            }
            return p.length == 0 ? Double.NaN : total / p.length;
        }
        requireRank(probabilities, 2, "logLoss", "probabilities [B] or [B, C]");
        int b = probabilities.dim(0);
        int c = probabilities.dim(1);
        int[] y = classLabels(labels, b, c, "logLoss");
        for (int i = 0; i < b; i++) {
            total -= Math.log(clip(p[i * c + y[i]]));
        }
        return b == 0 ? Double.NaN : total / b;
    }

    /**
     * The confusion matrix, int64 [C, C], rows true classes and columns predictions.
     *
     * @param predictions class indices [B], or scores [B, C] (argmax is the prediction)
     * @param labels class indices [B]
     */
    public static Tensor confusionMatrix(Tensor predictions, Tensor labels, int numClasses) {
        return new ConfusionMatrix(numClasses).add(predictions, labels).toTensor();
    }

    /**
     * The ROC curve of binary {@code scores} [N] (higher means more likely positive) against
     * {@code labels} [N] in {0, 1}. Both classes must occur.
     */
    public static RocCurve rocCurve(Tensor scores, Tensor labels) {
        requireRank(scores, 1, "rocCurve", "scores [N]");
        double[] s = scores.toDoubleArray();
        int[] y = binaryLabels(labels, s.length, "rocCurve");
        Integer[] order = new Integer[s.length];
        long positives = 0;
        for (int i = 0; i < s.length; i++) {
            if (Double.isNaN(s[i])) {
                throw new IllegalArgumentException("rocCurve: score at index " + i + " is NaN");
            }
            order[i] = i;
            positives += y[i];
        }
        long negatives = s.length - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("rocCurve: needs both classes, got " + positives + " positive and "
                    + negatives + " negative labels");
        }
        Arrays.sort(order, (a, b) -> Double.compare(s[b], s[a]));
        double[] thresholds = new double[s.length + 1];
        double[] fpr = new double[s.length + 1];
        double[] tpr = new double[s.length + 1];
        thresholds[0] = Double.POSITIVE_INFINITY;
        int points = 1;
        long tp = 0;
        long fp = 0;
        for (int r = 0; r < order.length; r++) {
            int i = order[r];
            tp += y[i];
            fp += 1 - y[i];
            // One point per distinct score: tied examples cross the threshold together.
            if (r + 1 == order.length || s[order[r + 1]] != s[i]) {
                thresholds[points] = s[i];
                fpr[points] = (double) fp / negatives;
                tpr[points] = (double) tp / positives;
                points++;
            }
        }
        return new RocCurve(Arrays.copyOf(thresholds, points), Arrays.copyOf(fpr, points),
                Arrays.copyOf(tpr, points));
    }

    /** Area under the ROC curve of {@code scores} [N] against {@code labels} [N]; see {@link RocCurve#auc}. */
    public static double rocAuc(Tensor scores, Tensor labels) {
        return rocCurve(scores, labels).auc();
    }

    /** {@code sum_i (x[i+1] - x[i]) * (y[i+1] + y[i]) / 2}. */
    static double trapezoidArea(double[] x, double[] y) {
        double area = 0;
        for (int i = 1; i < x.length; i++) {
            area += (x[i] - x[i - 1]) * (y[i] + y[i - 1]) / 2;
        }
        return area;
    }

    private static double clip(double p) {
        return Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    }

    /** Class indices from predictions [B] or scores [B, C] (argmax over the last axis). */
    static int[] predictedClasses(Tensor predictions, String op) {
        if (predictions.rank() == 2) {
            return predictions.argmax(1, false).toIntArray();
        }
        requireRank(predictions, 1, op, "predictions [B] or scores [B, C]");
        if (predictions.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": predictions [B] must be class indices, got "
                    + predictions.dtype().label() + "; pass scores [B, C] to take their argmax");
        }
        return predictions.toIntArray();
    }

    /** Labels [B] as ints in {@code [0, numClasses)}, or an error naming the first bad one. */
    static int[] classLabels(Tensor labels, int batch, int numClasses, String op) {
        requireRank(labels, 1, op, "labels [B]");
        if (labels.dim(0) != batch) {
            throw new IllegalArgumentException(op + ": " + labels.dim(0) + " labels for " + batch + " predictions");
        }
        if (labels.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": labels must be integer class indices, got "
                    + labels.dtype().label());
        }
        long[] raw = labels.toLongArray();
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] < 0 || raw[i] >= numClasses) {
                throw new IllegalArgumentException(op + ": label " + raw[i] + " at index " + i + " is outside [0, "
                        + numClasses + ")");
            }
            out[i] = (int) raw[i];
        }
        return out;
    }

    /** Binary labels [N]: each exactly 0 or 1, any dtype. */
    private static int[] binaryLabels(Tensor labels, int n, String op) {
        requireRank(labels, 1, op, "labels [N]");
        if (labels.dim(0) != n) {
            throw new IllegalArgumentException(op + ": " + labels.dim(0) + " labels for " + n + " predictions");
        }
        double[] raw = labels.toDoubleArray();
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            if (raw[i] != 0 && raw[i] != 1) {
                throw new IllegalArgumentException(op + ": label " + raw[i] + " at index " + i + " is not 0 or 1");
            }
            out[i] = (int) raw[i];
        }
        return out;
    }

    private static void requireRank(Tensor t, int rank, String op, String expected) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": expected " + expected + ", got shape " + t.shape());
        }
    }
}
