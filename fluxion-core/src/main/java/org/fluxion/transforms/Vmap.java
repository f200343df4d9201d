package org.fluxion.transforms;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.function.Function;
import org.fluxion.autodiff.Tree;
import org.fluxion.tensor.Tensor;

/**
 * Automatic batching, JAX's {@code vmap}: from a function written for one example, the function of a
 * batch. If {@code f} maps {@code [d...]} to {@code [e...]}, {@code vmap(f)} maps {@code [B, d...]} to
 * {@code [B, e...]}, with {@code out[b] = f(x[b])} for every b, but without a Java loop over the batch:
 * <pre>{@code
 * // per-example gradients of a loss(w; x_i, y_i), as [B, w...]:
 * var perExample = Vmap.vmapN(xs -> new Tensor[] {grad(w -> loss(w, xs[1], xs[2])).apply(xs[0])}, -1, 0, 0);
 * Tensor[] g = perExample.apply(new Tensor[] {w, xBatch, yBatch});
 * }</pre>
 *
 * <p><b>How.</b> Each call runs {@code f} once on abstract per-example tensors, each standing for a batched
 * value (autodidax's {@code BatchTracer}; {@code BatchInterpreter}): a tensor carries at most one transformation
 * state, and {@link org.fluxion.ops.Ops#bind} hands a primitive applied to such a tensor to the vmap's
 * interpreter, which applies the primitive's <em>batching rule</em> to the batched values: the same primitive
 * with its axes shifted past the batch axis. Every rule goes through {@code Ops.bind}, so a vmapped function
 * is differentiable in every mode ({@code grad(vmap(f))}, {@code jvp}), compiles under {@code jit}
 * ({@code jit(vmap(f))}: the trace records the batched operations), nests ({@code vmap(vmap(f))}: the inner
 * vmap's level is higher), and batches derivatives ({@code vmap(grad(f))}: the backward pass applies
 * primitives to the per-example tensors like the forward pass).
 *
 * <p><b>Batching rules.</b> Elementwise unary, binary, where and cast (unbatched operands broadcast; a
 * batched operand of lower rank gets size-1 axes after its batch axis); reshape, permute, expand, slice,
 * copy, pad, concat (axes and parameters shifted by one); sum/prod/max/min and argmax/argmin (axes shifted);
 * matmul (the batch becomes one more broadcast batch axis, so {@code [B, n, k] @ [k, m]} is one GEMM);
 * gather and scatter-add (an unbatched operand is broadcast along the batch); conv2d with shared weights,
 * its input gradient, max/avg pooling and their gradients (the batch is merged into the image batch
 * {@code N}); {@link Remat checkpointed} functions (their forward graph batched, checkpointed again).
 * An equation none of whose inputs is batched runs once, unbatched.
 *
 * <p><b>The loop.</b> Each primitive states its rule ({@link org.fluxion.ops.Primitive#batch}, no
 * default); where no rule of one call exists it chooses {@link org.fluxion.ops.Batching#byLoop} by name:
 * once per example, results stacked (correct, but B calls). These do: the conv2d weight gradient (the
 * per-example gradient of a convolution's weights), conv2d and its input gradient with batched weights,
 * and structured control flow ({@link Control}).
 *
 * <p><b>Axes.</b> {@code in_axes} gives, per argument, the axis that holds the batch, or {@code -1} for an
 * argument that is the same for every example (weights, shared data); all mapped axes must have the same
 * length. Results get the batch on axis 0, or where {@code out_axes} says. A result that does not depend
 * on any batched argument is broadcast along the batch.
 *
 * <p><b>What abstract tensors imply</b> (as under {@link org.fluxion.jit.Jit}): {@code f} must not branch in Java
 * on tensor values (use {@link Control}; reading an element throws a {@code ConcretizationException}); Java side
 * effects happen once per call, not once per example; a tensor made inside {@code f} and kept after it returned
 * cannot be used (an {@code EscapedTracerException}).
 */
public final class Vmap {
    private Vmap() {
    }

    /** {@code f} mapped over axis 0 of its argument: {@code [B, d...] -> [B, e...]}. */
    public static Function<Tensor, Tensor> vmap(Function<Tensor, Tensor> f) {
        return vmap(f, 0, 0);
    }

    /**
     * {@code f} mapped over axis {@code inAxis} of its argument; the batch axis of the result is
     * {@code outAxis} ({@code 0 <= outAxis <= rank of f's result}).
     */
    public static Function<Tensor, Tensor> vmap(Function<Tensor, Tensor> f, int inAxis, int outAxis) {
        VmapCore<Tensor, Tensor> core = new VmapCore<>(f);
        int[] in = {inAxis};
        int[] out = {outAxis};
        String[] names = {"the argument"};
        return x -> core.apply(x, in, names, out);
    }

    /**
     * {@code f} of several tensors mapped over axis {@code inAxes[i]} of argument {@code i} ({@code -1}: not
     * batched, passed to every example whole); no {@code inAxes} means axis 0 of every argument. Every
     * result gets its batch axis at 0.
     */
    public static Function<Tensor[], Tensor[]> vmapN(Function<Tensor[], Tensor[]> f, int... inAxes) {
        return vmapN(f, inAxes, null);
    }

