package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Trace;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Ops;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The engine behind {@link Vmap}: a function of a tree of tensors, batched. Per signature (argument
 * structure, per-example types, which leaves are batched) it traces {@code f} once on abstract per-example
 * tensors; each call then moves every batched leaf's batch axis to 0 and interprets the per-example graph
 * on the batched tensors with {@link BatchRules}.
 *
 * @param <T> the argument tree
 * @param <R> the result tree
 */
final class VmapCore<T, R> {
    private final Function<T, R> f;
    /**
     * Per-example graphs by signature, the least recently used evicted beyond {@link Jit#DEFAULT_CACHE_SIZE}
     * (a graph keeps the tensors it captured as constants, so an unbounded cache would keep those of every
     * shape the function was ever mapped over).
     */
    private final Map<Key, Traced> cache = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Traced> eldest) {
            return size() > Jit.DEFAULT_CACHE_SIZE;
        }
    });

    /** What the per-example graph depends on. */
    private record Key(TreeDef def, List<TensorType> types, List<Boolean> batched) {
    }

    /**
     * A traced per-example graph; {@code captured} are the tensors of enclosing traces it reads (extra
     * unbatched inputs after the arguments), present only in graphs that are not cached.
     */
    private record Traced(Graph graph, TreeDef resultDef, List<Tensor> captured) {
    }

    VmapCore(Function<T, R> f) {
        this.f = f;
    }

    /** How many distinct signatures were traced and cached. */
    int cachedSignatures() {
        return cache.size();
    }

    /**
     * {@code f} over the batch.
     *
     * @param leafAxes  per leaf of {@code args} (depth-first order): the batch axis, or -1 for a leaf that is
     *                  the same for every example
     * @param leafNames per leaf, how error messages name it ("argument 1")
     * @param outAxes   per leaf of the result, where its batch axis goes; null means 0 for all
     */
    R apply(T args, int[] leafAxes, String[] leafNames, int[] outAxes) {
        Tree.Flat flat = Tree.flatten(args);
        List<Tensor> leaves = flat.leaves();
        if (leafAxes.length != leaves.size()) {
            throw new IllegalArgumentException("vmap: " + leafAxes.length + " in_axes for " + leaves.size()
                    + " tensors");
        }
        int size = -1;
        int first = -1;
        Tensor[] moved = new Tensor[leaves.size()];
        boolean[] batched = new boolean[leaves.size()];
        List<TensorType> types = new ArrayList<>(leaves.size());
        for (int i = 0; i < moved.length; i++) {
            Tensor x = leaves.get(i);
            int a = leafAxes[i];
            if (a == -1) {
                moved[i] = x;
                types.add(x.type());
                continue;
            }
            if (a < 0 || a >= x.rank()) {
                throw new IllegalArgumentException("vmap: in_axes " + a + " of " + leafNames[i] + " (shape "
                        + x.shape() + ") is out of range: expected 0 <= axis < " + x.rank()
                        + (x.rank() == 0 ? " (a scalar has no axis to map over; use -1 to pass it unbatched)" : "")
                        + ", or -1 for an argument that is not batched");
            }
            if (size == -1) {
                size = x.dim(a);
                first = i;
            } else if (x.dim(a) != size) {
                throw new IllegalArgumentException("vmap: the batch sizes disagree: " + leafNames[first]
                        + " has size " + size + " along axis " + leafAxes[first] + " (shape "
                        + leaves.get(first).shape() + ") but " + leafNames[i] + " has size " + x.dim(a)
                        + " along axis " + a + " (shape " + x.shape() + ")");
            }
            moved[i] = a == 0 ? x : Ops.bind(new Permute(toFront(a, x.rank())), x);
            batched[i] = true;
            types.add(new TensorType(without(x.shape(), a), x.dtype()));
        }
        if (size == -1) {
            throw new IllegalArgumentException("vmap: no argument is batched (every in_axes entry is -1), so "
                    + "there is no batch size; map over at least one axis");
        }
        List<Boolean> flags = new ArrayList<>(batched.length);
        for (boolean b : batched) {
            flags.add(b);
        }
        Key key = new Key(flat.def(), List.copyOf(types), List.copyOf(flags));
        Traced traced = cache.get(key);
        if (traced == null) {
            traced = trace(key);
            if (traced.captured.isEmpty() && !hasTrackedConstant(traced.graph)) {
                cache.putIfAbsent(key, traced);
            }
        }
        int extra = traced.captured.size();
        Tensor[] inputs = new Tensor[moved.length + extra];
        boolean[] inBatched = new boolean[inputs.length];
        System.arraycopy(moved, 0, inputs, 0, moved.length);
        System.arraycopy(batched, 0, inBatched, 0, batched.length);
        for (int k = 0; k < extra; k++) {
            inputs[moved.length + k] = traced.captured.get(k);
        }
        Tensor[] out = BatchRules.evaluate(traced.graph, inputs, inBatched, size);
        if (outAxes != null) {
            if (outAxes.length != out.length) {
                throw new IllegalArgumentException("vmap: " + outAxes.length + " out_axes for " + out.length
                        + " results");
            }
            for (int i = 0; i < out.length; i++) {
                int a = outAxes[i];
                if (a < 0 || a >= out[i].rank()) {
                    throw new IllegalArgumentException("vmap: out_axes " + a + " of result " + i + " (batched shape "
                            + out[i].shape() + ") is out of range: expected 0 <= axis < " + out[i].rank());
                }
                if (a != 0) {
                    out[i] = Ops.bind(new Permute(fromFront(a, out[i].rank())), out[i]);
                }
            }
        }
        return traced.resultDef.unflatten(List.of(out));
    }

    /**
     * Traces {@code f} on abstract per-example arguments. Inside another trace (jit, an outer vmap) the trace
     * is nested, so that tensors of the enclosing trace that {@code f} captures become extra inputs.
     */
    private Traced trace(Key key) {
        Trace parent = Tracing.current();
        Trace trace = new Trace(parent, parent != null);
        List<Tensor> tracers = new ArrayList<>(key.types.size());
        for (TensorType type : key.types) {
            tracers.add(trace.newInput(type));
        }
        T tracedArgs = key.def.unflatten(tracers);
        TreeDef[] resultDef = new TreeDef[1];
        Graph g = Tracing.trace(trace, () -> {
            Tree.Flat out = Tree.flatten(f.apply(tracedArgs));
            resultDef[0] = out.def();
            return out.leaves();
        });
        // With their autodiff state: jit(grad(x -> vmap(y -> y * x)(ys))) differentiates through them.
        return new Traced(g, resultDef[0], List.copyOf(trace.capturedOperands()));
    }

    /**
     * True when the graph holds a captured tensor with autodiff state. Such a constant may be the result
     * of an operation recorded when {@code f} was traced (e.g. {@code w.mul(2)} with {@code w} requiring
     * grad); a cached graph would reuse that one recording on every call, so these graphs are traced anew.
     */
    private static boolean hasTrackedConstant(Graph g) {
        for (Equation e : g.equations()) {
            for (Value v : e.inputs()) {
                if (v.isConstant() && Autograd.isDifferentiated(v.constant())) {
                    return true;
                }
            }
        }
        for (Value v : g.outputs()) {
            if (v.isConstant() && Autograd.isDifferentiated(v.constant())) {
                return true;
            }
        }
        return false;
    }

    /** The permutation that moves axis {@code a} to the front, keeping the others in order. */
    static int[] toFront(int a, int rank) {
        int[] order = new int[rank];
        order[0] = a;
        for (int i = 0, k = 1; i < rank; i++) {
            if (i != a) {
                order[k++] = i;
            }
        }
        return order;
    }

    /** The permutation that moves axis 0 to position {@code a}. */
    static int[] fromFront(int a, int rank) {
        int[] order = new int[rank];
        for (int i = 0, k = 1; i < rank; i++) {
            order[i] = i == a ? 0 : k++;
        }
        return order;
    }

    private static Shape without(Shape s, int axis) {
        int[] dims = new int[s.rank() - 1];
        for (int i = 0, k = 0; i < s.rank(); i++) {
            if (i != axis) {
                dims[k++] = s.dim(i);
            }
        }
        return Shape.of(dims);
    }
}
