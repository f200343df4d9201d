package org.fluxion.jit.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Scratch objects that a compiled plan or kernel reuses from call to call (recycled buffers, repeat
 * arrays): a call takes one set, and gives it back when it returns. The pool belongs to the plan or
 * kernel that made it, so its sets become garbage together with it. (A {@code ThreadLocal} would not do:
 * each thread's map keeps the values of a dropped {@code ThreadLocal} until it happens to expunge them,
 * so the buffers of a discarded plan stayed alive in every thread that had run it.) It holds at most as
 * many sets as calls ever ran at once, and a set is used by one call at a time, so concurrent and
 * reentrant calls are safe.
 */
public final class Pool<T> {
    /**
     * The set most recently given back, taken first: a plan run by one thread at a time (the common case)
     * then costs one atomic swap per call, not a deque node allocated and linked.
     */
    private final AtomicReference<T> last = new AtomicReference<>();
    private final ConcurrentLinkedDeque<T> idle = new ConcurrentLinkedDeque<>();
    private final Supplier<T> fresh;

    public Pool(Supplier<T> fresh) {
        this.fresh = fresh;
    }

    /** An idle set (the most recently returned, whose arrays are likely in cache), or a new one. */
    public T take() {
        T t = last.getAndSet(null);
        if (t == null) {
            t = idle.pollFirst();
        }
        return t != null ? t : fresh.get();
    }

    /** Returns a set taken with {@link #take}; the caller must no longer use it. */
    public void give(T t) {
        if (!last.compareAndSet(null, t)) {
            idle.offerFirst(t);
        }
    }

    /** The idle sets, for tests and diagnostics. */
    List<T> idle() {
        List<T> all = new ArrayList<>();
        T t = last.get();
        if (t != null) {
            all.add(t);
        }
        all.addAll(idle);
        return all;
    }
}
