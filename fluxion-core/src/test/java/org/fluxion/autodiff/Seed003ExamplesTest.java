package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Seed 003's autograd notebook as tests, in float64: logistic regression on the 4-sample toy set, the
 * hinge-loss SVM on two Gaussian blobs, and the 2-layer tanh/softmax network with L2 on moons, whose
 * hand-coded backprop gradients must equal the autodiff ones.
 */
class Seed003ExamplesTest {
    static final boolean PRINT = Boolean.getBoolean("fluxion.test.print");

    // ---------------------------------------------------------------- logistic regression

    @Test
    void logisticRegressionOnTheToySet() {
        Tensor inputs = Tensor.of(new double[] {
            0.52, 1.12, 0.77,
            0.88, -1.08, 0.15,
            0.52, 0.06, -1.30,
            0.74, -2.49, 1.39}, 4, 3);
        Tensor targets = Tensor.of(new double[] {1, 1, 0, 1}, 4);
        Function<Tensor, Tensor> loss = w -> {
            Tensor preds = inputs.matmul(w.reshape(3, 1)).reshape(4).sigmoid();
            Tensor labelProbabilities = preds.mul(targets).add(preds.neg().add(1).mul(targets.neg().add(1)));
            return labelProbabilities.log().sum().neg();
        };
        Function<Tensor, Tensor> gradient = Functional.grad(loss);
        Tensor w = Tensor.zeros(DType.FLOAT64, 3);
        assertEquals(4 * Math.log(2), loss.apply(w).item(), 1e-12); // "Initial loss: 2.77258872224"
        for (int i = 0; i < 100; i++) {
            w = w.sub(gradient.apply(w).mul(0.01));
        }
        // The same 100 steps in numpy with the closed-form gradient -X^T (t - p).
        assertEquals(1.0672706757870165, loss.apply(w).item(), 1e-12);
        assertArrayEquals(new double[] {0.48307366, -0.37057217, 1.06937395}, w.toDoubleArray(), 1e-8);
    }

    // ---------------------------------------------------------------- SVM

    @Test
    void hingeLossSvmOnTwoBlobs() {
        int perClass = 100;
        Random rng = new Random(3);
        double[] xs = new double[2 * perClass * 2];
        double[] ys = new double[2 * perClass];
        for (int i = 0; i < 2 * perClass; i++) {
            double shift = i < perClass ? 0 : 5;
            xs[2 * i] = rng.nextGaussian() + shift;
            xs[2 * i + 1] = rng.nextGaussian() + shift;
            ys[i] = i < perClass ? -1 : 1;
        }
        Tensor x = Tensor.of(xs, 2 * perClass, 2);
        Tensor y = Tensor.of(ys, 1, 2 * perClass);
        // pred = w[0, :-1] . x^T + w[0, -1]; loss = sum(max(0, 1 - y * pred)) / N
        Function<Tensor, Tensor> predictions = w -> w.slice(1, 0, 2).matmul(x.transpose()).add(w.slice(1, 2, 3));
        Function<Tensor, Tensor> loss = w -> y.mul(predictions.apply(w)).neg().add(1).maximum(0).sum().div(x.dim(0));
        Function<Tensor, Tensor> gradient = Functional.grad(loss);
        Tensor w = Tensor.zeros(DType.FLOAT64, 1, 3);
        double initial = loss.apply(w).item();
        assertEquals(1, initial, 1e-12);
        double previous = initial;
        for (int i = 0; i < 1000; i++) {
            w = w.sub(gradient.apply(w).mul(0.05));
            if (i % 250 == 249) {
                double now = loss.apply(w).item();
                print("SVM loss after " + (i + 1) + " steps: " + now);
                assertTrue(now < previous, "the loss falls: " + now + " after " + previous);
                previous = now;
            }
        }
        assertTrue(previous < 0.05, "final hinge loss " + previous);
        double[] pred = predictions.apply(w).toDoubleArray();
        int correct = 0;
        for (int i = 0; i < pred.length; i++) {
            correct += Math.signum(pred[i]) == ys[i] ? 1 : 0;
        }
        assertTrue(correct >= 198, "accuracy " + correct + "/200");
    }

    // ---------------------------------------------------------------- 2-layer network on moons

    static final double REG_LAMBDA = 0.01;

    /** scikit-learn's make_moons: two interleaving half circles plus Gaussian noise; labels 0 (outer), 1. */
    static Tensor[] moons(int n, double noise, long seed) {
        Random rng = new Random(seed);
        int outer = n / 2;
        int inner = n - outer;
        double[] x = new double[2 * n];
        double[] onehot = new double[2 * n];
        for (int i = 0; i < n; i++) {
            boolean isOuter = i < outer;
            double t = isOuter ? Math.PI * i / (outer - 1) : Math.PI * (i - outer) / (inner - 1);
            x[2 * i] = (isOuter ? Math.cos(t) : 1 - Math.cos(t)) + noise * rng.nextGaussian();
            x[2 * i + 1] = (isOuter ? Math.sin(t) : 0.5 - Math.sin(t)) + noise * rng.nextGaussian();
            onehot[2 * i + (isOuter ? 0 : 1)] = 1;
        }
        return new Tensor[] {Tensor.of(x, n, 2), Tensor.of(onehot, n, 2)};
    }

