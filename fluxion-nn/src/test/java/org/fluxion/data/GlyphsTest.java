package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.junit.jupiter.api.Test;

class GlyphsTest {
    @Test
    void shapeRangeBalanceAndDeterminism() {
        TensorDataset d = Glyphs.generate(1005, 1);
        assertArrayEquals(new int[] {1005, 28, 28}, d.features().dims());
        assertEquals(DType.FLOAT32, d.features().dtype());
        assertTrue(d.features().min().item() >= 0 && d.features().max().item() <= 1);
        int[] counts = new int[10];
        for (long y : d.labels().toLongArray()) {
            counts[(int) y]++;
        }
        assertArrayEquals(new int[] {101, 101, 101, 101, 101, 100, 100, 100, 100, 100}, counts);
        assertEquals(d, Glyphs.generate(1005, 1));
        TrainTest split = Glyphs.trainTest(100, 50, 1);
        assertNotEquals(split.train().features().slice(0, 0, 50), split.test().features());
        assertEquals(10, split.classes().size());
    }

    /**
     * The fallback set must be learnable in one epoch: a plain-Java MLP 784-64-10 trained by SGD for
     * one pass over 6,000 images reaches >= 85% on 1,000 fresh ones (but not 100%: not trivial).
     */
    @Test
    void oneEpochOfASmallMlpLearnsIt() {
        TrainTest data = Glyphs.trainTest(6000, 1000, 2024);
        float[] x = data.train().features().toFloatArray();
        long[] y = data.train().labels().toLongArray();
        int in = 784;
        int hidden = 64;
        int out = 10;
        SplittableRandom rng = new SplittableRandom(0);
        float[] w1 = new float[hidden * in];
        float[] b1 = new float[hidden];
        float[] w2 = new float[out * hidden];
        float[] b2 = new float[out];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (rng.nextGaussian() * Math.sqrt(2.0 / in));
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (rng.nextGaussian() * Math.sqrt(1.0 / hidden));
        }
        float lr = 0.02f;
        float[] h = new float[hidden];
        float[] p = new float[out];
        float[] dh = new float[hidden];
        for (int s = 0; s < y.length; s++) {
            int base = s * in;
            forward(x, base, w1, b1, w2, b2, h, p);
            p[(int) y[s]] -= 1;
            java.util.Arrays.fill(dh, 0);
            for (int o = 0; o < out; o++) {
                for (int j = 0; j < hidden; j++) {
                    dh[j] += p[o] * w2[o * hidden + j];
                    w2[o * hidden + j] -= lr * p[o] * h[j];
                }
                b2[o] -= lr * p[o];
            }
            for (int j = 0; j < hidden; j++) {
                if (h[j] <= 0) {
                    continue;
                }
                float g = lr * dh[j];
                for (int i = 0; i < in; i++) {
                    w1[j * in + i] -= g * x[base + i];
                }
                b1[j] -= g;
            }
        }
        float[] tx = data.test().features().toFloatArray();
        long[] ty = data.test().labels().toLongArray();
        int correct = 0;
        for (int s = 0; s < ty.length; s++) {
            forward(tx, s * in, w1, b1, w2, b2, h, p);
            int best = 0;
            for (int o = 1; o < out; o++) {
                best = p[o] > p[best] ? o : best;
            }
            correct += best == ty[s] ? 1 : 0;
        }
        double accuracy = correct / (double) ty.length;
        System.out.println("Glyphs: one-epoch MLP test accuracy " + accuracy);
        assertTrue(accuracy >= 0.85 && accuracy < 1.0, "one-epoch MLP test accuracy " + accuracy);
    }

    private static void forward(float[] x, int base, float[] w1, float[] b1, float[] w2, float[] b2, float[] h, float[] p) {
        int in = 784;
        for (int j = 0; j < h.length; j++) {
            float a = b1[j];
            for (int i = 0; i < in; i++) {
                a += w1[j * in + i] * x[base + i];
            }
            h[j] = Math.max(a, 0);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int o = 0; o < p.length; o++) {
            float a = b2[o];
            for (int j = 0; j < h.length; j++) {
                a += w2[o * h.length + j] * h[j];
            }
            p[o] = a;
            max = Math.max(max, a);
        }
        float sum = 0;
        for (int o = 0; o < p.length; o++) {
            p[o] = (float) Math.exp(p[o] - max);
            sum += p[o];
        }
        for (int o = 0; o < p.length; o++) {
            p[o] /= sum;
        }
    }
}
