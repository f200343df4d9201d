package org.fluxion.jvmad;

import java.util.function.Supplier;

/** A kernel built on first use (a build costs milliseconds; not every derivative is needed). */
final class Lazy<T> {
    private final Supplier<T> make;
    private volatile T value;

    Lazy(Supplier<T> make) {
        this.make = make;
    }

    T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = make.get();
                    value = v;
                }
            }
        }
        return v;
    }
}
