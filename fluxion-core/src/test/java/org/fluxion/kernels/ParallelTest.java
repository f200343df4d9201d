package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Parallel#forRange}: every index exactly once, and failures reach the caller. */
class ParallelTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void coversEveryIndexOnce() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, 1, (s, e) -> {
                    for (int i = s; i < e; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void propagatesFailuresFromAnyChunk() {
        Parallel.setThreads(2);
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 1, (s, e) -> {
            if (s == 0) {
                throw new IllegalStateException("caller's chunk");
            }
        }));
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(10, 1, (s, e) -> {
            if (s > 0) {
                throw new IllegalStateException("pool's chunk");
            }
        }));
    }
}