    static Tensor softmaxProbs(Map<String, Tensor> m, Tensor x) {
        Tensor a1 = x.matmul(m.get("W1")).add(m.get("b1")).tanh();
        Tensor exp = a1.matmul(m.get("W2")).add(m.get("b2")).exp();
        return exp.div(exp.sum(new int[] {1}, true));
    }

    /** The notebook's calculate_loss: mean cross-entropy plus reg/2 (|W1|^2 + |W2|^2), all over N. */
    static Tensor loss(Map<String, Tensor> m, Tensor x, Tensor onehot) {
        Tensor dataLoss = softmaxProbs(m, x).log().mul(onehot).sum().neg();
        Tensor reg = m.get("W1").square().sum().add(m.get("W2").square().sum()).mul(REG_LAMBDA / 2);
        return dataLoss.add(reg).div(x.dim(0));
    }

    /**
     * The notebook's hand-coded backprop, divided by N to match calculate_loss (the notebook's gradients
     * are of N times it): delta3 = probs - onehot, dW2 = a1^T delta3, db2 = sum(delta3, axis 0),
     * delta2 = delta3 W2^T * (1 - a1^2), dW1 = X^T delta2, db1 = sum(delta2, axis 0), dW += reg W.
     */
    static Map<String, Tensor> handCodedGradients(Map<String, Tensor> m, Tensor x, Tensor onehot) {
        Tensor w1 = m.get("W1");
        Tensor w2 = m.get("W2");
        Tensor a1 = x.matmul(w1).add(m.get("b1")).tanh();
        Tensor exp = a1.matmul(w2).add(m.get("b2")).exp();
        Tensor probs = exp.div(exp.sum(new int[] {1}, true));
        Tensor delta3 = probs.sub(onehot);
        Tensor dW2 = a1.transpose().matmul(delta3);
        Tensor db2 = delta3.sum(new int[] {0}, true);
        Tensor delta2 = delta3.matmul(w2.transpose()).mul(a1.square().neg().add(1));
        Tensor dW1 = x.transpose().matmul(delta2);
        Tensor db1 = delta2.sum(new int[] {0}, true);
        dW2 = dW2.add(w2.mul(REG_LAMBDA));
        dW1 = dW1.add(w1.mul(REG_LAMBDA));
        double n = x.dim(0);
        return Map.of("W1", dW1.div(n), "b1", db1.div(n), "W2", dW2.div(n), "b2", db2.div(n));
    }

    @Test
    void twoLayerNetworkOnMoons() {
        Tensor[] data = moons(200, 0.20, 0);
        Tensor x = data[0];
        Tensor onehot = data[1];
        int hidden = 3;
        Random rng = new Random(0);
        Map<String, Tensor> model = new LinkedHashMap<>();
        model.put("W1", Tensor.randn(rng, DType.FLOAT64, 2, hidden).div(Math.sqrt(2)));
        model.put("b1", Tensor.zeros(DType.FLOAT64, 1, hidden));
        model.put("W2", Tensor.randn(rng, DType.FLOAT64, hidden, 2).div(Math.sqrt(hidden)));
        model.put("b2", Tensor.zeros(DType.FLOAT64, 1, 2));
        Function<Map<String, Tensor>, Functional.TreeValueAndGrad<Map<String, Tensor>>> valueAndGrad =
                Functional.treeValueAndGrad(m -> loss(m, x, onehot));
        double initial = loss(model, x, onehot).item();
        double previous = initial;
        for (int i = 0; i <= 3000; i++) {
            Functional.TreeValueAndGrad<Map<String, Tensor>> r = valueAndGrad.apply(model);
            if (i % 1000 == 0) {
                assertGradientsEqual(handCodedGradients(model, x, onehot), r.grad());
                print("moons loss after " + i + " steps: " + r.value().item());
                assertTrue(i == 0 || r.value().item() < previous, "the loss falls");
                previous = r.value().item();
            }
            // The notebook's AD version: model_flat -= grad_flat * 0.05.
            model = Tree.map(model, r.grad(), (p, g) -> p.sub(g.mul(0.05)));
        }
        assertTrue(initial > 0.5 && previous < 0.5 * initial, "loss from " + initial + " to " + previous);
        double[] p = softmaxProbs(model, x).toDoubleArray();
        double[] t = onehot.toDoubleArray();
        int correct = 0;
        for (int i = 0; i < 200; i++) {
            correct += (p[2 * i + 1] > p[2 * i]) == (t[2 * i + 1] == 1) ? 1 : 0;
        }
        print("moons accuracy " + correct + "/200");
        assertTrue(correct >= 170, "accuracy " + correct + "/200");
    }

    private static void assertGradientsEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k).dims(), actual.get(k).dims(), k + " shape");
            assertArrayEquals(expected.get(k).toDoubleArray(), actual.get(k).toDoubleArray(), 1e-10, k);
        }
    }

    private static void print(String line) {
        if (PRINT) {
            System.out.println(line);
        }
    }
}
