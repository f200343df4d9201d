package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataLoaderTest {
    /** Sample i has features [i, 10 i] and label i, so batches reveal which samples they hold. */
    static TensorDataset numbered(int n) {
        float[] x = new float[2 * n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i;
        }
        return new TensorDataset(Tensor.of(x, n, 2), Tensor.of(y, n));
    }

    /** The label sequence of one epoch, checking that features and labels stay paired. */
    static List<Long> labels(Iterable<Batch> epoch, List<Integer> sizes) {
        List<Long> seen = new ArrayList<>();
        for (Batch b : epoch) {
            sizes.add(b.size());
            long[] y = b.labels().toLongArray();
            float[] x = b.features().toFloatArray();
            for (int i = 0; i < y.length; i++) {
                assertEquals(y[i], (long) x[2 * i]);
                assertEquals(10 * y[i], (long) x[2 * i + 1]);
                seen.add(y[i]);
            }
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void everySampleExactlyOncePerEpoch(int prefetch) {
        try (DataLoader loader = DataLoader.builder(numbered(103)).batchSize(10).shuffle(7).prefetch(prefetch).build()) {
            assertEquals(11, loader.batchCount());
            for (int epoch = 0; epoch < 3; epoch++) {
                List<Integer> sizes = new ArrayList<>();
                List<Long> seen = labels(loader, sizes);
                assertEquals(103, seen.size());
                assertEquals(103, seen.stream().distinct().count());
                assertEquals(List.of(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3), sizes);
            }
        }
    }

    @Test
    void withoutShuffleOrderIsSequential() {
        DataLoader loader = DataLoader.builder(numbered(5)).batchSize(2).build();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), labels(loader, new ArrayList<>()));
    }

    @Test
    void dropLastDropsTheShortBatch() {
        DataLoader loader = DataLoader.builder(numbered(103)).batchSize(10).dropLast(true).shuffle(1).build();
        assertEquals(10, loader.batchCount());
        List<Integer> sizes = new ArrayList<>();
        assertEquals(100, labels(loader, sizes).size());
        assertTrue(sizes.stream().allMatch(s -> s == 10));
    }

    @Test
    void seededShuffleIsReproducibleAndDiffersBetweenEpochs() {
        DataLoader a = DataLoader.builder(numbered(50)).batchSize(8).shuffle(42).prefetch(2).build();
        DataLoader b = DataLoader.builder(numbered(50)).batchSize(8).shuffle(42).build();
        List<Long> a0 = labels(a, new ArrayList<>());
        List<Long> a1 = labels(a, new ArrayList<>());
        assertEquals(a0, labels(b, new ArrayList<>()));
        assertEquals(a1, labels(b, new ArrayList<>()));
        assertNotEquals(a0, a1);
        // Epoch 1 alone (a resumed run) gives the same order as epoch 1 after epoch 0.
        DataLoader c = DataLoader.builder(numbered(50)).batchSize(8).shuffle(42).build();
        assertEquals(a1, labels(() -> c.epoch(1), new ArrayList<>()));
        DataLoader other = DataLoader.builder(numbered(50)).batchSize(8).shuffle(43).build();
        assertNotEquals(a0, labels(other, new ArrayList<>()));
    }

    @Test
    void shuffleWithAGeneratorFollowsItsStream() {
        DataLoader a = DataLoader.builder(numbered(30)).batchSize(4).shuffle(new SplittableRandom(5)).build();
        DataLoader b = DataLoader.builder(numbered(30)).batchSize(4).shuffle(new SplittableRandom(5)).build();
        assertEquals(labels(a, new ArrayList<>()), labels(b, new ArrayList<>()));
        assertEquals(labels(a, new ArrayList<>()), labels(b, new ArrayList<>()));
    }

    @Test
    void closingEarlyStopsTheWorker() throws InterruptedException {
        DataLoader loader = DataLoader.builder(numbered(1000)).batchSize(1).prefetch(2).build();
        DataLoader.Epoch epoch = loader.iterator();
        epoch.next();
        epoch.close();
        assertTrue(epoch.isFinished());
        assertFalse(epoch.hasNext());
        // A new epoch closes the previous one.
        DataLoader.Epoch first = loader.iterator();
        DataLoader.Epoch second = loader.iterator();
        assertTrue(first.isFinished());
        assertEquals(0L, second.next().labels().getLong(0));
        loader.close();
        assertTrue(second.isFinished());
    }

    @Test
    void workerErrorsReachTheConsumer() {
        Dataset failing = new Dataset() {
            @Override
            public int size() {
                return 10;
            }

            @Override
            public Batch batch(int[] indices) {
                if (indices[0] >= 4) {
                    throw new IllegalStateException("sample " + indices[0] + " is corrupt");
                }
                return numbered(10).batch(indices);
            }
        };
        try (DataLoader loader = DataLoader.builder(failing).batchSize(2).prefetch(2).build()) {
            DataLoader.Epoch epoch = loader.iterator();
            epoch.next();
            epoch.next();
            IllegalStateException e = assertThrows(IllegalStateException.class, epoch::next);
            assertEquals("sample 4 is corrupt", e.getMessage());
            assertTrue(epoch.isFinished());
        }
    }

    @Test
    void datasetBatchGathersRowsAndChecksIndices() {
        TensorDataset ds = numbered(6);
        Batch b = ds.batch(new int[] {5, 0, 5});
        assertArrayEquals(new long[] {5, 0, 5}, b.labels().toLongArray());
        assertArrayEquals(new int[] {3, 2}, b.features().dims());
        assertThrows(IndexOutOfBoundsException.class, () -> ds.batch(new int[] {6}));
        assertEquals(List.of(2L, 3L), Arrays.stream(ds.slice(2, 4).labels().toLongArray()).boxed().toList());
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(ds).batchSize(0));
    }
}
