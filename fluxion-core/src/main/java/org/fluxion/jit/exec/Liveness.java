package org.fluxion.jit.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.MatMul;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.TensorType;

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
        for (int i = 0; i < g.equations().size(); i++) {
            for (Value v : g.equations().get(i).inputs()) {
                last.put(v, i);
            }
        }
        for (Value v : g.outputs()) {
            last.put(v, g.equations().size());
        }
        return last;
    }

    /**
     * Buffer reuse: which recycled buffer each equation writes into, or {@code -1} for a fresh allocation.
     * Fused kernels and GEMMs with a bias write into buffers; an output that is not a graph output and is
     * read only by steps that never keep a view of their inputs gets a buffer. A buffer is free again after the last use of the
     * value in it (interval allocation in execution order), so a chain of temporaries cycles through a few
     * buffers, and the plan keeps them from call to call: the steady state allocates only the results.
     */
    static int[] assignBuffers(Graph g, Map<Value, Integer> lastUse) {
        Map<Value, Boolean> outputs = new IdentityHashMap<>();
        g.outputs().forEach(v -> outputs.put(v, true));
        Map<Value, Boolean> viewed = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            if (!(e.primitive() instanceof IntoBuffer || e.primitive() instanceof MatMul)) {
                for (Value v : e.inputs()) {
                    viewed.put(v, true); // may alias its input (reshape, permute, ...) or keep it (control flow)
                }
            }
        }
        int n = g.equations().size();
        int[] buffer = new int[n];
        Arrays.fill(buffer, -1);
        Map<TensorType, ArrayDeque<Integer>> free = new HashMap<>();
        List<List<Integer>> freedAt = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            freedAt.add(new ArrayList<>());
        }
        Map<Integer, TensorType> typeOf = new HashMap<>();
        int count = 0;
        for (int i = 0; i < n; i++) {
            Equation e = g.equations().get(i);
            Value out = e.outputs().length == 1 ? e.output() : null; // an IntoBuffer primitive has one output
            if (out != null && e.primitive() instanceof IntoBuffer && !outputs.containsKey(out) && !viewed.containsKey(out)
                    && lastUse.containsKey(out)) {
                var key = new TensorType(Shape.of(out.type().shape().size()), out.type().dtype());
                ArrayDeque<Integer> stack = free.get(key);
                int b = stack == null || stack.isEmpty() ? count++ : stack.pop();
                buffer[i] = b;
                typeOf.put(b, key);
                freedAt.get(lastUse.get(out)).add(b);
            }
            for (int b : freedAt.get(i)) {
                free.computeIfAbsent(typeOf.get(b), k -> new ArrayDeque<>()).push(b);
            }
        }
        return buffer;
    }
}
