package org.fluxion.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Iterates a {@link Dataset} in batches, one epoch per {@link #iterator()} call.
 *
 * <pre>{@code
 * try (DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(42).prefetch(2).build()) {
 *     for (int epoch = 0; epoch < 5; epoch++) {
 *         for (Batch b : loader) { ... b.features() [64, 28, 28], b.labels() [64] ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Every sample appears exactly once per epoch (the last batch is smaller unless
 * {@link Builder#dropLast} drops it). With a seed, the order of epoch {@code e} depends only on the
 * seed and {@code e}, so a run can be resumed at any epoch; with a {@link RandomGenerator} the orders
 * come from that generator's stream. With {@link Builder#prefetch(int)} {@code > 0}, a daemon worker
 * thread gathers up to that many batches ahead so that gathering overlaps the training step.
 * Closing the loader (or the epoch's iterator) stops the worker; starting a new epoch closes the
 * previous one.
 */
public final class DataLoader implements Iterable<Batch>, AutoCloseable {
    private static final RandomGeneratorFactory<RandomGenerator> SEEDED = RandomGeneratorFactory.of("L64X128MixRandom");

    private final Dataset dataset;
    private final int batchSize;
    private final boolean dropLast;
    private final int prefetch;
    private final Long seed;
    private final RandomGenerator random;
    private int nextEpoch;
    private Epoch current;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.prefetch = b.prefetch;
        this.seed = b.seed;
        this.random = b.random;
    }

    /** A builder with batch size 32, no shuffling, no drop-last and no prefetch. */
    public static Builder builder(Dataset dataset) {
        return new Builder(Objects.requireNonNull(dataset, "dataset"));
    }

    /** The dataset iterated. */
    public Dataset dataset() {
        return dataset;
    }

    /** Batches per epoch: {@code floor(N / B)} with drop-last, else {@code ceil(N / B)}. */
    public int batchCount() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The next epoch (0, 1, 2, ... in call order); closes the previous epoch's iterator. */
    @Override
    public synchronized Epoch iterator() {
        return startEpoch(nextEpoch++);
    }

    /**
     * The iterator of epoch {@code epoch}: with a seed its order is reproducible regardless of which
     * epochs ran before. Also sets the next epoch {@link #iterator()} returns to {@code epoch + 1}.
     */
    public synchronized Epoch epoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader.epoch: negative epoch " + epoch);
        }
        nextEpoch = epoch + 1;
        return startEpoch(epoch);
    }

    private Epoch startEpoch(int epoch) {
        if (current != null) {
            current.close();
        }
        current = new Epoch(order(epoch));
        return current;
    }

    /** Stops the current epoch's prefetch worker, if any. The loader may still start new epochs. */
    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private int[] order(int epoch) {
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        RandomGenerator rng = seed != null
                // A golden-ratio stride keeps (seed, epoch) pairs from colliding for nearby seeds.
                ? SEEDED.create(seed + 0x9E3779B97F4A7C15L * (epoch + 1L))
                : random;
        if (rng != null) {
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    private int[] batchIndices(int[] order, int batch) {
        int from = batch * batchSize;
        int to = Math.min(order.length, from + batchSize);
        int[] indices = new int[to - from];
        System.arraycopy(order, from, indices, 0, indices.length);
        return indices;
    }

    /**
     * One epoch's batches. Closing it early stops its prefetch worker; an exception thrown while
     * gathering a batch on the worker is rethrown by {@link #next()}.
     */
    public final class Epoch implements Iterator<Batch>, AutoCloseable {
        private static final Object END = new Object();

        private record Failure(RuntimeException error) {
        }

        private final int[] order;
        private final int count;
        private final BlockingQueue<Object> queue;
        private final Thread worker;
        private int delivered;
        private volatile boolean closed;
        /** A batch given back by {@link #recycle}, for the next one to be written into. */
        private Batch spare;

        private Epoch(int[] order) {
            this.order = order;
            this.count = batchCount();
            if (prefetch > 0 && count > 0) {
                queue = new ArrayBlockingQueue<>(prefetch);
                worker = Thread.ofPlatform().daemon().name("fluxion-data-prefetch").start(this::produce);
            } else {
                queue = null;
                worker = null;
            }
        }

        private void produce() {
            try {
                for (int b = 0; b < count && !closed; b++) {
                    Object item;
                    try {
                        item = dataset.batch(batchIndices(order, b));
                    } catch (RuntimeException e) {
                        queue.put(new Failure(e));
                        return;
                    }
                    queue.put(item);
                }
                queue.put(END);
            } catch (InterruptedException e) {
                // close() interrupts a worker blocked on a full queue: just stop.
            }
        }

        @Override
        public boolean hasNext() {
            return !closed && delivered < count;
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("DataLoader: epoch has no more batches (" + count + " in all)");
            }
            if (worker == null) {
                Batch b = dataset.batch(batchIndices(order, delivered++), spare);
                spare = null;
                return b;
            }
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("DataLoader: interrupted while waiting for a batch", e);
            }
            if (item instanceof Failure f) {
                close();
                throw f.error();
            }
            delivered++;
            if (delivered == count) {
                closed = true;
            }
            return (Batch) item;
        }

        /**
         * Gives back a batch this epoch returned that the caller will not read again: the next batch may be
         * written into its storage ({@link Dataset#batch(int[], Batch)}). Loading ahead ({@link Builder#prefetch})
         * ignores it.
         */
        public void recycle(Batch batch) {
            if (worker == null) {
                spare = batch;
            }
        }

        /** Stops the worker (if still running) and discards prefetched batches. Idempotent. */
        @Override
        public void close() {
            closed = true;
            if (worker != null && worker.isAlive()) {
                worker.interrupt();
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (queue != null) {
                queue.clear();
            }
        }

        /** True once the epoch is exhausted or closed and its worker (if any) has stopped. */
        public boolean isFinished() {
            return closed && (worker == null || !worker.isAlive());
        }
    }

    /** Settings of a {@link DataLoader}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 32;
        private boolean dropLast;
        private int prefetch;
        private Long seed;
        private RandomGenerator random;

        private Builder(Dataset dataset) {
            this.dataset = dataset;
        }

        /** Samples per batch, at least 1. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Shuffles each epoch with an order that depends only on {@code seed} and the epoch. */
        public Builder shuffle(long seed) {
            this.seed = seed;
            this.random = null;
            return this;
        }

        /** Shuffles each epoch with draws from {@code random}, which the loader then owns. */
        public Builder shuffle(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            this.seed = null;
            return this;
        }

        /** Drops the last batch of an epoch when it has fewer than batch-size samples. */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** Batches a worker thread gathers ahead of the consumer; 0 (the default) gathers inline. */
        public Builder prefetch(int batches) {
            if (batches < 0) {
                throw new IllegalArgumentException("DataLoader: prefetch must be >= 0, got " + batches);
            }
            this.prefetch = batches;
            return this;
        }

        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