    /**
     * {@link #vmapN(Function, int...)} with the batch axis of result {@code i} at {@code outAxes[i]} (null:
     * 0 for every result).
     */
    public static Function<Tensor[], Tensor[]> vmapN(Function<Tensor[], Tensor[]> f, int[] inAxes, int[] outAxes) {
        VmapCore<Tensor[], Tensor[]> core = new VmapCore<>(f);
        int[] in = inAxes.clone();
        int[] out = outAxes == null ? null : outAxes.clone();
        return xs -> {
            int[] axes = in.length == 0 ? new int[xs.length] : in;
            if (axes.length != xs.length) {
                throw new IllegalArgumentException("vmap: " + axes.length + " in_axes for " + xs.length
                        + " arguments; give one per argument (-1 for an unbatched one)");
            }
            String[] names = new String[xs.length];
            for (int i = 0; i < xs.length; i++) {
                if (xs[i] == null) {
                    throw new NullPointerException("vmap: argument " + i + " is null");
                }
                names[i] = "argument " + i;
            }
            return core.apply(xs, axes, names, out);
        };
    }

    /**
     * {@code f} of a tree of tensors (lists, maps, records, arrays: {@link Tree}) mapped over the axes
     * {@code inAxes} gives, JAX-style, as a <em>prefix</em> of the argument's structure: an {@link Integer}
     * applies to every leaf below it ({@code -1} or {@code null}: not batched), a {@link List} or array gives
     * one entry per element of a list or array, a {@link Map} one entry per key of a map. For example, for
     * arguments {@code List.of(params, x)}, {@code List.of(-1, 0)} maps over axis 0 of x and shares the
     * parameter tree. Every leaf of the result gets its batch axis at 0.
     */
    public static <T, R> Function<T, R> treeVmap(Function<T, R> f, Object inAxes) {
        VmapCore<T, R> core = new VmapCore<>(f);
        return args -> {
            List<Integer> axes = new ArrayList<>();
            leafAxes(args, inAxes, "", axes);
            int[] a = axes.stream().mapToInt(Integer::intValue).toArray();
            String[] names = new String[a.length];
            for (int i = 0; i < a.length; i++) {
                names[i] = "leaf " + i;
            }
            return core.apply(args, a, names, null);
        };
    }

    /** Appends the axis of every leaf of {@code tree}, in {@link Tree#flatten} order, from the prefix {@code axes}. */
    private static void leafAxes(Object tree, Object axes, String path, List<Integer> out) {
        if (axes == null || axes instanceof Integer) {
            int a = axes == null ? -1 : (Integer) axes;
            for (int i = Tree.flatten(tree).leaves().size(); i > 0; i--) {
                out.add(a);
            }
            return;
        }
        List<?> children = elements(tree);
        List<?> axisChildren = elements(axes);
        if (children != null && axisChildren != null && !(tree instanceof Map) && !(axes instanceof Map)) {
            if (children.size() != axisChildren.size()) {
                throw new IllegalArgumentException("vmap: in_axes" + path + " has " + axisChildren.size()
                        + " entries but the argument" + path + " has " + children.size() + " elements");
            }
            for (int i = 0; i < children.size(); i++) {
                leafAxes(children.get(i), axisChildren.get(i), path + "[" + i + "]", out);
            }
            return;
        }
        if (tree instanceof Map<?, ?> m && axes instanceof Map<?, ?> am) {
            if (!m.keySet().equals(am.keySet())) {
                throw new IllegalArgumentException("vmap: in_axes" + path + " has keys " + am.keySet()
                        + " but the argument" + path + " has keys " + m.keySet());
            }
            for (Object k : orderedKeys(m)) {
                leafAxes(m.get(k), am.get(k), path + "[" + k + "]", out);
            }
            return;
        }
        throw new IllegalArgumentException("vmap: in_axes" + path + " (" + axes + ") does not match the "
                + "argument's structure there (" + (tree == null ? "null" : tree.getClass().getSimpleName())
                + "); give an Integer (-1 or null: not batched) or a List/array/Map of the same shape");
    }

    /** The elements of a list or an object array; null for anything else. */
    private static List<?> elements(Object node) {
        if (node instanceof List<?> l) {
            return l;
        }
        if (node != null && node.getClass().isArray() && !node.getClass().getComponentType().isPrimitive()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(node); i++) {
                l.add(Array.get(node, i));
            }
            return l;
        }
        return null;
    }

    /** The key order {@link Tree} flattens a map in: its own order when it has one, else sorted. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Object> orderedKeys(Map<?, ?> map) {
        List<Object> keys = new ArrayList<>(map.keySet());
        if (!(map instanceof SequencedMap<?, ?>)) {
            boolean comparable = keys.stream().allMatch(k -> k instanceof Comparable);
            keys.sort(comparable ? (a, b) -> ((Comparable) a).compareTo(b) : Comparator.comparing(String::valueOf));
        }
        return keys;
    }
}
