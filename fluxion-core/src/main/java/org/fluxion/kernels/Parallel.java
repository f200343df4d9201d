package org.fluxion.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * Splits loops over the worker threads, or runs them on the caller when the work is too small to be
 * worth a thread hand-off (a hand-off costs several microseconds).
 *
 * <p>The thread count is a process-wide setting ({@link #setThreads}), 1 meaning fully serial; it
 * defaults to the number of available processors.
 */
public final class Parallel {
    /** A loop body over the half-open range {@code [start, end)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = Runtime.getRuntime().availableProcessors();

    private Parallel() {
    }

    /** Number of threads kernels may use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels may use ({@code >= 1}). */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        }
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setDaemon(true);
                        t.setName("fluxion-worker-" + t.getPoolIndex());
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at least
     * {@code grain} items; serially on the calling thread when there is a single chunk.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int chunks = chunks(n, grain);
        if (chunks <= 1) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        if (ForkJoinTask.inForkJoinPool()) {
            // Already inside a worker: nested parallelism would only add hand-offs.
            body.run(0, n);
            return;
        }
        // The caller runs chunk 0 itself while the pool runs the rest: on a VM, waking a sleeping
        // thread costs tens of microseconds, and a caller blocked in invoke() pays that once more
        // on the way out. Working (then briefly spinning) keeps it awake instead.
        ForkJoinTask<Void> rest = pool().submit(new Chunks(body, n, chunks, 1, chunks));
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (!rest.isDone() && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
        }
        try {
            rest.join();
        } catch (RuntimeException | Error e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure != null) {
            throw (Error) failure;
        }
    }

    /** How long a caller spins for the pool's chunks before sleeping: about one thread wake-up. */
    private static final long SPIN_NANOS = 50_000;

    /** Number of chunks {@link #forRange} would use for {@code n} items of minimum chunk {@code grain}. */
    public static int chunks(int n, int grain) {
        long byGrain = n / Math.max(1L, grain);
        return (int) Math.max(1, Math.min(threads, byGrain));
    }

    private static final class Chunks extends RecursiveAction {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final int lo;
        private final int hi;

        Chunks(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int start = (int) ((long) n * lo / chunks);
                int end = (int) ((long) n * (lo + 1) / chunks);
                body.run(start, end);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, chunks, lo, mid), new Chunks(body, n, chunks, mid, hi));
        }
    }
}
