package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Losses against hand computations, stability, label smoothing, reductions and shape errors. */
class LossesTest {
    private static Tensor t(double... v) {
        return Tensor.of(v, v.length);
    }

    @Test
    void regression() {
        Tensor p = t(1, 2, 3);
        Tensor y = t(1, 1, 1);
        assertEquals(5.0 / 3, Losses.mse(p, y).item(), 1e-12);
        assertEquals(5, Losses.mse(p, y, Reduction.SUM).item(), 1e-12);
        assertEquals(1, Losses.mae(p, y).item(), 1e-12);
        assertArrayEquals(new double[] {0, 1, 2}, Losses.mae(p, y, Reduction.NONE).toDoubleArray(), 0);
        // d = [0.5, -2, 3], delta 1: 0.125, 1.5, 2.5
        assertEquals(4.125 / 3, Losses.huber(t(0.5, -2, 3), t(0, 0, 0), 1).item(), 1e-12);
        assertEquals(0.5 * 0.25 + 2 * (3 - 1), Losses.huber(t(0.5, 3), t(0, 0), 2, Reduction.SUM).item(), 1e-12);
    }

    @Test
    void crossEntropyFromLabelsAndProbabilities() {
        Tensor logits = Tensor.of(new double[] {1, 2, 3, 0.5, -1, 0}, 2, 3);
        double lse0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double lse1 = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(0));
        double expected = ((lse0 - 3) + (lse1 - 0.5)) / 2;
        Tensor labels = Tensor.of(new long[] {2, 0}, 2);
        assertEquals(expected, Losses.crossEntropy(logits, labels).item(), 1e-12);
        assertEquals(expected, Losses.crossEntropy(logits, Tensor.of(new int[] {2, 0}, 2)).item(), 1e-12);
        Tensor oneHot = Tensor.of(new double[] {0, 0, 1, 1, 0, 0}, 2, 3);
        assertEquals(expected, Losses.crossEntropy(logits, oneHot).item(), 1e-12);
        assertEquals(2 * expected, Losses.crossEntropy(logits, labels, 0, Reduction.SUM).item(), 1e-12);
    }

    @Test
    void labelSmoothing() {
        Tensor logits = Tensor.of(new double[] {1, 2, 3}, 1, 3);
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double s = 0.1;
        double expected = -((s / 3) * (1 - lse) + (s / 3) * (2 - lse) + (1 - s + s / 3) * (3 - lse));
        assertEquals(expected, Losses.crossEntropy(logits, Tensor.of(new long[] {2}, 1), s, Reduction.MEAN).item(), 1e-12);
    }

    @Test
    void hugeLogitsStayFinite() {
        Tensor logits = Tensor.of(new double[] {1000, 0, 0, -1000}, 2, 2).requiresGrad(true);
        Tensor loss = Losses.crossEntropy(logits, Tensor.of(new long[] {1, 0}, 2));
        assertEquals(500, loss.item(), 1e-9); // (1000 + 0) / 2
        loss.backward();
        assertArrayEquals(new double[] {0.5, -0.5, 0, 0}, logits.grad().toDoubleArray(), 1e-12);
        Tensor f32 = Tensor.of(new float[] {1e30f, -1e30f}, 1, 2);
        assertTrue(Double.isFinite(Losses.crossEntropy(f32, Tensor.of(new long[] {0}, 1)).item()));
    }

    @Test
    void binaryCrossEntropy() {
        double[] x = {0, 2, -3};
        double[] y = {1, 0, 1};
        double expected = (Math.log(2) + 2 + Math.log1p(Math.exp(-2)) + 3 + Math.log1p(Math.exp(-3))) / 3;
        assertEquals(expected, Losses.binaryCrossEntropyWithLogits(t(x), t(y)).item(), 1e-12);
        Tensor huge = t(1000, -1000).requiresGrad(true);
        Tensor l = Losses.binaryCrossEntropyWithLogits(huge, t(0, 1), Reduction.SUM);
        assertEquals(2000, l.item(), 1e-9);
        l.backward();
        assertArrayEquals(new double[] {1, -1}, huge.grad().toDoubleArray(), 1e-12);
        // from probabilities: agrees with the logit form through the sigmoid
        assertEquals(expected, Losses.binaryCrossEntropy(t(x).sigmoid(), t(y)).item(), 1e-9);
        assertEquals((-Math.log(0.9) - Math.log(0.8)) / 2, Losses.binaryCrossEntropy(t(0.9, 0.2), t(1, 0)).item(), 1e-12);
        // saturated probabilities are clipped to [eps, 1 - eps]: large but finite
        assertEquals(-Math.log(1e-7), Losses.binaryCrossEntropy(t(0, 1), t(1, 0)).item(), 1e-6);
    }

    @Test
    void hinge() {
        assertEquals(2.5 / 3, Losses.hinge(t(2, 0.5, -1), t(1, 1, 1)).item(), 1e-12);
        assertEquals(0 + 1.5 + 0, Losses.hinge(t(-2, 0.5, -1), t(-1, -1, -1), Reduction.SUM).item(), 1e-12);
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Losses.mse(Tensor.zeros(4, 1), Tensor.zeros(4)));
        assertEquals("mse: prediction shape [4, 1] and target shape [4] differ", e.getMessage());
        var ce = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(Tensor.zeros(4, 3), Tensor.zeros(DType.INT64, 5)));
        assertEquals("crossEntropy: class labels must be [4] for logits [4, 3], got [5]", ce.getMessage());
    }

    @Test
    void lossGradientsMatchFiniteDifferences() {
        Tensor y = LayerGradCheck.randn(2, 3, 4);
        Tensor labels = Tensor.of(new long[] {3, 0, 1}, 3);
        Tensor probs = LayerGradCheck.randn(4, 3, 4).softmax(1);
        Tensor signs = LayerGradCheck.randn(5, 3, 4).sign();
        Tensor x = LayerGradCheck.randn(3, 3, 4);
        var none = java.util.Map.<String, Tensor>of();
        LayerGradCheck.check("mse", p -> Losses.mse(p, y), x, true, none, 1e-6);
        LayerGradCheck.check("huber", p -> Losses.huber(p, y, 0.7), x, true, none, 1e-6);
        LayerGradCheck.check("crossEntropy", p -> Losses.crossEntropy(p, labels, 0.2, Reduction.MEAN), x, true, none, 1e-6);
        LayerGradCheck.check("crossEntropy probabilities", p -> Losses.crossEntropy(p, probs), x, true, none, 1e-6);
        LayerGradCheck.check("bce logits", p -> Losses.binaryCrossEntropyWithLogits(p, probs), x, true, none, 1e-6);
        LayerGradCheck.check("bce", p -> Losses.binaryCrossEntropy(p.sigmoid(), probs), x, true, none, 1e-6);
        LayerGradCheck.check("hinge", p -> Losses.hinge(p, signs), x, true, none, 1e-6);
    }
}
