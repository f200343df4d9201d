package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.fluxion.optim.Adam;
import org.fluxion.optim.GradientClipping;
import org.fluxion.optim.Optimizer;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** An MLP learns a synthetic non-linear 2-class problem: the loss falls and accuracy exceeds 95%. */
class EndToEndTest {
    @Test
    void mlpSeparatesADiskFromItsRing() {
        var rng = new SplittableRandom(2024);
        int n = 400;
        float[] xs = new float[2 * n];
        long[] ys = new long[n];
        for (int i = 0; i < n; i++) {
            double a = rng.nextDouble(-1, 1);
            double b = rng.nextDouble(-1, 1);
            xs[2 * i] = (float) a;
            xs[2 * i + 1] = (float) b;
            ys[i] = a * a + b * b < 0.6 ? 1 : 0; // a disk inside a square: not linearly separable
        }
        Tensor x = Tensor.of(xs, n, 2);
        Tensor y = Tensor.of(ys, n);
        Sequential model = new Sequential(new Linear(2, 32, rng), Activation.relu(), new Linear(32, 32, rng),
                Activation.tanh(), new Linear(32, 2, rng));
        Optimizer opt = new Adam(0.02);
        var params = model.parameters();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 300; step++) {
            model.zeroGrad();
            Tensor loss = Losses.crossEntropy(model.apply(x), y).add(Regularization.l2(Regularization.weights(model), 1e-5));
            loss.backward();
            GradientClipping.clipByGlobalNorm(params, 5.0);
            opt.step(params);
            if (step == 0) {
                first = loss.item();
            }
            last = loss.item();
        }
        model.eval();
        double accuracy = model.apply(x).argmax(1, false).eq(y).to(org.fluxion.tensor.DType.FLOAT64).mean().item();
        assertTrue(last < first / 4, "loss " + first + " -> " + last);
        assertTrue(accuracy > 0.95, "accuracy " + accuracy);
    }
}
