package org.fluxion.jit;

import java.util.Collection;
import java.util.IdentityHashMap;

/**
 * A multiset of objects compared by identity, for the arguments of one compiled call (which storages they share,
 * which are donated): a linear scan while it holds few, as a call usually does, which costs less than hashing
 * them; counts in an {@link IdentityHashMap} once it holds more than {@link #SCAN}.
 */
final class IdentityList<E> {
    /** The most objects looked up by a scan. */
    static final int SCAN = 16;
    private Object[] items;
    private int size;
    /** Each object's count, once there are more than {@link #SCAN}; null before. */
    private IdentityHashMap<Object, Integer> counts;

    IdentityList(int capacity) {
        items = new Object[Math.max(1, Math.min(capacity, SCAN))];
    }

    IdentityList(Collection<? extends E> all) {
        this(all.size());
        for (E e : all) {
            add(e);
        }
    }

    void add(E e) {
        if (counts != null) {
            counts.merge(e, 1, Integer::sum);
            return;
        }
        if (size == SCAN) {
            counts = new IdentityHashMap<>();
            for (int i = 0; i < size; i++) {
                counts.merge(items[i], 1, Integer::sum);
            }
            counts.merge(e, 1, Integer::sum);
            items = null;
            return;
        }
        if (size == items.length) {
            items = java.util.Arrays.copyOf(items, Math.min(SCAN, 2 * size));
        }
        items[size++] = e;
    }

    /** How many times {@code e} itself was added. */
    int count(Object e) {
        if (counts != null) {
            return counts.getOrDefault(e, 0);
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (items[i] == e) {
                n++;
            }
        }
        return n;
    }

    boolean contains(Object e) {
        if (counts != null) {
            return counts.containsKey(e);
        }
        for (int i = 0; i < size; i++) {
            if (items[i] == e) {
                return true;
            }
        }
        return false;
    }
}
