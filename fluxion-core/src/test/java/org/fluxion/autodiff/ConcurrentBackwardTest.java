package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Threads that each run forward and backward on their own batch, with shared parameters, accumulate
 * exactly the serial gradient (issue 9, item 2: without synchronization about half the contributions were
 * lost). Every value is a small integer, so every partial sum is exact in float64 and the accumulated
 * gradient is the same bits in any order: the comparison is exact.
 */
class ConcurrentBackwardTest {
    private static final int THREADS = 8;
    private static final int STEPS = 25;

    /** A batch of small integers in [-2, 2], different per thread. */
    private static Tensor batch(int thread) {
        double[] v = new double[16 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7 + thread * 3) % 5 - 2;
        }
        return Tensor.of(v, 16, 5);
    }

    /** {@code sum((x @ w + b)^2) + sum(w)}: reaches each leaf along two paths. */
    private static void step(Tensor x, Tensor w, Tensor b) {
        Tensor y = x.matmul(w).add(b);
        y.mul(y).sum().add(w.sum()).backward();
    }

    private static Tensor[] leaves() {
        double[] w = new double[5 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 3 - 1;
        }
        return new Tensor[] {Tensor.of(w, 5, 3).requiresGrad(true),
                Tensor.of(new double[] {1, 0, -1}, 3).requiresGrad(true)};
    }

    @Test
    void eightThreadsAccumulateExactlyTheSerialGradient() throws Exception {
        Tensor[] serial = leaves();
        for (int t = 0; t < THREADS; t++) {
            for (int s = 0; s < STEPS; s++) {
                step(batch(t), serial[0], serial[1]);
            }
        }
        Tensor[] shared = leaves();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Tensor x = batch(t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int s = 0; s < STEPS; s++) {
                        step(x, shared[0], shared[1]);
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
        assertEquals(serial[0].grad(), shared[0].grad());
        assertEquals(serial[1].grad(), shared[1].grad());
        assertEquals(DType.FLOAT64, shared[0].grad().dtype());
    }

    @Test
    void concurrentGradientsOfSharedLeavesAreEachThreadsOwn() throws Exception {
        // Autograd.grad returns gradients instead of accumulating them: each thread must get its own.
        Tensor[] shared = leaves();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Tensor>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Tensor x = batch(t);
                done.add(pool.submit(() -> {
                    start.await();
                    Tensor g = null;
                    for (int s = 0; s < STEPS; s++) {
                        Tensor y = x.matmul(shared[0]).add(shared[1]);
                        g = Autograd.grad(y.mul(y).sum(), new Tensor[] {shared[0]}, null, false, false)[0];
                    }
                    return g;
                }));
            }
            for (int t = 0; t < THREADS; t++) {
                Tensor y = batch(t).matmul(shared[0]).add(shared[1]);
                Tensor expected = Autograd.grad(y.mul(y).sum(), new Tensor[] {shared[0]}, null, false, false)[0];
                assertEquals(expected, done.get(t).get(), "thread " + t);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(null, shared[0].grad());
    }
}
