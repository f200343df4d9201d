package org.fluxion.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits loops over a team of worker threads, or runs them on the caller when the work is too small
 * to be worth a hand-off.
 *
 * <p>Like an OpenMP runtime, the team's workers spin for a short while after each loop before they
 * park: waking a parked thread costs tens of microseconds on a virtual machine, more than a whole
 * small GEMM, while kernels usually come in quick succession. The caller works on the loop too.
 * Nested loops, and loops started while another thread is using the team, run on the calling thread.
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

    /** How long an idle worker spins before it parks. */
    private static final long SPIN_NANOS = 200_000;

    private static volatile int threads = Runtime.getRuntime().availableProcessors();
    private static volatile Team team;

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
            Team old = team;
            team = null;
            threads = n;
            if (old != null) {
                old.shutdown();
            }
        }
    }

    private static Team team() {
        Team t = team;
        if (t == null) {
            synchronized (Parallel.class) {
                t = team;
                if (t == null) {
                    t = new Team(threads - 1);
                    team = t;
                }
            }
        }
        return t;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} contiguous chunks of at least
     * {@code grain} items; serially on the calling thread when there is a single chunk.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int chunks = chunks(n, grain);
        if (chunks <= 1 || Thread.currentThread() instanceof Worker) {
            if (n > 0) {
                body.run(0, n);
            }
            return;
        }
        Team t = team();
        if (t.lock.isHeldByCurrentThread() || !t.lock.tryLock()) {
            body.run(0, n); // nested in a loop of ours, or the team is busy with another caller
            return;
        }
        try {
            t.run(new Job(body, n, chunks));
        } finally {
            t.lock.unlock();
        }
    }

    /** Number of chunks {@link #forRange} would use for {@code n} items of minimum chunk {@code grain}. */
    public static int chunks(int n, int grain) {
        long byGrain = n / Math.max(1L, grain);
        return (int) Math.max(1, Math.min(threads, byGrain));
    }

    /** One loop: its chunks are claimed one at a time by whichever thread is free. */
    private static final class Job {
        private final RangeBody body;
        private final int n;
        private final int chunks;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger remaining;
        private volatile Throwable failure;

        Job(RangeBody body, int n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.remaining = new AtomicInteger(chunks);
        }

        void work() {
            for (int q; (q = next.getAndIncrement()) < chunks; ) {
                try {
                    body.run((int) ((long) n * q / chunks), (int) ((long) n * (q + 1) / chunks));
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }

        boolean done() {
            return remaining.get() == 0;
        }
    }

    /** A worker thread of the team; loops it starts run inline. */
    private static final class Worker extends Thread {
        private final Team team;
        private volatile boolean parked;

        Worker(Team team, int index) {
            super("fluxion-worker-" + index);
            this.team = team;
            setDaemon(true);
        }

        @Override
        public void run() {
            long seen = 0;
            while (!team.stopped) {
                long deadline = System.nanoTime() + SPIN_NANOS;
                while (team.generation == seen && !team.stopped && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                if (team.generation == seen && !team.stopped) {
                    parked = true;
                    // Re-check after announcing: the caller reads `parked` after bumping the generation.
                    if (team.generation == seen && !team.stopped) {
                        LockSupport.park(this);
                    }
                    parked = false;
                    continue;
                }
                seen = team.generation;
                Job job = team.job;
                if (job != null) {
                    job.work();
                }
            }
        }
    }

    private static final class Team {
        final ReentrantLock lock = new ReentrantLock();
        final Worker[] workers;
        volatile Job job;
        volatile long generation;
        volatile boolean stopped;

        Team(int size) {
            workers = new Worker[size];
            for (int i = 0; i < size; i++) {
                workers[i] = new Worker(this, i);
                workers[i].start();
            }
        }

        void run(Job j) {
            job = j;
            generation++;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            j.work();
            // Only chunks already claimed by workers remain: wait for them, yielding the core if a
            // worker was descheduled in the middle of one.
            long yieldAfter = System.nanoTime() + SPIN_NANOS;
            while (!j.done()) {
                if (System.nanoTime() < yieldAfter) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            job = null;
            Throwable failure = j.failure;
            if (failure instanceof RuntimeException e) {
                throw e;
            } else if (failure instanceof Error e) {
                throw e;
            } else if (failure != null) {
                throw new IllegalStateException(failure);
            }
        }

        void shutdown() {
            stopped = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }
}
