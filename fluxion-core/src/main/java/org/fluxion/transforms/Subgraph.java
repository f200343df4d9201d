package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.GradMode;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.jit.exec.Plan;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Printer;
import org.fluxion.jit.ir.Trace;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.jit.ir.Value;
import org.fluxion.jit.passes.Passes;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A user function of structured control flow (a branch, a loop's condition or body, a scan step) traced
 * into a nested graph inside the trace that is being recorded. Its graph takes the function's arguments
 * followed by its <em>captures</em>: the values of enclosing traces that the function used without
 * receiving them as arguments (closure conversion). The structured operation passes those captured
 * tensors as extra operands, so that they are ordinary inputs of the enclosing graph (and get
 * cotangents like any other input).
 */
final class Subgraph {
    final Graph graph;
    /** How many inputs of {@link #graph} are the function's arguments (the rest are captures). */
    final int arity;
    /** The tensors of the enclosing trace that the captured inputs stand for, in input order. */
    final List<Tensor> captures;
    /** Structure of the function's result, and the types of its leaves. */
    final TreeDef resultDef;
    final TensorType[] resultTypes;
    private volatile Graph optimized;
    private volatile Plan plan;

    private Subgraph(Graph graph, int arity, List<Tensor> captures, TreeDef resultDef, TensorType[] resultTypes) {
        this.graph = graph;
        this.arity = arity;
        this.captures = captures;
        this.resultDef = resultDef;
        this.resultTypes = resultTypes;
    }

    /**
     * Traces {@code f} on fresh traced tensors of the types {@code args}, as a nested trace of the one
     * active on this thread (or a top-level one when none is). Recording for reverse mode is off while
     * tracing: the operations land in the nested graph, and differentiation happens on the structured
     * operation that runs it.
     */
    static Subgraph trace(TensorType[] args, Function<List<Tensor>, Object> f) {
        Trace trace = new Trace(Tracing.current(), true, true);
        List<Tensor> tracers = new ArrayList<>(args.length);
        for (TensorType t : args) {
            tracers.add(trace.newInput(t));
        }
        TreeDef[] def = new TreeDef[1];
        Graph g;
        try (var mode = GradMode.noGrad()) {
            g = Tracing.trace(trace, () -> {
                Tree.Flat out = Tree.flatten(f.apply(List.copyOf(tracers)));
                def[0] = out.def();
                return out.leaves();
            });
        }
        TensorType[] types = g.outputs().stream().map(Value::type).toArray(TensorType[]::new);
        return new Subgraph(g, args.length, List.copyOf(trace.capturedOperands()), def[0], types);
    }

    /**
     * Runs the graph on {@code args} (the arguments, then the captures). When an argument takes part in
     * differentiation it is interpreted through the rule table, so that the caller (a derivative of the
     * structured operation, at run time) can differentiate it; otherwise the compiled plan runs.
     */
    Tensor[] run(Tensor[] args) {
        for (Tensor a : args) {
            if (Autograd.isDifferentiated(a)) {
                return optimized().evaluate(args);
            }
        }
        return plan().run(args);
    }

    private Graph optimized() {
        Graph g = optimized;
        if (g == null) {
            g = Passes.optimize(graph);
            optimized = g;
        }
        return g;
    }

    private Plan plan() {
        Plan p = plan;
        if (p == null) {
            // A plan hands its outputs to its caller (they are never recycled buffers), so a loop may feed
            // one iteration's outputs into the next run and keep them (scan's ys).
            p = new Plan(Passes.fuse(optimized()));
            plan = p;
        }
        return p;
    }

    /** The printout of the nested graph, its lines after the first indented by {@code indent}. */
    String print(String indent) {
        return Printer.print(graph, indent);
    }
}
