package org.fluxion.ode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.Jitted;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Unary;
import org.fluxion.ops.UnaryOp;
import org.fluxion.ops.ViewPrimitives;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * A function's value and VJP split at its residuals, as JAX's partial evaluation splits {@code vjp}: a compiled
 * forward {@code (x...) -> (f(x), residuals...)} and a compiled backward
 * {@code (x..., lambda, residuals...) -> cotangents}. A solver that evaluates the field at a stage and later
 * needs its VJP there (the discrete adjoint) keeps the residuals, so the backward does not compute the forward
 * pass again (for an MLP: the hidden layer's product and activation).
 *
 * <p>The traced graph of {@code (x..., lambda) -> (f(x), cotangents...)} is cut in two: the equations that do
 * not depend on {@code lambda} go to the forward, the others to the backward; the residuals are the forward's
 * values the backward reads. Views ({@code permute}, {@code reshape}, {@code expand}, {@code slice}) and
 * {@code add}, {@code sub}, {@code mul}, {@code neg} are recomputed by the backward from what they read instead of
 * kept (as JAX's {@code checkpoint_dots} policy keeps only what is costly to compute): a view costs nothing
 * there, a plan would return it as a copy, and a view of an input would be overwritten when the caller reuses its
 * input buffers; the arithmetic fuses into the backward's own elementwise kernels (an MLP keeps {@code tanh(h)}, not
 * also {@code 1 - tanh(h)^2}).
 */
final class SplitVjp {
    private final Jitted<List<Tensor>, List<Tensor>> forward;
    /** The backward with the cotangents after the first added to donated running sums ({@link #backwardAdding}). */
    private final Jitted<List<Tensor>, List<Tensor>> backwardAdding;
    private final Graph forwardGraph;
    private final Graph backwardGraph;
    private final int primals;

    /**
     * @param valueAndVjp {@code (x_0..x_{k-1}, lambda) -> (f(x), lambda^T df/dx_0, ...)}, traceable
     * @param example     arguments of the shapes and dtypes it will be called with ({@code k + 1} tensors)
     */
    SplitVjp(Function<List<Tensor>, List<Tensor>> valueAndVjp, List<Tensor> example) {
        Graph g = Jit.makeGraph(valueAndVjp, example);
        this.primals = example.size() - 1;
        List<Value> inputs = g.inputs();
        Set<Value> unknown = identitySet();
        unknown.add(inputs.get(primals));
        Set<Value> cheap = identitySet(); // known values the backward recomputes instead of keeping
        Set<Value> base = identitySet();
        base.addAll(inputs.subList(0, primals));
        List<Equation> known = new ArrayList<>();
        List<Equation> rest = new ArrayList<>();
        Map<Value, Equation> producer = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            boolean dependent = false;
            for (Value v : e.inputs()) {
                dependent |= unknown.contains(v);
            }
            for (Value out : e.outputs()) {
                producer.put(out, e);
                if (dependent) {
                    unknown.add(out);
                } else if (recomputable(e)) {
                    cheap.add(out);
                }
            }
            (dependent ? rest : known).add(e);
        }
        // What the backward reads of the forward: residuals, or cheap values it recomputes from what they read.
        List<Value> residuals = new ArrayList<>();
        Set<Equation> recomputed = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Value> reads = new ArrayList<>();
        for (Equation e : rest) {
            reads.addAll(List.of(e.inputs()));
        }
        List<Value> cotangents = g.outputs().subList(1, g.outputs().size());
        reads.addAll(cotangents);
        for (int i = 0; i < reads.size(); i++) {
            Value v = reads.get(i);
            if (v.isConstant() || unknown.contains(v) || base.contains(v)) {
                continue;
            }
            if (cheap.contains(v)) {
                Equation e = producer.get(v);
                if (recomputed.add(e)) {
                    reads.addAll(List.of(e.inputs()));
                }
            } else if (!residuals.contains(v)) {
                residuals.add(v);
            }
        }
        List<Equation> backwardEquations = new ArrayList<>();
        for (Equation e : g.equations()) {
            if (recomputed.contains(e) || unknown.contains(e.outputs()[0])) {
                backwardEquations.add(e);
            }
        }
        List<Value> forwardOutputs = new ArrayList<>();
        forwardOutputs.add(g.outputs().get(0));
        forwardOutputs.addAll(residuals);
        Graph fwd = new Graph(inputs.subList(0, primals), known, forwardOutputs);
        List<Value> backwardInputs = new ArrayList<>(inputs);
        backwardInputs.addAll(residuals);
        Graph bwd = new Graph(backwardInputs, backwardEquations, cotangents);
        this.forwardGraph = fwd;
        this.backwardGraph = bwd;
        this.forward = Jit.jit(in -> List.of(fwd.evaluate(in.toArray(Tensor[]::new))));
        int read = backwardInputs.size();
        this.backwardAdding = Jit.<List<Tensor>, List<Tensor>>jit(in -> {
            Tensor[] cts = bwd.evaluate(in.subList(0, read).toArray(Tensor[]::new));
            List<Tensor> out = new ArrayList<>(cts.length);
            out.add(cts[0]);
            for (int k = 1; k < cts.length; k++) {
                out.add(in.get(read + k - 1).add(cts[k]));
            }
            return out;
        }).donating(in -> in.subList(read, in.size()));
    }

    /** The forward graph (its outputs: the value, then the residuals). */
    Graph forwardGraph() {
        return forwardGraph;
    }

    /** The backward graph (its inputs: the primals, the cotangent, then the residuals). */
    Graph backwardGraph() {
        return backwardGraph;
    }

    private static boolean recomputable(Equation e) {
        return switch (e.primitive()) {
            case ViewPrimitives.Permute v -> true;
            case ViewPrimitives.Reshape v -> true;
            case ViewPrimitives.Expand v -> true;
            case ViewPrimitives.Slice v -> true;
            case Binary b -> b.op() == BinaryOp.ADD || b.op() == BinaryOp.SUB || b.op() == BinaryOp.MUL;
            case Unary u -> u.op() == UnaryOp.NEG;
            default -> false;
        };
    }

    private static Set<Value> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** The forward's results: {@code f(x)} and the residuals the backward needs. */
    record Forward(Tensor value, List<Tensor> residuals) {
    }

    /**
     * {@code f(x)} and its residuals. A residual sharing an input's storage (a plan may return an input's
     * buffer) is copied, so that the caller may reuse its input buffers.
     */
    Forward forward(List<Tensor> x) {
        return forward(x, List.of());
    }

    /**
     * {@link #forward(List)}, the value and residuals written into the storages of {@code into} (in that order) where
     * the plan can ({@link Jitted#applyInto}).
     */
    Forward forward(List<Tensor> x, List<Tensor> into) {
        List<Tensor> out = forward.applyInto(x, into);
        List<Tensor> residuals = new ArrayList<>(out.subList(1, out.size()));
        for (int i = 0; i < residuals.size(); i++) {
            for (Tensor in : x) {
                if (TensorInternals.storage(residuals.get(i)) == TensorInternals.storage(in)) {
                    residuals.set(i, residuals.get(i).copy());
                    break;
                }
            }
        }
        return new Forward(out.get(0), residuals);
    }

    /**
     * The cotangents {@code lambda^T df/dx_i} at {@code x}, from the residuals its {@link #forward} returned: the
     * first as it is, each later one added to its running sum in {@code sums} (one per cotangent after the first,
     * of its shape), as a reverse sweep sums a parameter's cotangent over many VJPs. The
     * sums are donated: the plan writes the new sums into their storages (a GEMM's cotangent is accumulated by the
     * GEMM itself, {@code matmul_add}), so use the returned ones. The first cotangent is written into {@code into}'s
     * storage where the plan can (null: a new one).
     */
    List<Tensor> backwardAdding(List<Tensor> x, Tensor lambda, List<Tensor> residuals, List<Tensor> sums,
                                Tensor into) {
        return backwardAdding.applyInto(backwardInputs(x, lambda, residuals, sums),
                into == null ? List.of() : java.util.Collections.singletonList(into));
    }

    private List<Tensor> backwardInputs(List<Tensor> x, Tensor lambda, List<Tensor> residuals, List<Tensor> sums) {
        if (x.size() != primals) {
            throw new IllegalArgumentException("SplitVjp: " + x.size() + " inputs, expected " + primals);
        }
        List<Tensor> in = new ArrayList<>(x.size() + 1 + residuals.size() + sums.size());
        in.addAll(x);
        in.add(lambda);
        in.addAll(residuals);
        in.addAll(sums);
        return in;
    }
}
