package org.fluxion.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * What the batching rules ({@link Primitive#batch}) share. Conventions: a <em>batched</em> value is
 * {@code [B, d...]} for a per-example value {@code [d...]}; an unbatched one is the per-example value
 * itself. Every helper goes through {@link Ops#bind}, so batched results stay differentiable and
 * traceable.
 */
public final class Batching {
    private Batching() {
    }

    /**
     * The rule of last resort, chosen by name: {@code p} applied to each example separately and the
     * results stacked ({@code size} calls instead of one). Correct for any primitive that computes from its
     * inputs; a primitive uses it only where no rule of one call exists, and says why at the call.
     */
    public static Tensor byLoop(Primitive p, Tensor[] in, boolean[] batched, int size) {
        return byLoopAll(p, in, batched, size)[0];
    }

    /** {@link #byLoop} for a primitive of several outputs: each output stacked over the examples. */
    public static Tensor[] byLoopAll(Primitive p, Tensor[] in, boolean[] batched, int size) {
        List<Tensor[]> outs = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            Tensor[] args = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                args[i] = batched[i] ? in[i].select(0, k) : in[i];
            }
            outs.add(Ops.bindAll(p, args));
        }
        Tensor[] stacked = new Tensor[outs.getFirst().length];
        for (int o = 0; o < stacked.length; o++) {
            List<Tensor> column = new ArrayList<>(size);
            for (Tensor[] example : outs) {
                column.add(example[o]);
            }
            stacked[o] = Tensor.stack(0, column);
        }
        return stacked;
    }

    /** The per-example rank of an input: its rank without the batch axis when it is batched. */
    static int exampleRank(Tensor x, boolean batched) {
        return batched ? x.rank() - 1 : x.rank();
    }

    /** The per-example type of an input. */
    static TensorType exampleType(Tensor x, boolean batched) {
        return batched ? new TensorType(Shape.of(Arrays.copyOfRange(x.dims(), 1, x.rank())), x.dtype()) : x.type();
    }

    /**
     * Broadcasting operands (elementwise binary, where, matmul's batch axes): NumPy aligns axes from the
     * right, so a batched operand of lower per-example rank gets size-1 axes after its batch axis (else
     * B would meet a data axis); then {@code p} runs once on the aligned operands.
     */
    static Tensor broadcasting(Primitive p, Tensor[] in, boolean[] batched) {
        return Ops.bind(p, alignedRanks(in, batched));
    }

    /** {@link #broadcasting} for a primitive of several outputs. */
    static Tensor[] broadcastingAll(Primitive p, Tensor[] in, boolean[] batched) {
        return Ops.bindAll(p, alignedRanks(in, batched));
    }

    /** The batched inputs with size-1 axes after the batch axis, up to the largest per-example rank. */
    private static Tensor[] alignedRanks(Tensor[] in, boolean[] batched) {
        int rank = 0;
        for (int i = 0; i < in.length; i++) {
            rank = Math.max(rank, exampleRank(in[i], batched[i]));
        }
        Tensor[] out = in.clone();
        for (int i = 0; i < in.length; i++) {
            if (batched[i]) {
                out[i] = withRank(in[i], exampleRank(in[i], true), rank);
            }
        }
        return out;
    }

    /** {@code [B, d...]} of per-example rank {@code from} as {@code [B, 1, ..., 1, d...]} of rank {@code to}. */
    static Tensor withRank(Tensor x, int from, int to) {
        if (from >= to) {
            return x;
        }
        int[] dims = new int[to + 1];
        Arrays.fill(dims, 1);
        dims[0] = x.dim(0);
        System.arraycopy(x.dims(), 1, dims, 1 + to - from, from);
        return Ops.bind(new Reshape(Shape.of(dims)), x);
    }

    /** Every input batched: the unbatched ones broadcast (a stride-0 view) along a new axis 0. */
    static Tensor[] allBatched(Tensor[] in, boolean[] batched, int size) {
        Tensor[] out = in.clone();
        for (int i = 0; i < in.length; i++) {
            if (!batched[i]) {
                out[i] = broadcastBatch(in[i], size);
            }
        }
        return out;
    }

    /** {@code [d...]} as {@code [size, d...]}, the same example repeated (a view, no copy). */
    public static Tensor broadcastBatch(Tensor x, int size) {
        return Ops.bind(new Expand(withBatch(size, x.shape())), x);
    }

    /** {@code [d...]} as {@code [size, d...]}. */
    static Shape withBatch(int size, Shape s) {
        int[] dims = new int[s.rank() + 1];
        dims[0] = size;
        System.arraycopy(s.dims(), 0, dims, 1, s.rank());
        return Shape.of(dims);
    }

    /** A per-example axis (negative counts from the end) as an axis of the batched value. */
    static int shifted(int axis, int exampleRank, String name) {
        return Shape.normalizeAxis(axis, exampleRank, name) + 1;
    }

    /** A per-example permutation as one of the batched value that keeps the batch axis first. */
    static int[] shiftedOrder(int[] order, int exampleRank, String name) {
        int[] out = new int[order.length + 1];
        for (int i = 0; i < order.length; i++) {
            out[i + 1] = shifted(order[i], exampleRank, name);
        }
        return out;
    }

    /** Per-axis amounts with a 0 for the batch axis in front. */
    static int[] prependZero(int[] a) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }

    /**
     * An image primitive on {@code [B, N, C, H, W]} inputs run as one call on {@code [B*N, C, H, W]}: the
     * inputs flagged in {@code merge} are reshaped, the others (weights) are shared, and the result
     * {@code [B*N, ...]} is split back into {@code [B, N, ...]}. Valid only where examples do not mix, i.e.
     * never for the weight gradient, which sums over N.
     */
    static Tensor mergeImageBatch(Primitive p, Tensor[] in, boolean[] merge, int size) {
        Tensor[] args = in.clone();
        for (int i = 0; i < in.length; i++) {
            if (merge[i]) {
                args[i] = Ops.bind(new Reshape(mergedShape(Shape.of(Arrays.copyOfRange(in[i].dims(), 1,
                        in[i].rank())), size)), in[i]);
            }
        }
        Tensor y = Ops.bind(p, args);
        int[] out = new int[y.rank() + 1];
        out[0] = size;
        out[1] = y.dim(0) / size;
        System.arraycopy(y.dims(), 1, out, 2, y.rank() - 1);
        return Ops.bind(new Reshape(Shape.of(out)), y);
    }

    /** A per-example image shape {@code [N, ...]} with the batch merged in: {@code [size * N, ...]}. */
    static Shape mergedShape(Shape perExample, int size) {
        int[] dims = perExample.dims();
        dims[0] *= size;
        return Shape.of(dims);
    }
}
