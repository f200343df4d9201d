package org.fluxion.autodiff;

import java.lang.ref.WeakReference;

/** For memory tests: whether an object becomes unreachable, observed through a weak reference. */
public final class GcProbe {
    private GcProbe() {
    }

    /** Runs GC until the reference is cleared, at most 20 times (10 ms apart); true when it was. */
    public static boolean collected(WeakReference<?> ref) {
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ref.get() == null;
    }
}
