package org.fluxion.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Heap measurements of this JVM, for memory benchmarks:
 * <ul>
 *   <li>{@link #liveBytes()}: heap in use right after a forced full GC, i.e. what is reachable;</li>
 *   <li>{@link #peakLiveBytes()}: the largest heap in use right after any GC since {@link #start()},
 *       from GC notifications: the peak of reachable data as sampled by the collector (garbage not
 *       counted, so young-generation sizing does not inflate it).</li>
 * </ul>
 * Call {@link #stop()} when done. One probe at a time.
 */
final class HeapProbe implements AutoCloseable {
    private final AtomicLong peakAfterGc = new AtomicLong();
    private final NotificationListener listener = (n, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            var info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
            long used = 0;
            for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                used += u.getUsed();
            }
            peakAfterGc.accumulateAndGet(used, Math::max);
        }
    };

    private HeapProbe() {
    }

    /** Starts listening to GC notifications. */
    static HeapProbe start() {
        HeapProbe p = new HeapProbe();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(p.listener, null, null);
        }
        return p;
    }

    /** Heap in use after forced full GCs (a few, until the number settles). */
    static long liveBytes() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (now >= used - (1 << 20)) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }

    /** {@link #liveBytes()}, also counted in {@link #peakLiveBytes()}. */
    long sample() {
        long live = liveBytes();
        peakAfterGc.accumulateAndGet(live, Math::max);
        return live;
    }

    /**
     * The largest heap in use after any GC since {@link #start()}, including {@link #sample()}s
     * (notifications arrive asynchronously).
     */
    long peakLiveBytes() {
        try {
            Thread.sleep(200); // let pending notifications arrive
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return peakAfterGc.get();
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) gc).removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException e) {
                // not registered with this collector
            }
        }
    }
}
