package org.fluxion.transforms;

import java.util.Arrays;
import org.fluxion.autodiff.Autograd;
import org.fluxion.jit.ir.Trace;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.ops.Interpreter;
import org.fluxion.ops.MultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.StorageTypes;
import org.fluxion.tensor.EscapedTracerException;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * The interpreter of one {@link Vmap} call (autodidax's {@code BatchTrace}): the function runs on abstract
 * per-example tensors ({@link Batched}), each standing for a batched value {@code [size, d...]} or, for an
 * argument that is the same for every example, for that one value (JAX's {@code not_mapped}). A primitive
 * applied to them is applied by its batching rule ({@link Primitive#batch}) to the values when one of them is
 * batched, else to the values as it is, once; its result stands for what the rule or the primitive gave. An
 * input without this interpreter's state (a tensor the function captured) is the same for every example and
 * is passed as it is. Rules apply primitives with {@code Ops.bind}, so the transformations further out (a trace
 * recording the batched computation, an outer vmap, autodiff of tensors from outside) see every operation.
 */
final class BatchInterpreter implements Interpreter {
    private final int level;
    private final int size;
    /** Set when the vmap call returned: its tensors may no longer be used. */
    private volatile boolean closed;

    /**
     * The state of a per-example tensor of this interpreter: the value it stands for, with the batch on axis 0
     * when {@code batched}, else the same for every example.
     */
    record Batched(BatchInterpreter interpreter, Tensor value, boolean batched) implements Interpreter.State {
        @Override
        public Interpreter.State lower() {
            return null; // the batched value is another tensor, carrying the outer transformations' states
        }
    }

    BatchInterpreter(int level, int size) {
        this.level = level;
        this.size = size;
    }

    @Override
    public int level() {
        return level;
    }

    /**
     * A per-example tensor standing for {@code value}: {@code [size, d...]} when {@code batched}, else the value
     * of every example.
     */
    Tensor wrap(Tensor value, boolean batched) {
        TensorType type = value.type();
        if (batched) {
            int[] dims = value.dims();
            type = new TensorType(Shape.of(Arrays.copyOfRange(dims, 1, dims.length)), value.dtype());
        }
        return TensorInternals.abstractTensor(type, new Batched(this, value, batched));
    }

    /** This interpreter's state of {@code t}, or null for a tensor from outside the function. */
    Batched stateOf(Tensor t) {
        for (Interpreter.State s = Interpreter.stateOf(t); s != null; s = s.lower()) {
            if (s instanceof Batched b && b.interpreter == this) {
                return b;
            }
        }
        return null;
    }

    /** Ends the vmap call: its per-example tensors escape if used afterwards. */
    void close() {
        closed = true;
    }

    @Override
    public Tensor[] process(Primitive primitive, TensorType[] outs, Tensor[] inputs) {
        if (closed) {
            throw new EscapedTracerException(primitive.name() + ": a tensor " + (outs.length > 0 ? outs[0] : "")
                    + " made inside a vmap was used after the mapped function returned (kept in a field, a captured "
                    + "list or a global): it stands for a batch that is gone. Return it from the function instead");
        }
        if (primitive.precomputed()) {
            return StorageTypes.computeAll(primitive, outs, inputs); // a custom rule's value, already batched
        }
        Trace current = Tracing.current();
        if (current != null && current.level() > level && current.keepsOperations() && differentiated(inputs)) {
            // A loop body (traced inside this vmap) computing from a batched tensor that is being differentiated
            // (vmap(grad(f)) with x.cos() in the body): the operation stays in the body, as Trace.process keeps
            // it for a traced tensor; batched outside the body, it would miss the body's derivative.
            return current.recordCaptured(primitive, outs, inputs);
        }
        Tensor[] in = new Tensor[inputs.length];
        boolean[] batched = new boolean[inputs.length];
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Batched b = stateOf(inputs[i]);
            in[i] = b != null ? b.value : inputs[i];
            batched[i] = b != null && b.batched;
            any |= batched[i];
        }
        Tensor[] values;
        if (!any) { // the same for every example: computed once
            values = primitive instanceof MultiOutput ? Ops.bindAll(primitive, in) : new Tensor[] {Ops.bind(primitive, in)};
        } else {
            values = primitive instanceof MultiOutput ? primitive.batchAll(in, batched, size)
                    : new Tensor[] {primitive.batch(in, batched, size)};
        }
        Tensor[] out = new Tensor[outs.length];
        for (int k = 0; k < outs.length; k++) {
            check(primitive, k, outs[k], values[k], any);
            out[k] = TensorInternals.abstractTensor(outs[k], new Batched(this, values[k], any));
        }
        return out;
    }

    private static boolean differentiated(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (Autograd.isDifferentiated(t)) {
                return true;
            }
        }
        return false;
    }

    /** A batching rule's result must be its per-example type with the batch axis in front. */
    private void check(Primitive primitive, int k, TensorType example, Tensor value, boolean batched) {
        if (!batched) {
            return; // the primitive itself, applied to the values the per-example types describe
        }
        int[] dims = value.dims();
        boolean ok = value.dtype() == example.dtype() && dims.length == example.shape().rank() + 1 && dims[0] == size;
        for (int i = 1; ok && i < dims.length; i++) {
            ok = dims[i] == example.shape().dim(i - 1);
        }
        if (!ok) {
            throw new IllegalStateException("vmap: the batching rule of " + primitive.name() + " gave output " + k
                    + " of type " + value.type() + " for a batch of " + size + " examples of type " + example
                    + "; expected [" + size + ", ...] of the example type (a defect of the rule)");
        }
    }
}
