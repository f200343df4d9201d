package org.fluxion.jit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.ops.ArgReduce;
import org.fluxion.ops.Binary;
import org.fluxion.ops.Cast;
import org.fluxion.ops.Concat;
import org.fluxion.ops.ConvolutionPrimitives.AvgPool2d;
import org.fluxion.ops.ConvolutionPrimitives.AvgPool2dGrad;
import org.fluxion.ops.ConvolutionPrimitives.Conv2d;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dInputGrad;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2d;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2dGrad;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2dSelect;
import org.fluxion.ops.Gather;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Pad;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ScatterAdd;
import org.fluxion.ops.Unary;
import org.fluxion.ops.ViewPrimitives.Copy;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.ops.ViewPrimitives.Slice;
import org.fluxion.ops.Where;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * The batching rules of {@link Vmap}: each interprets one equation of a per-example graph on batched
 * tensors, whose batch axis is axis 0, by applying the same primitive with its parameters shifted past the
 * batch axis (or a few movement primitives around it). Everything goes through {@link Ops#bind}, so the
 * result is differentiable in every mode and traceable by an enclosing {@code jit} or {@code vmap}.
 *
 * <p>Conventions: a <em>batched</em> value is {@code [B, d...]} for a per-example value {@code [d...]}; an
 * unbatched one is the per-example value itself (it is the same for every example). An equation none of
 * whose inputs is batched runs unchanged and stays unbatched, so work that does not depend on the batch
 * (e.g. on the weights in a per-example gradient) is done once.
 */
final class BatchRules {
    private BatchRules() {
    }

    /**
     * Names of the latest primitives (at most {@link #FALLBACKS_KEPT}) this thread ran through the
     * per-example loop, for tests and diagnosis; bounded, so that a long-running thread does not keep a name
     * per call.
     */
    static final ThreadLocal<List<String>> FALLBACKS = ThreadLocal.withInitial(ArrayList::new);

    static final int FALLBACKS_KEPT = 64;

    /** A value while interpreting: the tensor, and whether it carries the batch axis at 0. */
    private record Entry(Tensor tensor, boolean batched) {
    }

    /**
     * Evaluates the per-example graph {@code g} on {@code args} (one per graph input; those flagged in
     * {@code batched} are {@code [size, d...]}), returning each output batched as {@code [size, e...]}: an
     * output that does not depend on a batched input is broadcast along a new axis 0.
     */
    static Tensor[] evaluate(Graph g, Tensor[] args, boolean[] batched, int size) {
        if (args.length != g.inputs.size()) {
            throw new IllegalArgumentException("vmap: " + args.length + " arguments for a graph of "
                    + g.inputs.size() + " inputs");
        }
        Map<Value, Entry> env = new IdentityHashMap<>();
        for (int i = 0; i < args.length; i++) {
            env.put(g.inputs.get(i), new Entry(args[i], batched[i]));
        }
        for (Equation e : g.equations) {
            Value[] vs = e.inputs();
            Tensor[] in = new Tensor[vs.length];
            boolean[] b = new boolean[vs.length];
            boolean any = false;
            for (int i = 0; i < vs.length; i++) {
                Entry x = lookup(env, vs[i]);
                in[i] = x.tensor;
                b[i] = x.batched;
                any |= b[i];
            }
            Tensor out = any ? apply(e, in, b, size) : Ops.bind(e.primitive(), in);
            env.put(e.output(), new Entry(out, any));
        }
        Tensor[] out = new Tensor[g.outputs.size()];
        for (int i = 0; i < out.length; i++) {
            Entry x = lookup(env, g.outputs.get(i));
            out[i] = x.batched ? x.tensor : broadcastBatch(x.tensor, size);
        }
        return out;
    }

    private static Entry lookup(Map<Value, Entry> env, Value v) {
        return v.isConstant() ? new Entry(v.constant, false) : env.get(v);
    }

    /** The batched output of equation {@code e} on inputs of which at least one is batched. */
    private static Tensor apply(Equation e, Tensor[] in, boolean[] batched, int size) {
        Primitive p = e.primitive();
        int[] ranks = new int[in.length]; // per-example ranks, from the graph's types
        for (int i = 0; i < in.length; i++) {
            ranks[i] = e.inputs()[i].type.shape().rank();
        }
        int outRank = e.output().type.shape().rank();
        return switch (p) {
            // One input, elementwise: the batch axis is just one more axis.
            case Unary u -> Ops.bind(p, in);
            case Cast c -> Ops.bind(p, in);
            case Copy c -> Ops.bind(p, in);
            // Broadcasting operands: NumPy aligns axes from the right, so a batched operand of lower
            // per-example rank gets size-1 axes after its batch axis (else B would meet a data axis).
            case Binary b -> Ops.bind(p, align(in, batched, ranks, outRank));
            case Where w -> Ops.bind(p, align(in, batched, ranks, outRank));
            // [B..., n, k] @ [B..., k, m]: the primitive broadcasts its batch axes, so aligning the ranks
            // the same way makes B one more batch axis ([B, n, k] @ [k, m] is a single GEMM).
            case MatMul m -> Ops.bind(p, align(in, batched, ranks, outRank));
            case Reshape r -> Ops.bind(new Reshape(withBatch(size, r.shape())), in[0]);
            case Permute r -> Ops.bind(new Permute(shiftOrder(r.order(), ranks[0])), in[0]);
            case Expand r -> Ops.bind(new Expand(withBatch(size, r.shape())), withRank(in[0], ranks[0], outRank));
            case Slice s -> Ops.bind(new Slice(axis(s.axis(), ranks[0], p) + 1, s.start(), s.end(), s.step()), in[0]);
            case Pad pad -> Ops.bind(new Pad(prependZero(pad.before()), prependZero(pad.after()), pad.value()), in[0]);
            case Concat c -> Ops.bind(new Concat(axis(c.axis(), ranks[0], p) + 1), allBatched(in, batched, size));
            case Reduce r -> reduce(r, in[0], ranks[0], e.output().type.dtype());
            case ArgReduce r -> Ops.bind(new ArgReduce(r.max(), axis(r.axis(), ranks[0], p) + 1, r.keepDims()), in[0]);
            case Gather r -> Ops.bind(new Gather(axis(r.axis(), ranks[0], p) + 1), allBatched(in, batched, size));
            case ScatterAdd r -> Ops.bind(new ScatterAdd(axis(r.axis(), ranks[0], p) + 1), allBatched(in, batched, size));
            // Image ops with a batched image and shared weights: the vmapped batch joins the image batch N.
            case Conv2d c when !batched[1] -> mergeImageBatch(p, in, new boolean[] {true, false}, size);
            case Conv2dInputGrad c when !batched[1] ->
                    mergeImageBatch(new Conv2dInputGrad(c.options(), mergedShape(c.inputShape(), size)), in,
                            new boolean[] {true, false}, size);
            case MaxPool2d c -> mergeImageBatch(p, in, new boolean[] {true}, size);
            case AvgPool2d c -> mergeImageBatch(p, in, new boolean[] {true}, size);
            case AvgPool2dGrad c -> mergeImageBatch(new AvgPool2dGrad(c.options(), mergedShape(c.inputShape(), size)),
                    in, new boolean[] {true}, size);
            case MaxPool2dGrad c -> mergeImageBatch(p, allBatched(in, batched, size), new boolean[] {true, true}, size);
            case MaxPool2dSelect c -> mergeImageBatch(p, allBatched(in, batched, size), new boolean[] {true, true}, size);
            case Checkpoint.Remat r -> Checkpoint.batched(r, in, batched, size);
            default -> loop(p, in, batched, size);
        };
    }

    /**
     * The fallback: the primitive applied to each example separately and the results stacked. Correct for
     * any primitive, but {@code size} separate calls.
     */
    private static Tensor loop(Primitive p, Tensor[] in, boolean[] batched, int size) {
        List<String> names = FALLBACKS.get();
        if (names.size() >= FALLBACKS_KEPT) {
            names.remove(0);
        }
        names.add(p.name());
        List<Tensor> outs = new ArrayList<>(size);
        for (int k = 0; k < size; k++) {
            Tensor[] args = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                args[i] = batched[i] ? in[i].select(0, k) : in[i];
            }
            outs.add(Ops.bind(p, args));
        }
        return Tensor.stack(0, outs);
    }

    /**
     * Reduction over per-example axes: the same axes shifted by one. An empty axes list means "all axes",
     * which must not become "all axes including the batch"; a scalar example reduces over nothing, which
     * leaves it unchanged up to the result dtype (e.g. the int64 sum of an int32).
     */
    private static Tensor reduce(Reduce r, Tensor x, int rank, org.fluxion.tensor.DType outDtype) {
        int[] axes = Shape.normalizeAxes(r.axes(), rank, r.name());
        if (axes.length == 0) {
            return x.dtype() == outDtype ? x : Ops.bind(new Cast(outDtype), x);
        }
        for (int i = 0; i < axes.length; i++) {
            axes[i]++;
        }
        return Ops.bind(new Reduce(r.op(), axes, r.keepDims()), x);
    }

    /**
     * An image primitive on {@code [B, N, C, H, W]} inputs run as one call on {@code [B*N, C, H, W]}: the
     * inputs flagged in {@code merge} (batched ones) are reshaped, the others (weights) are shared. The
     * rules apply only where examples do not mix, i.e. never to the weight gradient, which sums over N.
     */
    private static Tensor mergeImageBatch(Primitive p, Tensor[] in, boolean[] merge, int size) {
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
    private static Shape mergedShape(Shape perExample, int size) {
        int[] dims = perExample.dims();
        dims[0] *= size;
        return Shape.of(dims);
    }

    /** The batched inputs given size-1 axes after the batch axis up to per-example rank {@code rank}. */
    private static Tensor[] align(Tensor[] in, boolean[] batched, int[] ranks, int rank) {
        Tensor[] out = in.clone();
        for (int i = 0; i < in.length; i++) {
            if (batched[i]) {
                out[i] = withRank(in[i], ranks[i], rank);
            }
        }
        return out;
    }

    /** {@code [B, d...]} of per-example rank {@code from} as {@code [B, 1, ..., 1, d...]} of rank {@code to}. */
    private static Tensor withRank(Tensor x, int from, int to) {
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
    private static Tensor[] allBatched(Tensor[] in, boolean[] batched, int size) {
        Tensor[] out = in.clone();
        for (int i = 0; i < in.length; i++) {
            if (!batched[i]) {
                out[i] = broadcastBatch(in[i], size);
            }
        }
        return out;
    }

    /** {@code [d...]} as {@code [size, d...]}, the same example repeated (a view, no copy). */
    static Tensor broadcastBatch(Tensor x, int size) {
        return Ops.bind(new Expand(withBatch(size, x.shape())), x);
    }

    static Shape withBatch(int size, Shape s) {
        int[] dims = new int[s.rank() + 1];
        dims[0] = size;
        System.arraycopy(s.dims(), 0, dims, 1, s.rank());
        return Shape.of(dims);
    }

    private static int axis(int axis, int rank, Primitive p) {
        return Shape.normalizeAxis(axis, rank, p.name());
    }

    private static int[] shiftOrder(int[] order, int rank) {
        int[] out = new int[order.length + 1];
        for (int i = 0; i < order.length; i++) {
            out[i + 1] = Shape.normalizeAxis(order[i], rank, "permute") + 1;
        }
        return out;
    }

    private static int[] prependZero(int[] a) {
        int[] out = new int[a.length + 1];
        System.arraycopy(a, 0, out, 1, a.length);
        return out;
    }
}
