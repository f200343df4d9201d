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
import org.fluxion.ops.IntoBuffer;
import org.fluxion.ops.IntoBuffers;
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
     * Buffer reuse: which recycled buffer each output of each equation is written into, or {@code -1} for a fresh
     * allocation. Fused kernels, GEMMs with a bias and steps of several outputs that write into buffers
     * ({@link IntoBuffers}) do, for an output that no result of the graph may alias ({@link #aliasEnds}): its buffer
     * is free again after the last step that reads it or a view of it (interval allocation in execution order), so
     * a chain of temporaries cycles through a few buffers, and the plan keeps them from call to call: the steady
     * state allocates only the results.
     */
    static int[][] assignBuffers(Graph g, Map<Value, Integer> lastUse) {
        int n = g.equations().size();
        Map<Value, Integer> end = aliasEnds(g);
        int[][] buffer = new int[n][];
        Map<TensorType, ArrayDeque<Integer>> free = new HashMap<>();
        List<List<Integer>> freedAt = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            freedAt.add(new ArrayList<>());
        }
        Map<Integer, TensorType> typeOf = new HashMap<>();
        int count = 0;
        for (int i = 0; i < n; i++) {
            Equation e = g.equations().get(i);
            buffer[i] = new int[e.outputs().length];
            Arrays.fill(buffer[i], -1);
            boolean writes = e.primitive() instanceof IntoBuffer && e.outputs().length == 1
                    || e.primitive() instanceof IntoBuffers;
            for (int o = 0; writes && o < e.outputs().length; o++) {
                Value out = e.outputs()[o];
                if (!lastUse.containsKey(out) || end.getOrDefault(out, n) >= n) {
                    continue; // never read, or a result may alias it
                }
                var key = new TensorType(Shape.of(out.type().shape().size()), out.type().dtype());
                ArrayDeque<Integer> stack = free.get(key);
                int b = stack == null || stack.isEmpty() ? count++ : stack.pop();
                buffer[i][o] = b;
                typeOf.put(b, key);
                freedAt.get(end.get(out)).add(b);
            }
            for (int b : freedAt.get(i)) {
                free.computeIfAbsent(typeOf.get(b), k -> new ArrayDeque<>()).push(b);
            }
        }
        return buffer;
    }

    /**
     * Donation (JAX's {@code donate_argnums}): which argument's storage each result of the graph is written into,
     * per equation and output ({@code -1}: none), for the arguments flagged in {@code donated}. An argument's
     * storage is free after the last step that reads it or any view of it (a step that is not a fresh-result
     * kernel may alias its inputs in its outputs, so their reads count too; an argument that a result may alias
     * is never free), and a result of a step that writes into buffers ({@link IntoBuffer}, {@link IntoBuffers})
     * takes a free storage of its dtype and size: one freed by an earlier step, or one its own step reads last
     * when the step may write over that input. So the new parameters and optimizer moments of a training step
     * are written where the old ones were.
     */
    static int[][] assignDonors(Graph g, Map<Value, Integer> lastUse, boolean[] donated) {
        int n = g.equations().size();
        Map<Value, Integer> end = aliasEnds(g);
        Map<Value, Integer> argument = new IdentityHashMap<>();
        for (int k = 0; k < g.inputs().size(); k++) {
            Value v = g.inputs().get(k);
            if (donated[k] && !argument.containsKey(v) && end.getOrDefault(v, n) < n) {
                argument.put(v, k);
            }
        }
        Map<Value, Boolean> results = new IdentityHashMap<>();
        g.outputs().forEach(v -> results.put(v, true));
        Map<TensorType, ArrayDeque<Integer>> free = new HashMap<>();
        Map<Integer, Boolean> taken = new HashMap<>();
        int[][] donors = new int[n][];
        for (int i = 0; i < n; i++) {
            Equation e = g.equations().get(i);
            donors[i] = new int[e.outputs().length];
            Arrays.fill(donors[i], -1);
            boolean single = e.primitive() instanceof IntoBuffer;
            boolean multi = e.primitive() instanceof IntoBuffers;
            for (int o = 0; (single || multi) && o < e.outputs().length; o++) {
                Value out = e.outputs()[o];
                if (!results.containsKey(out)) {
                    continue; // intermediates cycle through the plan's own buffers
                }
                TensorType key = flat(out.type());
                for (int j = 0; j < e.inputs().length && donors[i][o] < 0; j++) {
                    Integer k = argument.get(e.inputs()[j]);
                    boolean overwritable = true;
                    for (int j2 = 0; j2 < e.inputs().length; j2++) { // every read of it must be elementwise
                        if (e.inputs()[j2] == e.inputs()[j]) {
                            overwritable &= single ? ((IntoBuffer) e.primitive()).mayWriteOver(j2)
                                    : ((IntoBuffers) e.primitive()).mayWriteOver(o, j2);
                        }
                    }
                    if (k != null && !taken.containsKey(k) && end.get(e.inputs()[j]) == i && overwritable
                            && flat(e.inputs()[j].type()).equals(key)) {
                        donors[i][o] = k;
                        taken.put(k, true);
                    }
                }
                ArrayDeque<Integer> stack = free.get(key);
                if (donors[i][o] < 0 && stack != null && !stack.isEmpty()) {
                    donors[i][o] = stack.pop();
                }
            }
            for (var a : argument.entrySet()) {
                if (end.get(a.getKey()) == i && !taken.containsKey(a.getValue())) {
                    taken.put(a.getValue(), true);
                    free.computeIfAbsent(flat(a.getKey().type()), t -> new ArrayDeque<>()).push(a.getValue());
                }
            }
        }
        return donors;
    }

    /**
     * For every value read by an equation or returned, the index of the last equation that reads it or a value
     * that may alias it, {@code equations.size()} when a result of the graph may alias it. A step that is not a
     * fresh-result kernel ({@link IntoBuffer}, {@link IntoBuffers}: fused kernels, products, convolutions) may alias
     * its inputs in its outputs (reshape, permute, control flow), so its inputs live as long as its outputs.
     */
    static Map<Value, Integer> aliasEnds(Graph g) {
        int n = g.equations().size();
        Map<Value, Integer> end = new IdentityHashMap<>();
        for (Value v : g.outputs()) {
            end.put(v, n);
        }
        for (int i = n - 1; i >= 0; i--) {
            Equation e = g.equations().get(i);
            for (Value v : e.inputs()) {
                end.merge(v, i, Math::max);
            }
            boolean fresh = e.primitive() instanceof IntoBuffer || e.primitive() instanceof IntoBuffers;
            if (!fresh) {
                int last = -1;
                for (Value o : e.outputs()) {
                    last = Math.max(last, end.getOrDefault(o, -1));
                }
                for (Value v : e.inputs()) {
                    end.merge(v, last, Math::max);
                }
            }
        }
        return end;
    }

    private static TensorType flat(TensorType t) {
        return new TensorType(Shape.of(t.shape().size()), t.dtype());
    }
}
