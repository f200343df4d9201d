package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.jit.ir.Printer;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CompilerMultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A structured operation (a branch, a loop returning all its carries, a scan) as one primitive of several
 * outputs, computed by a Java function at run time: {@code outputs = fn(inputs)}. It enters graphs as one
 * equation and the tape as one node, whatever the number of outputs, and runs once per application.
 *
 * <p><b>Derivatives are runtime operations too.</b> The VJP is another structured operation whose function
 * calls {@link Functional#vjpN} on "run this operation's function on these concrete inputs": the function
 * interprets its nested graphs through the rule table, so the tape records every iteration (Zygote's
 * per-iteration stack: reverse mode through a while loop whose trip count is known only at run time) and
 * pulls the outputs' cotangents back through them, all outputs in one backward pass. The JVP is one
 * operation calling {@link Functional#treeJvp} the same way. Those operations have the same rules in turn,
 * so derivatives of any order work, eagerly, in {@code grad(jit(f))} (the rules run on concrete tensors)
 * and in {@code jit(grad(f))} (the rules run on traced tensors and record derivative operations in the
 * graph, which run when the plan runs). Integer and bool inputs and outputs (counters, predicates) get no
 * derivative.
 *
 * <p>The function must be pure: it receives plain tensors and returns new ones (or some of its inputs).
 */
final class Structured implements CompilerMultiOutput, Printer.Described {
    private final String name;
    private final TensorType[] inTypes;
    private final TensorType[] outTypes;
    /** The computation: inputs of {@link #inTypes} to outputs of {@link #outTypes}; differentiable. */
    private final Function<Tensor[], Tensor[]> fn;
    /** The printed parameters, given the indentation of nested graphs. */
    private final Function<String, String> parameters;
    /** Indices of the floating-point inputs and outputs: those with derivatives. */
    private final int[] floatInputs;
    private final int[] floatOutputs;
    /** VJP operations by the outputs that received a cotangent (their indices, as a list). */
    private final Map<List<Integer>, Structured> vjps = new ConcurrentHashMap<>();
    private volatile Structured jvp;

    Structured(String name, TensorType[] inTypes, TensorType[] outTypes, Function<Tensor[], Tensor[]> fn,
               Function<String, String> parameters) {
        this.name = name;
        this.inTypes = inTypes.clone();
        this.outTypes = outTypes.clone();
        this.fn = fn;
        this.parameters = parameters;
        this.floatInputs = floating(inTypes);
        this.floatOutputs = floating(outTypes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String parameters(String indent) {
        return parameters.apply(indent);
    }

    @Override
    public TensorType[] outputTypes(TensorType... inputs) {
        if (!Arrays.equals(inputs, inTypes)) {
            throw new IllegalArgumentException(name + ": inputs " + Arrays.toString(inputs)
                    + " do not match the types it was built for " + Arrays.toString(inTypes));
        }
        return outTypes.clone();
    }

    @Override
    public Tensor[] computeAll(TensorType[] outputs, Tensor... inputs) {
        Tensor[] plain = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            // The function's operations are not the derivative: this operation's rules are.
            plain[i] = Autograd.detach(inputs[i]);
        }
        Tensor[] out;
        try (var mode = GradMode.noGrad()) {
            out = fn.apply(plain);
        }
        if (out.length != outTypes.length) {
            throw new IllegalStateException(name + ": computed " + out.length + " outputs, expected " + outTypes.length);
        }
        for (int k = 0; k < out.length; k++) {
            if (!out[k].type().equals(outTypes[k])) {
                throw new IllegalStateException(name + ": output " + k + " is " + out[k].type() + ", expected "
                        + outTypes[k]);
            }
            // A fresh alias per output: the function may return an input, or one tensor twice (a carry the
            // body passes through), and autodiff attaches its state to each output.
            out[k] = Autograd.detach(out[k]);
        }
        return out;
    }

    /** The cotangents of the floating-point inputs from those of the outputs, by one VJP operation. */
    @Override
    public Tensor[] vjpAll(Tensor[] cotangents, Tensor[] inputs, Tensor[] outputs, int wanted) {
        List<Integer> present = new ArrayList<>();
        for (int k : floatOutputs) {
            if (cotangents[k] != null) {
                present.add(k);
            }
        }
        Tensor[] args = Arrays.copyOf(inputs, inputs.length + present.size());
        for (int j = 0; j < present.size(); j++) {
            args[inputs.length + j] = cotangents[present.get(j)].to(outTypes[present.get(j)].dtype());
        }
        Tensor[] cts = Ops.bindAll(vjpOperation(List.copyOf(present)), args);
        Tensor[] out = new Tensor[inputs.length];
        for (int j = 0; j < floatInputs.length; j++) {
            out[floatInputs[j]] = cts[j];
        }
        return out;
    }

    /** The tangents of the floating-point outputs from those of the inputs (null: zero), by one JVP operation. */
    @Override
    public Tensor[] jvpAll(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs) {
        Tensor[] out = new Tensor[outputs.length];
        if (floatOutputs.length == 0) {
            return out;
        }
        Tensor[] args = Arrays.copyOf(inputs, inputs.length + floatInputs.length);
        for (int j = 0; j < floatInputs.length; j++) {
            TensorType t = inTypes[floatInputs[j]];
            Tensor tangent = tangents[floatInputs[j]];
            args[inputs.length + j] = tangent == null ? Tensor.zeros(t.dtype(), t.shape().dims()) : tangent.to(t.dtype());
        }
        Tensor[] ts = Ops.bindAll(jvpOperation(), args);
        for (int j = 0; j < floatOutputs.length; j++) {
            out[floatOutputs[j]] = ts[j];
        }
        return out;
    }

    /** The rules rerun the function from the inputs; the outputs are not read. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return arity >= 31 ? ~0 : (1 << arity) - 1;
    }

    /**
     * One example at a time: batching a loop or a branch in one call needs per-example predicates (a
     * while loop that runs until every example is done, masking the finished ones; a select for cond),
     * which no rule here implements yet; the loop is correct meanwhile.
     */
    @Override
    public Tensor[] batchAll(Tensor[] inputs, boolean[] batched, int size) {
        return Batching.byLoopAll(this, inputs, batched, size);
    }

    /**
     * The operation computing the cotangents of the floating-point inputs from (inputs, cotangents of the
     * outputs {@code present}): at run time, one VJP of this operation's function, whose tape holds every
     * iteration of its loops.
     */
    private Structured vjpOperation(List<Integer> present) {
        return vjps.computeIfAbsent(present, p -> {
            int n = inTypes.length;
            TensorType[] in = Arrays.copyOf(inTypes, n + p.size());
            for (int j = 0; j < p.size(); j++) {
                in[n + j] = outTypes[p.get(j)];
            }
            return new Structured(name + "_vjp", in, pick(inTypes, floatInputs), xs -> {
                Tensor[] operands = Arrays.copyOf(xs, n);
                Functional.VjpNResult r = Functional.vjpN(fs -> {
                    Tensor[] all = fn.apply(merge(operands, floatInputs, fs));
                    Tensor[] chosen = new Tensor[p.size()];
                    for (int j = 0; j < chosen.length; j++) {
                        chosen[j] = all[p.get(j)];
                    }
                    return chosen;
                }, pick(operands, floatInputs));
                return r.pullback().apply(Arrays.copyOfRange(xs, n, xs.length));
            }, indent -> "outputs=" + p);
        });
    }

    /** The operation computing the tangents of the floating-point outputs from (inputs, their tangents). */
    private Structured jvpOperation() {
        Structured d = jvp;
        if (d == null) {
            int n = inTypes.length;
            TensorType[] in = Arrays.copyOf(inTypes, n + floatInputs.length);
            for (int j = 0; j < floatInputs.length; j++) {
                in[n + j] = inTypes[floatInputs[j]];
            }
            d = new Structured(name + "_jvp", in, pick(outTypes, floatOutputs), xs -> {
                Tensor[] operands = Arrays.copyOf(xs, n);
                List<Tensor> tangents = List.of(Arrays.copyOfRange(xs, n, xs.length));
                List<Tensor> ts = Functional.treeJvp((List<Tensor> fs) -> List.of(pick(
                        fn.apply(merge(operands, floatInputs, fs.toArray(Tensor[]::new))), floatOutputs)),
                        List.of(pick(operands, floatInputs)), tangents).tangent();
                Tensor[] out = new Tensor[floatOutputs.length];
                for (int j = 0; j < out.length; j++) {
                    out[j] = ts.get(j).to(outTypes[floatOutputs[j]].dtype());
                }
                return out;
            }, indent -> "");
            jvp = d;
        }
        return d;
    }

    private static int[] floating(TensorType[] types) {
        return IntStream.range(0, types.length).filter(i -> types[i].dtype().isFloatingPoint()).toArray();
    }

    private static <T> T[] pick(T[] xs, int[] which) {
        T[] out = Arrays.copyOf(xs, which.length);
        for (int j = 0; j < which.length; j++) {
            out[j] = xs[which[j]];
        }
        return out;
    }

    private static Tensor[] merge(Tensor[] xs, int[] which, Tensor[] replacements) {
        Tensor[] out = xs.clone();
        for (int j = 0; j < which.length; j++) {
            out[which[j]] = replacements[j];
        }
        return out;
    }
}
