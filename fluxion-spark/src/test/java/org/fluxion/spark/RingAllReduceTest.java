package org.fluxion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ring's sums, without Spark: K workers in threads of this JVM connected over loopback. Every worker ends
 * with the bits of {@link RingAllReduce#sumInRingOrder}, the grouping a single-process reference reproduces.
 */
class RingAllReduceTest {
    @ParameterizedTest(name = "{0} workers, {1} floats")
    @CsvSource({"2, 11", "3, 10", "3, 1001", "4, 3", "5, 64"})
    void everyWorkerEndsWithTheBitsOfTheRingOrder(int workers, int length) throws Exception {
        float[][] buffers = spread(workers, length, 31L * workers + length);
        float[] expected = RingAllReduce.sumInRingOrder(copy(buffers));
        float[][] results = ring(copy(buffers));
        for (int r = 0; r < workers; r++) {
            assertArrayEquals(expected, results[r], "worker " + r);
        }
        float[] rankOrder = GatherAllReduce.sumInRankOrder(buffers);
        if (workers == 2) {
            assertArrayEquals(rankOrder, expected, "two workers: float addition commutes, every order is one");
        } else if (length >= 64) {
            assertFalse(Arrays.equals(rankOrder, expected), "the check tells groupings apart");
        }
    }

    @Test
    void buffersOfDifferentLengthsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RingAllReduce.sumInRingOrder(new float[][] {new float[4], new float[4], new float[3]}));
        assertEquals("all-reduce: worker 2's buffer has 3 values, worker 0's 4", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GatherAllReduce.sumInRankOrder(new float[0][]));
    }

    /** Values of magnitudes from 1e-3 to 1e3 and both signs: sums whose rounding depends on the grouping. */
    private static float[][] spread(int workers, int length, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] b = new float[workers][length];
        for (float[] row : b) {
            for (int i = 0; i < length; i++) {
                row[i] = (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(-3, 4)));
            }
        }
        return b;
    }

    /** Each worker's buffer after {@link RingAllReduce#sum}, one thread per worker. */
    private static float[][] ring(float[][] buffers) throws Exception {
        int k = buffers.length;
        List<RingAllReduce.Listener> listeners = new ArrayList<>();
        String[] addresses = new String[k];
        for (int r = 0; r < k; r++) {
            listeners.add(new RingAllReduce.Listener("127.0.0.1"));
            addresses[r] = listeners.get(r).address();
        }
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                int rank = r;
                done.add(pool.submit(() -> {
                    try (RingAllReduce ring = new RingAllReduce(rank, addresses, listeners.get(rank))) {
                        ring.sum(buffers[rank]);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return buffers;
    }

    private static float[][] copy(float[][] b) {
        float[][] c = new float[b.length][];
        for (int i = 0; i < b.length; i++) {
            c[i] = b[i].clone();
        }
        return c;
    }
}
