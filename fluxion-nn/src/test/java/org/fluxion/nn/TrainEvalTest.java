package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Dropout and BatchNorm in training and evaluation mode, against reference computations. */
class TrainEvalTest {
    @Test
    void dropoutIsInvertedInTrainingAndIdentityInEval() {
        Dropout d = new Dropout(0.25, new SplittableRandom(11));
        Tensor x = Tensor.ones(DType.FLOAT64, 200, 100);
        double[] y = d.apply(x).toDoubleArray();
        int zeros = 0;
        double sum = 0;
        for (double v : y) {
            if (v == 0) {
                zeros++;
            } else {
                assertEquals(1 / 0.75, v, 1e-12);
            }
            sum += v;
        }
        assertEquals(0.25, zeros / 20000.0, 0.01);
        assertEquals(1, sum / 20000, 0.02); // expectation preserved
        d.eval();
        assertSame(x, d.apply(x));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1, new SplittableRandom(0)));
    }

    @Test
    void dropoutIsReproducibleWithASeed() {
        Tensor x = Tensor.ones(10, 10);
        assertEquals(new Dropout(0.5, new SplittableRandom(3)).apply(x), new Dropout(0.5, new SplittableRandom(3)).apply(x));
        Dropout d = new Dropout(0.5, new SplittableRandom(3));
        assertNotEquals(d.apply(x), d.apply(x)); // a fresh mask per call
    }

    @Test
    void batchNormRunningStatisticsMatchAReference() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, 0.1, true, DType.FLOAT64);
        double[][] batches = {{1, 10, 3, 20, 5, 60, 7, 30}, {2, -1, 4, 0, 9, 2, -3, 3}};
        double[] refMean = {0, 0};
        double[] refVar = {1, 1};
        for (double[] b : batches) {
            Tensor x = Tensor.of(b, 4, 2);
            Tensor y = bn.apply(x);
            for (int c = 0; c < 2; c++) {
                double m = 0;
                for (int i = 0; i < 4; i++) {
                    m += b[2 * i + c] / 4;
                }
                double v = 0;
                for (int i = 0; i < 4; i++) {
                    v += (b[2 * i + c] - m) * (b[2 * i + c] - m) / 4;
                }
                for (int i = 0; i < 4; i++) {
                    assertEquals((b[2 * i + c] - m) / Math.sqrt(v + 1e-5), y.get(i, c), 1e-12);
                }
                refMean[c] = 0.9 * refMean[c] + 0.1 * m;
                refVar[c] = 0.9 * refVar[c] + 0.1 * v * 4 / 3; // unbiased, as PyTorch
            }
        }
        assertArrayEquals(refMean, bn.runningMean().toDoubleArray(), 1e-12);
        assertArrayEquals(refVar, bn.runningVar().toDoubleArray(), 1e-12);
        bn.eval();
        Tensor x = Tensor.of(new double[] {1, 2}, 1, 2);
        Tensor y = bn.apply(x);
        for (int c = 0; c < 2; c++) {
            assertEquals((x.get(0, c) - refMean[c]) / Math.sqrt(refVar[c] + 1e-5), y.get(0, c), 1e-12);
        }
        assertArrayEquals(refMean, bn.runningMean().toDoubleArray(), 1e-12); // eval does not update
    }

    @Test
    void batchNorm2dNormalizesEachChannel() {
        BatchNorm2d bn = new BatchNorm2d(3, 1e-5, 0.1, false, DType.FLOAT64);
        Tensor y = bn.apply(Tensor.randn(new SplittableRandom(2), DType.FLOAT64, 4, 3, 5, 5).mul(3).add(7));
        Tensor mean = y.mean(new int[] {0, 2, 3}, false);
        Tensor var = y.variance(new int[] {0, 2, 3}, 0, false);
        assertArrayEquals(new double[] {0, 0, 0}, mean.toDoubleArray(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, var.toDoubleArray(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> bn.apply(Tensor.zeros(DType.FLOAT64, 1, 3, 1, 1)));
    }
}
