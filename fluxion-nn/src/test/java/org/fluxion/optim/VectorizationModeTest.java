package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.SplittableRandom;
import org.fluxion.data.DataLoader;
import org.fluxion.data.Synthetic;
import org.fluxion.kernels.Vectorization;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Sequential;
import org.fluxion.train.History;
import org.fluxion.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the nn layer runs with and without {@code --add-modules jdk.incubator.vector}. Surefire runs this
 * class in both modes (the scalar-kernels execution without the module), each telling the test which to expect.
 */
class VectorizationModeTest {
    /** The kernels in use are the Vector API's exactly when this JVM was started with the module. */
    @Test
    void modeMatchesHowTheJvmWasStarted() {
        String said = System.getProperty("fluxion.test.vector");
        boolean expected = said != null ? Boolean.parseBoolean(said)
                : ManagementFactory.getRuntimeMXBean().getInputArguments().stream().anyMatch(a -> a.contains(Vectorization.MODULE));
        assertEquals(expected, Vectorization.ENABLED,
                "Vectorization.ENABLED in a JVM started with " + ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    /**
     * The fused Adam step equals, bit for bit, its formula applied one element at a time in float32: the vector
     * lanes (with the module) and the scalar loop (the tail, or everything without it) round alike.
     */
    @Test
    void fusedAdamStepIsItsScalarFormulaInEitherMode() {
        int n = 16 * 64 + 15; // whole vectors of any species, and a tail
        Random r = new Random(7);
        float[] p = new float[n], g = new float[n], m = new float[n], v = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
            m[i] = (float) r.nextGaussian() * 0.1f;
            v[i] = i % 2 == 0 ? 0 : (float) Math.abs(r.nextGaussian()) * 0.01f; // 0: the first step's
        }
        float[] pr = p.clone(), mr = m.clone(), vr = v.clone();
        double beta1 = 0.9, beta2 = 0.999;
        float eps = 1e-8f, step = 1e-3f / 0.1f, invSqrtBias2 = (float) (1 / Math.sqrt(0.001));
        AdamKernel.step(p, 0, g, 0, m, 0, v, 0, n, beta1, beta2, eps, step, invSqrtBias2);
        float b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        for (int i = 0; i < n; i++) {
            // m = b1 m + c1 g; v = b2 v + (g g) c2; p -= (m step) / (sqrt(v) invSqrtBias2 + eps)
            mr[i] = mr[i] * b1 + g[i] * c1;
            vr[i] = vr[i] * b2 + g[i] * g[i] * c2;
            pr[i] -= mr[i] * step / ((float) Math.sqrt(vr[i]) * invSqrtBias2 + eps);
        }
        assertArrayEquals(mr, m, "first moment");
        assertArrayEquals(vr, v, "second moment");
        assertArrayEquals(pr, p, "parameters");
    }

    /** A small MLP learns the two moons in either mode (the README's example). */
    @Test
    void smallMlpTrains() {
        var rng = new SplittableRandom(0);
        var moons = Synthetic.moons(400, 0.2, 0);
        var loader = DataLoader.builder(moons).batchSize(32).shuffle(0).build();
        var model = new Sequential(new Linear(2, 32, rng), Activation.relu(), new Linear(32, 2, rng));
        History history = new Trainer(model, new Adam(0.01), Losses::crossEntropy).progress(false).fit(loader, loader, 20);
        double accuracy = history.last(History.VAL_ACCURACY).getAsDouble();
        assertTrue(accuracy > 0.95, "validation accuracy " + accuracy + " (vector kernels: " + Vectorization.ENABLED + ")");
    }
}
