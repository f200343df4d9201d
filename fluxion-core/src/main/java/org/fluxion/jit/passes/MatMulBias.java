package org.fluxion.jit.passes;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.exec.IntoBuffer;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Printer;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.MatMulAdd;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * {@code a @ b + c} as one step ({@link MatMulAdd}'s kernel, writing into a recycled buffer): the output starts as
 * {@code c} broadcast to [n, m] (a bias row, a full [n, m] tensor, or a scalar such as 0) and the GEMM accumulates
 * into it, so the sum costs no pass of its own and the
 * result reaches the next fused kernel dense. Like {@link Fused} it only appears in compiled plans,
 * after differentiation, and has no derivative rules.
 */
record MatMulBias(TensorType type) implements CompilerPrimitive, Printer.Described, IntoBuffer {
    @Override
    public String parameters(String indent) {
        return ""; // the output type is printed with the output
    }

    @Override
    public String name() {
        return "matmul_add";
    }

    @Override
    public TensorType outputType(TensorType... inputs) {
        return type;
    }

    /** inputs: a [n, k], b [k, m], c broadcastable to [n, m]. */
    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        return computeInto(Storage.allocate(type.dtype(), type.shape().size()), in);
    }

    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        return MatMulAdd.into(buffer, type, in[0], in[1], in[2]);
    }

    /**
     * Rewrites {@code add(matmul(a, b), c)} (either operand order) into one {@code matmul_add} when the
     * product is rank 2, feeds only this add, and the add neither broadcasts the product nor changes its
     * dtype; a traced {@link MatMulAdd} (a linear layer's) becomes one as it is.
     */
    static Graph rewrite(Graph g) {
        Map<Value, Integer> uses = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            for (Value v : e.inputs()) {
                uses.merge(v, 1, Integer::sum);
            }
        }
        g.outputs().forEach(v -> uses.merge(v, 1, Integer::sum));
        Map<Value, Equation> producer = new IdentityHashMap<>();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            for (Value v : e.outputs()) {
                producer.put(v, e);
            }
            if (e.primitive() instanceof MatMulAdd) {
                replacement.put(e, new Equation(new MatMulBias(e.output().type()), e.inputs(), e.output()));
                continue;
            }
            if (!(e.primitive() instanceof Binary b) || b.op() != BinaryOp.ADD) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                Equation mm = producer.get(e.inputs()[side]);
                Value c = e.inputs()[1 - side];
                if (mm != null && mm.primitive() instanceof MatMul && mm.output().type().shape().rank() == 2
                        && mm.inputs()[0].type().shape().rank() == 2 && mm.inputs()[1].type().shape().rank() == 2
                        && uses.get(mm.output()) == 1 && e.output().type().equals(mm.output().type())
                        && c.type().dtype() == mm.output().type().dtype() && !dropped.containsKey(mm)
                        && !c.type().dtype().isStorageOnly()) {
                    dropped.put(mm, true);
                    replacement.put(e, new Equation(new MatMulBias(e.output().type()),
                            new Value[] {mm.inputs()[0], mm.inputs()[1], c}, e.output()));
                    break;
                }
            }
        }
        // The other rank-2 products become matmul_add of a zero, so that they too write into recycled buffers.
        int nextId = Passes.maxId(g) + 1;
        for (Equation e : g.equations()) {
            if (e.primitive() instanceof MatMul && !dropped.containsKey(e) && e.output().type().shape().rank() == 2
                    && !e.output().type().dtype().isStorageOnly()
                    && e.inputs()[0].type().shape().rank() == 2 && e.inputs()[1].type().shape().rank() == 2) {
                TensorType t = e.output().type();
                Value zero = new Value(nextId++, new TensorType(org.fluxion.tensor.Shape.scalar(), t.dtype()),
                        Tensor.scalar(0, t.dtype()), null);
                replacement.put(e, new Equation(new MatMulBias(t), new Value[] {e.inputs()[0], e.inputs()[1], zero},
                        e.output()));
            }
        }
        if (replacement.isEmpty()) {
            return g;
        }
        List<Equation> out = new ArrayList<>();
        for (Equation e : g.equations()) {
            if (!dropped.containsKey(e)) {
                out.add(replacement.getOrDefault(e, e));
            }
        }
        return new Graph(g.inputs(), out, g.outputs());
    }

    /**
     * Refused: the pattern pass creates it only in optimized plans, after tracing, so {@code vmap} (which
     * interprets the traced graph) never meets it.
     */
    @Override
    public Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        throw new UnsupportedOperationException(name() + ": exists only in compiled plans, which vmap never "
                + "interprets; vmap batches the traced matmul and add it was rewritten from");
    }
}
