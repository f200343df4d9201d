package org.fluxion.jit.passes;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.kernels.Conv2dEpilogue;
import org.fluxion.kernels.Conv2dGeometry;
import org.fluxion.kernels.Conv2dKernels;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.ConvolutionPrimitives;
import org.fluxion.ops.Unary;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * {@code relu((conv2d(x, w) + b) + r)} as one step, each of {@code + b}, {@code + r} and {@code relu} optional
 * (at least one present): the convolution applies them to its output as it writes it ({@link Conv2dEpilogue}),
 * instead of a pass over the whole output each. Inputs {@code x [N, C, H, W]}, {@code w [O, C/groups, kh, kw]},
 * then {@code b} (any shape holding O values along the channel axis: {@code [O]}, {@code [O, 1, 1]},
 * {@code [1, O, 1, 1]}) when {@code bias}, then {@code r [N, O, OH, OW]} when {@code residual}. Like
 * {@link MatMulBias} it only appears in compiled plans, after differentiation, and has no derivative rules.
 */
record ConvEpilogue(Conv2dOptions options, TensorType type, boolean bias, boolean residual, boolean relu)
        implements PlanStep {
    @Override
    public String name() {
        return "conv2d" + (bias ? "_bias" : "") + (residual ? "_add" : "") + (relu ? "_relu" : "");
    }

    @Override
    public String rewrittenFrom() {
        return "conv2d and elementwise operations";
    }

    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        Tensor x = in[0].contiguous();
        Tensor w = in[1].contiguous();
        Tensor b = bias ? in[2].contiguous() : null;
        Tensor r = residual ? in[bias ? 3 : 2].contiguous() : null;
        Conv2dGeometry g = new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                options.strideH(), options.strideW(), options.padH(), options.padW(), options.dilationH(),
                options.dilationW(), options.groups());
        Conv2dEpilogue epilogue = new Conv2dEpilogue(b == null ? null : storage(b).array(), b == null ? 0 : b.offset(),
                r == null ? null : storage(r).array(), r == null ? 0 : r.offset(), relu);
        Conv2dKernels.forward(g, storage(x).array(), x.offset(), storage(w).array(), w.offset(), buffer.array(), 0,
                epilogue);
        return Tensor.wrap(buffer, type.shape());
    }

    /**
     * Rewrites each {@code conv2d} whose output feeds only an {@code add} of a per-channel bias, then (each
     * step optional, each intermediate read by the next step alone and not a graph output) an {@code add} of a
     * tensor of the output's type, then a {@code relu}, into one {@code ConvEpilogue} at the place of the last
     * step. A chain of the conv alone is left as it is.
     */
    static Graph rewrite(Graph g) {
        Map<Value, List<Equation>> readers = g.readers();
        Map<Value, Boolean> isOutput = new IdentityHashMap<>();
        g.outputs().forEach(v -> isOutput.put(v, true));
        Map<Equation, Boolean> absorbed = new IdentityHashMap<>();
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        for (Equation conv : g.equations()) {
            if (!(conv.primitive() instanceof ConvolutionPrimitives.Conv2d c) || absorbed.containsKey(conv)) {
                continue;
            }
            TensorType t = conv.output().type();
            if (t.dtype() != DType.FLOAT32 && t.dtype() != DType.FLOAT64) {
                continue;
            }
            List<Value> ins = new ArrayList<>(List.of(conv.inputs()));
            Value at = conv.output();
            Equation last = conv;
            List<Equation> chain = new ArrayList<>();
            boolean hasBias = false, hasResidual = false, hasRelu = false;
            Equation next = soleReader(readers, isOutput, absorbed, at);
            Value other = next == null ? null : addend(next, at);
            if (other != null && isChannelVector(other.type(), t)) {
                ins.add(other);
                hasBias = true;
                chain.add(next);
                last = next;
                at = next.output();
                next = soleReader(readers, isOutput, absorbed, at);
                other = next == null ? null : addend(next, at);
            }
            if (other != null && other.type().equals(t) && other != at) {
                ins.add(other);
                hasResidual = true;
                chain.add(next);
                last = next;
                at = next.output();
                next = soleReader(readers, isOutput, absorbed, at);
            }
            if (next != null && next.primitive() instanceof Unary u && u.op() == UnaryOp.RELU
                    && next.output().type().equals(t)) {
                hasRelu = true;
                chain.add(next);
                last = next;
            }
            if (chain.isEmpty()) {
                continue;
            }
            absorbed.put(conv, true);
            chain.forEach(e -> absorbed.put(e, true));
            replacement.put(last, new Equation(new ConvEpilogue(c.options(), t, hasBias, hasResidual, hasRelu),
                    ins.toArray(Value[]::new), last.output()));
        }
        return Passes.rewritten(g, replacement, absorbed);
    }

    /** The one equation reading {@code v}, when v has exactly one reader, is no graph output and that reader is free. */
    private static Equation soleReader(Map<Value, List<Equation>> readers, Map<Value, Boolean> isOutput,
                                       Map<Equation, Boolean> absorbed, Value v) {
        List<Equation> rs = readers.getOrDefault(v, List.of());
        if (rs.size() != 1 || isOutput.containsKey(v) || absorbed.containsKey(rs.get(0))) {
            return null;
        }
        return rs.get(0);
    }

    /** The other operand of {@code e} when e is an {@code add} of {@code v} that keeps v's type, else null. */
    private static Value addend(Equation e, Value v) {
        if (!(e.primitive() instanceof Binary b) || b.op() != BinaryOp.ADD || !e.output().type().equals(v.type())) {
            return null;
        }
        Value[] in = e.inputs();
        if (in[0] == v && in[1] != v) {
            return in[1];
        }
        return in[1] == v && in[0] != v ? in[0] : null;
    }

    /** True when {@code b} holds one value per channel of {@code y [N, O, OH, OW]}, of y's dtype. */
    private static boolean isChannelVector(TensorType b, TensorType y) {
        if (b.dtype() != y.dtype() || b.shape().rank() > 4 || b.shape().size() != y.shape().dim(1)) {
            return false;
        }
        // right-aligned to rank 4, every axis but the channel one has size 1
        int rank = b.shape().rank();
        for (int k = 0; k < rank; k++) {
            int axis = 4 - rank + k;
            if (axis != 1 && b.shape().dim(k) != 1) {
                return false;
            }
        }
        return rank >= 3 || y.shape().dim(1) == 1; // [O] or [1, O] would broadcast along the width instead
    }

}
