package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Eight threads train one shared model, each calling {@code backward()} on its own batch, and the
 * parameters' accumulated gradients equal those of the same batches run serially (issue 9: without
 * synchronization about half the gradient was lost, silently).
 *
 * <p>The comparison is exact, not within a tolerance: weights, biases, inputs and targets are small
 * integers in float64 and the layers only multiply, add and take ReLU, so every product and every partial
 * sum is an integer far below 2^53, exactly representable. The accumulated gradient is then the same
 * bits whatever order the threads add in, and a single lost contribution changes it.
 */
class SharedModelThreadsTest {
    private static final int THREADS = 8;
    private static final int STEPS = 10;

    /** An integer-valued float64 matrix {@code [rows, cols]} in [-2, 2], varied by {@code seed}. */
    private static Tensor integers(int seed, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.floorMod(i * 5 + seed * 3 + i / 7, 5) - 2;
        }
        return Tensor.of(v, dims);
    }

    private static Sequential model() {
        return new Sequential(new Linear(integers(1, 6, 4), integers(2, 6)), Activation.relu(),
                new Linear(integers(3, 3, 6), integers(4, 3)));
    }

    /** Forward and backward of {@code sum((model(x) - target)^2)} on thread {@code t}'s batch. */
    private static void step(Sequential model, int t) {
        Tensor x = integers(10 + t, 8, 4);
        Tensor target = integers(20 + t, 8, 3);
        Tensor d = model.apply(x).sub(target);
        d.mul(d).sum().backward();
    }

    @Test
    void eightThreadsOnASharedModelAccumulateTheSerialGradients() throws Exception {
        Sequential serial = model();
        for (int t = 0; t < THREADS; t++) {
            for (int s = 0; s < STEPS; s++) {
                step(serial, t);
            }
        }
        Sequential shared = model();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int s = 0; s < STEPS; s++) {
                        step(shared, thread);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Map<String, Tensor> expected = serial.parameters();
        for (Map.Entry<String, Tensor> p : shared.parameters().entrySet()) {
            Tensor want = expected.get(p.getKey()).grad();
            assertNotNull(want, p.getKey());
            assertEquals(want, p.getValue().grad(), p.getKey());
        }
    }
}
