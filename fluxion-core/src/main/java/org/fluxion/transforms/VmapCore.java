package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Tree;
import org.fluxion.ops.Batching;
import org.fluxion.ops.Levels;
import org.fluxion.ops.Ops;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.tensor.Tensor;

/**
 * The engine behind {@link Vmap}: a function of a tree of tensors, batched. Each call moves every batched
 * leaf's batch axis to 0 and runs {@code f} on per-example tensors of a new {@link BatchInterpreter}, whose
 * level is above every transformation active on the thread ({@link Levels}); each primitive {@code f}
 * applies to them runs once, batched, by its batching rule.
 *
 * @param <T> the argument tree
 * @param <R> the result tree
 */
final class VmapCore<T, R> {
    private final Function<T, R> f;

    VmapCore(Function<T, R> f) {
        this.f = f;
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
        for (int i = 0; i < moved.length; i++) {
            Tensor x = leaves.get(i);
            int a = leafAxes[i];
            if (a == -1) {
                moved[i] = x;
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
        }
        if (size == -1) {
            throw new IllegalArgumentException("vmap: no argument is batched (every in_axes entry is -1), so "
                    + "there is no batch size; map over at least one axis");
        }
        BatchInterpreter batch = new BatchInterpreter(Levels.top() + 1, size);
        List<Tensor> examples = new ArrayList<>(moved.length);
        for (int i = 0; i < moved.length; i++) {
            // An argument the same for every example is abstract too: what the function computes from it
            // alone is computed once, and a loop body that captures it sees a tensor of the vmap, not a constant.
            examples.add(batch.wrap(moved[i], batched[i]));
        }
        Tree.Flat result;
        Tensor[] out;
        Levels.enter(batch.level());
        try {
            result = Tree.flatten(f.apply(flat.def().<T>unflatten(examples)));
            out = new Tensor[result.leaves().size()];
            for (int i = 0; i < out.length; i++) {
                Tensor y = result.leaves().get(i);
                BatchInterpreter.Batched b = batch.stateOf(y);
                Tensor v = b != null ? b.value() : y;
                // A result that does not depend on a batched argument is the same for every example.
                out[i] = b != null && b.batched() ? v : Batching.broadcastBatch(v, size);
            }
        } finally {
            Levels.exit(batch.level());
            batch.close();
        }
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
        return result.def().unflatten(List.of(out));
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
}
