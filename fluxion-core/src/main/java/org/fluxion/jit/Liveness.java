package org.fluxion.jit;

import java.util.IdentityHashMap;
import java.util.Map;

/** Liveness analysis: where each value of a graph is used for the last time. */
final class Liveness {
    private Liveness() {
    }

    /**
     * For every value read by an equation, the index of the last equation that reads it; values that are
     * outputs of the graph are live to the end (index {@code equations.size()}).
     */
    static Map<Value, Integer> lastUses(Graph g) {
        Map<Value, Integer> last = new IdentityHashMap<>();
        for (int i = 0; i < g.equations.size(); i++) {
            for (Value v : g.equations.get(i).inputs()) {
                last.put(v, i);
            }
        }
        for (Value v : g.outputs) {
            last.put(v, g.equations.size());
        }
        return last;
    }
}
