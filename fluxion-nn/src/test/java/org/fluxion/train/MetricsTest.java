package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class MetricsTest {
    private static final Tensor SCORES = Tensor.of(new float[] {
        0.1f, 0.7f, 0.2f,
        0.5f, 0.3f, 0.2f,
        0.3f, 0.3f, 0.4f,
        0.2f, 0.5f, 0.3f}, 4, 3);
    private static final Tensor LABELS = Tensor.of(new long[] {1, 0, 0, 2}, 4);

    @Test
    void accuracyAndTopK() {
        assertEquals(0.5, Metrics.accuracy(SCORES, LABELS), 1e-12);
        assertEquals(1.0, Metrics.topKAccuracy(SCORES, LABELS, 2), 1e-12);
        assertEquals(1.0, Metrics.topKAccuracy(SCORES, Tensor.of(new int[] {1, 0, 0, 2}, 4), 3), 1e-12);
        assertEquals(0.5, Metrics.accuracy(SCORES.mul(10).sub(3), LABELS), 1e-12, "logits work too");
    }

    @Test
    void logLossBinaryAndCategorical() {
        Tensor p = Tensor.of(new double[] {0.9, 0.2, 1.0}, 3);
        Tensor y = Tensor.of(new int[] {1, 0, 0}, 3);
        double expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(Metrics.EPSILON)) / 3;
        assertEquals(expected, Metrics.logLoss(p, y), 1e-9);

        Tensor probs = SCORES.div(SCORES.sum(new int[] {1}, true));
        double[] q = probs.toDoubleArray();
        double cat = -(Math.log(q[1]) + Math.log(q[3]) + Math.log(q[6]) + Math.log(q[11])) / 4;
        assertEquals(cat, Metrics.logLoss(probs, LABELS), 1e-6);
    }

    @Test
    void rocCurveOfTheScikitLearnExample() {
        RocCurve roc = Metrics.rocCurve(Tensor.of(new double[] {0.1, 0.4, 0.35, 0.8}, 4),
                Tensor.of(new int[] {0, 0, 1, 1}, 4));
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1}, roc.thresholds());
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 1}, roc.fpr());
        assertArrayEquals(new double[] {0, 0.5, 0.5, 1, 1}, roc.tpr());
        assertEquals(0.75, roc.auc(), 1e-12);
    }

    @Test
    void aucEqualsTheMannWhitneyStatisticWithTies() {
        Random rng = new Random(42);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + rng.nextInt(200);
            double[] s = new double[n];
            boolean[] y = new boolean[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextBoolean();
                // Rounded so that ties, within and across classes, are common.
                s[i] = Math.round((rng.nextGaussian() + (y[i] ? 0.7 : 0)) * 4) / 4.0;
            }
            y[0] = true;
            y[1] = false;
            double wins = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] && !y[j]) {
                        pairs++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            double auc = Metrics.rocAuc(Tensor.of(s, n), Tensor.of(y, n));
            assertEquals(wins / pairs, auc, 1e-12, "trial " + trial);
        }
    }

    @Test
    void rocNeedsBothClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.rocCurve(Tensor.of(new double[] {0.1, 0.2}, 2), Tensor.of(new int[] {1, 1}, 2)));
        assertTrue(e.getMessage().contains("2 positive and 0 negative"), e.getMessage());
    }

    @Test
    void confusionMatrixOneShotAndAccumulated() {
        Tensor cm = Metrics.confusionMatrix(SCORES, LABELS, 3);
        assertEquals(DType.INT64, cm.dtype());
        assertArrayEquals(new long[] {1, 0, 1, 0, 1, 0, 0, 1, 0}, cm.toLongArray());

        ConfusionMatrix acc = new ConfusionMatrix(3);
        acc.add(SCORES.slice(0, 0, 2), LABELS.slice(0, 0, 2));
        acc.add(Tensor.of(new int[] {2, 1}, 2), LABELS.slice(0, 2, 4));
        assertArrayEquals(cm.toLongArray(), acc.toTensor().toLongArray());
        assertEquals(0.5, acc.accuracy(), 1e-12);
        assertEquals(0.5, acc.recall(0), 1e-12);
        assertEquals(0.5, acc.precision(1), 1e-12);
        assertEquals(4, acc.total());
        assertTrue(acc.toString().contains("true\\pred"));
        acc.reset();
        assertEquals(0, acc.total());
    }

    @Test
    void badLabelsNameTheIndex() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.accuracy(SCORES, Tensor.of(new long[] {1, 0, 3, 2}, 4)));
        assertEquals("topKAccuracy: label 3 at index 2 is outside [0, 3)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(SCORES, Tensor.of(new long[] {1}, 1)));
        assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(SCORES.flatten(), LABELS));
    }

    @Test
    void runningMeanIsWeighted() {
        RunningMean m = new RunningMean();
        assertTrue(Double.isNaN(m.mean()));
        m.add(1.0, 32).add(4.0, 16);
        assertEquals(2.0, m.mean(), 1e-12);
        assertEquals(48, m.weight(), 0);
        for (int i = 0; i < 1_000_000; i++) {
            m.add(0.1);
        }
        assertEquals((2.0 * 48 + 100_000) / 1_000_048, m.mean(), 1e-15);
        m.reset();
        assertTrue(Double.isNaN(m.mean()));
    }
}
