package org.fluxion.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentityListTest {
    /** Counts by identity, equal strings apart, below and past the scan's size (where it switches to a map). */
    @Test
    void countsByIdentityAtEverySize() {
        for (int n : new int[] {0, 1, 5, IdentityList.SCAN - 1, IdentityList.SCAN, IdentityList.SCAN + 1, 100}) {
            List<String> objects = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                objects.add(new String("x")); // equal, not identical
            }
            IdentityList<String> list = new IdentityList<>(2);
            for (String o : objects) {
                list.add(o);
            }
            if (n > 0) {
                list.add(objects.get(0)); // the first twice
            }
            for (int i = 0; i < n; i++) {
                assertTrue(list.contains(objects.get(i)), "n=" + n + " i=" + i);
                assertEquals(i == 0 ? 2 : 1, list.count(objects.get(i)), "n=" + n + " i=" + i);
            }
            String other = new String("x");
            assertFalse(list.contains(other), "n=" + n);
            assertEquals(0, list.count(other), "n=" + n);
        }
    }
}
