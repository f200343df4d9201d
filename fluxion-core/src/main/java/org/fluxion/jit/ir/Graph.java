package org.fluxion.jit.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.ops.MultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.Tensor;

/**
 * A traced program in SSA form: inputs, equations in execution order, outputs. Every equation applies
 * one primitive of the rule table, so a graph can be optimized ({@link org.fluxion.jit.passes.Passes}),
 * compiled ({@link org.fluxion.jit.exec.Plan})
 * or interpreted through {@link Ops#bind} (which differentiates it like eager code). Its
 * {@link #toString()} is a readable printout in the style of JAX's jaxprs.
 */
public final class Graph {
    final List<Value> inputs;
    final List<Equation> equations;
    final List<Value> outputs;

    public Graph(List<Value> inputs, List<Equation> equations, List<Value> outputs) {
        this.inputs = List.copyOf(inputs);
        this.equations = List.copyOf(equations);
        this.outputs = List.copyOf(outputs);
    }

    public List<Value> inputs() {
        return inputs;
    }

    public List<Equation> equations() {
        return equations;
    }

    public List<Value> outputs() {
        return outputs;
    }

    /**
     * For each value some equation reads, those equations in execution order (an equation reading the value
     * twice is listed twice); keyed by identity. Graph outputs are not readers.
     */
    public Map<Value, List<Equation>> readers() {
        Map<Value, List<Equation>> readers = new IdentityHashMap<>();
        for (Equation e : equations) {
            for (Value v : e.inputs()) {
                readers.computeIfAbsent(v, k -> new ArrayList<>()).add(e);
            }
        }
        return readers;
    }

    /** For each value an equation computes, that equation; keyed by identity (inputs and constants have none). */
    public Map<Value, Equation> producers() {
        Map<Value, Equation> producers = new IdentityHashMap<>();
        for (Equation e : equations) {
            for (Value v : e.outputs()) {
                producers.put(v, e);
            }
        }
        return producers;
    }

    /** Each equation's index in execution order; keyed by identity. */
    public Map<Equation, Integer> positions() {
        Map<Equation, Integer> positions = new IdentityHashMap<>();
        for (int i = 0; i < equations.size(); i++) {
            positions.put(equations.get(i), i);
        }
        return positions;
    }

    /**
     * For each value read, how many times: once per equation input that is it and once per graph output that is it;
     * keyed by identity. A pattern pass may absorb a step whose value is used once, by the equation it rewrites.
     */
    public Map<Value, Integer> uses() {
        Map<Value, Integer> uses = new IdentityHashMap<>();
        for (Equation e : equations) {
            for (Value v : e.inputs()) {
                uses.merge(v, 1, Integer::sum);
            }
        }
        outputs.forEach(v -> uses.merge(v, 1, Integer::sum));
        return uses;
    }

    /** How many equations apply the primitive named {@code name} (e.g. {@code "add"}, {@code "fused"}). */
    public long count(String name) {
        return equations.stream().filter(e -> e.primitive().name().equals(name)).count();
    }

    /**
     * Interprets the graph on concrete (or traced) tensors, each equation through {@link Ops#bind}: autodiff
     * records every primitive, so the result is differentiable in every mode, to any order (JAX's
     * {@code eval_jaxpr}). The arguments are the graph's inputs in order, of the types it was traced for.
     */
    public Tensor[] evaluate(Tensor... args) {
        if (args.length != inputs.size()) {
            throw new IllegalArgumentException("graph: " + args.length + " arguments for " + inputs.size() + " inputs");
        }
        Map<Value, Tensor> env = new IdentityHashMap<>();
        for (int i = 0; i < args.length; i++) {
            env.put(inputs.get(i), args[i]);
        }
        for (Equation e : equations) {
            Tensor[] in = new Tensor[e.inputs().length];
            for (int i = 0; i < in.length; i++) {
                in[i] = lookup(env, e.inputs()[i]);
            }
            if (e.primitive() instanceof MultiOutput) {
                Tensor[] out = Ops.bindAll(e.primitive(), in);
                for (int k = 0; k < out.length; k++) {
                    env.put(e.outputs()[k], out[k]);
                }
            } else {
                env.put(e.output(), Ops.bind(e.primitive(), in));
            }
        }
        Tensor[] out = new Tensor[outputs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = lookup(env, outputs.get(i));
        }
        return out;
    }

    private static Tensor lookup(Map<Value, Tensor> env, Value v) {
        return v.isConstant() ? v.constant : env.get(v);
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
