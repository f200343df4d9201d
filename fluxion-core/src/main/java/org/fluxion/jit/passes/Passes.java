package org.fluxion.jit.passes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.StopGradient;
import org.fluxion.ops.StorageTypes;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The optimization pipeline of {@link org.fluxion.jit.Jit}. {@link #optimize} keeps every equation a primitive of the
 * rule table, so the optimized graph stays differentiable; {@link #fuse} then replaces elementwise
 * chains by generated kernels.
 */
public final class Passes {
    /** Constant folding computes results of at most this many elements at compile time. */
    static final int FOLD_LIMIT = 1 << 16;

    private Passes() {
    }

    /**
     * Algebraic simplification, constant folding and common-subexpression elimination in one forward
     * sweep (each rewrite sees the rewritten inputs), then dead-code elimination.
     */
    public static Graph optimize(Graph g) {
        Map<Value, Value> replaced = new IdentityHashMap<>();
        Map<List<Object>, Value[]> seen = new HashMap<>();
        List<Equation> kept = new ArrayList<>();
        int[] ids = {maxId(g) + 1};
        for (Equation e0 : g.equations()) {
            Value[] ins = resolve(replaced, e0.inputs());
            Equation e = e0.withInputs(ins);
            Value simpler = e.outputs().length == 1 ? Algebra.simplify(e) : null;
            Value[] replacement = simpler != null ? new Value[] {simpler} : fold(e, ids);
            List<Object> key = replacement == null ? cseKey(e) : null;
            if (replacement == null && key != null) {
                replacement = seen.get(key);
            }
            if (replacement != null) {
                for (int k = 0; k < replacement.length; k++) {
                    replaced.put(e.outputs()[k], replacement[k]);
                }
                continue;
            }
            if (key != null) {
                seen.put(key, e.outputs());
            }
            kept.add(e);
        }
        List<Value> outs = List.of(resolve(replaced, g.outputs().toArray(Value[]::new)));
        return deadCode(new Graph(g.inputs(), kept, outs));
    }

    static int maxId(Graph g) {
        int max = -1;
        for (Value v : g.inputs()) {
            max = Math.max(max, v.id());
        }
        for (Equation e : g.equations()) {
            for (Value v : e.outputs()) {
                max = Math.max(max, v.id());
            }
            for (Value v : e.inputs()) {
                max = Math.max(max, v.id());
            }
        }
        return max;
    }

    private static Value[] resolve(Map<Value, Value> replaced, Value[] vs) {
        Value[] out = vs.clone();
        for (int i = 0; i < out.length; i++) {
            Value r = replaced.get(out[i]);
            if (r != null) {
                out[i] = r;
            }
        }
        return out;
    }

    /**
     * Removes equations whose outputs no graph output depends on (every primitive is pure); an equation of
     * several outputs stays while one of them is used.
     */
    static Graph deadCode(Graph g) {
        Map<Value, Boolean> live = new IdentityHashMap<>();
        for (Value v : g.outputs()) {
            live.put(v, true);
        }
        boolean[] keep = new boolean[g.equations().size()];
        for (int i = g.equations().size() - 1; i >= 0; i--) {
            Equation e = g.equations().get(i);
            if (Arrays.stream(e.outputs()).anyMatch(live::containsKey)) {
                keep[i] = true;
                for (Value v : e.inputs()) {
                    live.put(v, true);
                }
            }
        }
        List<Equation> kept = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                kept.add(g.equations().get(i));
            }
        }
        return kept.size() == g.equations().size() ? g : new Graph(g.inputs(), kept, g.outputs());
    }

    /**
     * Evaluates an equation whose inputs are all constants, when its result is small: the result
     * becomes a constant. (Most folding already happened while tracing, where operations on concrete
     * tensors run at once; this catches what simplification exposes.)
     */
    private static Value[] fold(Equation e, int[] ids) {
        if (!(e.primitive() instanceof Record)) {
            return null;
        }
        TensorType[] types = new TensorType[e.outputs().length];
        for (int k = 0; k < types.length; k++) {
            types[k] = e.outputs()[k].type();
            if (types[k].shape().size() > FOLD_LIMIT) {
                return null;
            }
        }
        Tensor[] in = new Tensor[e.inputs().length];
        for (int i = 0; i < in.length; i++) {
            if (!e.inputs()[i].isConstant()) {
                return null;
            }
            in[i] = e.inputs()[i].constant();
        }
        Tensor[] values = StorageTypes.computeAll(e.primitive(), types, in);
        Value[] out = new Value[values.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = new Value(ids[0]++, types[k], values[k], null);
        }
        return out;
    }

    /**
     * Two equations are the same computation when they apply equal primitives (records compared by
     * their parameters, arrays by content) to the same values. Primitives that are not records (custom
     * rules carrying a precomputed value) are never merged.
     */
    private static List<Object> cseKey(Equation e) {
        Primitive p = e.primitive();
        if (!(p instanceof Record r)) {
            return null;
        }
        List<Object> key = new ArrayList<>();
        key.add(p.getClass());
        for (var c : r.getClass().getRecordComponents()) {
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                Object v = accessor.invoke(r);
                key.add(v != null && v.getClass().isArray() ? Arrays.asList(boxed(v)) : v);
            } catch (ReflectiveOperationException ex) {
                return null;
            }
        }
        for (Value v : e.inputs()) {
            key.add(new Identity(v));
        }
        return key;
    }

    private static Object[] boxed(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = java.lang.reflect.Array.get(array, i);
        }
        return out;
    }

    /** Compares values by identity inside CSE keys (constants: the same tensor object). */
    private record Identity(Value v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Identity i && (i.v == v || (v.isConstant() && i.v.isConstant() && v.constant() == i.v.constant()));
        }

        @Override
        public int hashCode() {
            return v.isConstant() ? System.identityHashCode(v.constant()) : System.identityHashCode(v);
        }
    }

    /**
     * Bias, shortcut and ReLU applied by the convolutions that feed them, max pooling's gradient routed by codes its
     * forward records, transposed products computed in their readers' layout, bias additions folded into their
     * GEMMs, then fusion of elementwise chains into generated kernels, an optimizer's update applied by its kernel,
     * and each sum over leading axes computed by the kernel of its input.
     */
    public static Graph fuse(Graph g) {
        Graph r = ConvEpilogue.rewrite(withoutStopGradients(g));
        r = MaxPoolWindows.rewrite(MaxPoolReluGrad.rewrite(r));
        r = MatMulBias.rewrite(TransposedProducts.rewrite(r));
        r = ScaledAdds.rewrite(Fusion.fuse(r));
        return RowSums.rewrite(r);
    }

    /**
     * {@code g} with each equation of {@code replacement} replaced by its value and those of {@code dropped} (not
     * replaced) left out, in order: what a pattern pass that fuses a chain into its last step returns.
     */
    static Graph rewritten(Graph g, Map<Equation, Equation> replacement, Map<Equation, Boolean> dropped) {
        if (replacement.isEmpty()) {
            return g;
        }
        List<Equation> out = new ArrayList<>();
        for (Equation e : g.equations()) {
            Equation r = replacement.get(e);
            if (r != null) {
                out.add(r);
            } else if (!dropped.containsKey(e)) {
                out.add(e);
            }
        }
        return new Graph(g.inputs(), out, g.outputs());
    }

    /**
     * The graph with each {@code stopGradient} read as its input: the graph that runs is not differentiated again
     * (its nested graphs, which may be, keep theirs), and the identity would stand between the elementwise
     * operations around it and keep them from fusing. One whose output is a graph output stays.
     */
    static Graph withoutStopGradients(Graph g) {
        Map<Value, Value> replaced = new IdentityHashMap<>();
        Set<Value> outputs = Collections.newSetFromMap(new IdentityHashMap<>());
        outputs.addAll(g.outputs());
        List<Equation> kept = new ArrayList<>(g.equations().size());
        for (Equation e : g.equations()) {
            Equation r = e.withInputs(resolve(replaced, e.inputs()));
            if (r.primitive() instanceof StopGradient && !outputs.contains(r.output())) {
                replaced.put(r.output(), r.inputs()[0]);
            } else {
                kept.add(r);
            }
        }
        return replaced.isEmpty() ? g : new Graph(g.inputs(), kept, g.outputs());
    }
}
