package org.fluxion.jit.exec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * The compiled plans of one jitted function by signature, least recently used evicted beyond a capacity
 * (JAX's per-function LRU cache): a function called with ever new shapes (batch sizes, sequence lengths)
 * keeps at most {@code capacity} plans and their recycled buffers alive. An evicted plan is garbage once
 * the calls running it return; calling its signature again compiles it again, with the same result.
 *
 * <p>Thread-safe. A signature is compiled once however many threads ask for it at the same time (the
 * others wait for that compilation, outside the lock, so other signatures proceed); a compilation that
 * throws is forgotten, and every waiting caller gets its exception.
 */
public final class PlanCache<K, V> {
    private final int capacity;
    /** In access order: the eldest entry is the least recently used. */
    private final Map<K, FutureTask<V>> entries;
    private long compilations;

    public PlanCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("jit: the plan cache needs a capacity >= 1, got " + capacity);
        }
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, FutureTask<V>> eldest) {
                return size() > PlanCache.this.capacity;
            }
        };
    }

    /** The value of {@code key}, computed with {@code compile} on a miss. */
    public V get(K key, Function<K, V> compile) {
        FutureTask<V> task;
        boolean mine = false;
        synchronized (this) {
            task = entries.get(key);
            if (task == null) {
                task = new FutureTask<>(() -> compile.apply(key));
                entries.put(key, task); // may evict the least recently used
                compilations++;
                mine = true;
            }
        }
        if (mine) {
            task.run();
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            synchronized (this) {
                entries.remove(key, task);
            }
            throw rethrown(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("jit: interrupted while waiting for another thread to compile " + key, e);
        }
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }

    public int capacity() {
        return capacity;
    }

    /** How many signatures are cached now (at most {@link #capacity()}). */
    public synchronized int size() {
        return entries.size();
    }

    /** How many compilations started (one per miss, evicted signatures counted again). */
    public synchronized long compilations() {
        return compilations;
    }

    /** The cached values whose compilation finished, least recently used first (for tests). */
    public synchronized List<V> values() {
        List<V> out = new ArrayList<>();
        for (FutureTask<V> t : entries.values()) {
            if (t.state() == java.util.concurrent.Future.State.SUCCESS) {
                out.add(t.resultNow());
            }
        }
        return out;
    }
}
