package org.fluxion.transforms;

import java.util.IdentityHashMap;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Batching;
import org.fluxion.ops.MultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.Tensor;

/**
 * The interpreter of {@link Vmap}: evaluates a per-example graph on batched tensors, whose batch axis is
 * axis 0, equation by equation, with each primitive's own batching rule
 * ({@link org.fluxion.ops.Primitive#batch}). Every rule goes through {@link Ops#bind}, so the result is
 * differentiable in every mode and traceable by an enclosing {@code jit} or {@code vmap}.
 *
 * <p>Conventions: a <em>batched</em> value is {@code [B, d...]} for a per-example value {@code [d...]}; an
 * unbatched one is the per-example value itself (it is the same for every example). An equation none of
 * whose inputs is batched runs unchanged and stays unbatched, so work that does not depend on the batch
 * (e.g. on the weights in a per-example gradient) is done once.
 */
final class BatchRules {
    private BatchRules() {
    }

    /** A value while interpreting: the tensor, and whether it carries the batch axis at 0. */
    private record Entry(Tensor tensor, boolean batched) {
    }

    /**
     * Evaluates the per-example graph {@code g} on {@code args} (one per graph input; those flagged in
     * {@code batched} are {@code [size, d...]}), returning each output batched as {@code [size, e...]}: an
     * output that does not depend on a batched input is broadcast along a new axis 0.
     */
    static Tensor[] evaluate(Graph g, Tensor[] args, boolean[] batched, int size) {
        if (args.length != g.inputs().size()) {
            throw new IllegalArgumentException("vmap: " + args.length + " arguments for a graph of "
                    + g.inputs().size() + " inputs");
        }
        Map<Value, Entry> env = new IdentityHashMap<>();
        for (int i = 0; i < args.length; i++) {
            env.put(g.inputs().get(i), new Entry(args[i], batched[i]));
        }
        for (Equation e : g.equations()) {
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
            if (e.primitive() instanceof MultiOutput) {
                Tensor[] out = any ? e.primitive().batchAll(in, b, size) : Ops.bindAll(e.primitive(), in);
                for (int k = 0; k < out.length; k++) {
                    env.put(e.outputs()[k], new Entry(out[k], any));
                }
            } else {
                Tensor out = any ? e.primitive().batch(in, b, size) : Ops.bind(e.primitive(), in);
                env.put(e.output(), new Entry(out, any));
            }
        }
        Tensor[] out = new Tensor[g.outputs().size()];
        for (int i = 0; i < out.length; i++) {
            Entry x = lookup(env, g.outputs().get(i));
            out[i] = x.batched ? x.tensor : Batching.broadcastBatch(x.tensor, size);
        }
        return out;
    }

    private static Entry lookup(Map<Value, Entry> env, Value v) {
        return v.isConstant() ? new Entry(v.constant(), false) : env.get(v);
    }
}
