package org.fluxion.transforms;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A structured operation with several outputs (a loop returns all its carries), computed all at once by
 * a Java function at run time. A {@link org.fluxion.ops.Primitive} has one output, so the operation
 * enters graphs and the tape as one {@link Projection} per output, all applied to the same inputs; the
 * group remembers the outputs of its latest inputs so that the loop runs once per execution, not once
 * per output.
 *
 * <p><b>Derivatives are runtime operations too.</b> The VJP of output {@code k} is another group whose
 * function calls {@link Functional#vjp} on "run this group's function on these concrete inputs": the
 * function interprets its nested graphs through the rule table, so the tape records every iteration
 * (Zygote's per-iteration stack: reverse mode through a while loop whose trip count is known only at
 * run time) and pulls the cotangent back through them. The JVP is a group calling {@link Functional#jvp}
 * the same way. Those groups have the same rules in turn, so derivatives of any order work, eagerly, in
 * {@code grad(jit(f))} (the rules run on concrete tensors) and in {@code jit(grad(f))} (the rules run on
 * traced tensors and record derivative groups in the graph, which run when the plan runs).
 *
 * <p>The function must be pure: it receives plain tensors and returns new ones (or some of its inputs).
 */
final class Group {
    final String name;
    final TensorType[] inTypes;
    final TensorType[] outTypes;
    /** The computation: inputs of {@link #inTypes} to outputs of {@link #outTypes}; differentiable. */
    private final Function<Tensor[], Tensor[]> fn;
    /** The printed parameters of output {@code k}'s projection, given the indentation of nested graphs. */
    private final BiFunction<Integer, String, String> parameters;
    /** The latest inputs and their outputs; null once every output was taken (so nothing is retained). */
    private volatile Memo memo;
    private final Group[] vjps;
    private final Group[] jvps;

    Group(String name, TensorType[] inTypes, TensorType[] outTypes, Function<Tensor[], Tensor[]> fn,
          BiFunction<Integer, String, String> parameters) {
        this.name = name;
        this.inTypes = inTypes.clone();
        this.outTypes = outTypes.clone();
        this.fn = fn;
        this.parameters = parameters;
        this.vjps = new Group[outTypes.length];
        this.jvps = new Group[outTypes.length];
    }

    /** Applies the operation to {@code inputs} (concrete, tracked or traced): one tensor per output. */
    Tensor[] bind(Tensor... inputs) {
        Tensor[] out = new Tensor[outTypes.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = Ops.bind(new Projection(this, k), inputs);
        }
        return out;
    }

    /**
     * The output {@code k} for concrete inputs. Inputs are the same when they are the same tensor objects
     * at the same storage versions (an in-place write between two runs of a plan gives new outputs).
     */
    Tensor output(int k, Tensor[] inputs) {
        Memo m = memo;
        if (m == null || !m.matches(inputs)) {
            m = new Memo(inputs, compute(inputs));
            memo = m;
        }
        Tensor out = m.outputs[k];
        if (m.take(k) && memo == m) {
            memo = null;
        }
        // A fresh alias per projection: autodiff attaches its state to the tensor it gets.
        return Autograd.detach(out);
    }

    private Tensor[] compute(Tensor[] inputs) {
        Tensor[] plain = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            // The function's operations are not the derivative: the projections' rules are.
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
        }
        return out;
    }

    /** The cotangents of the wanted inputs given the cotangent {@code g} of output {@code k}; null elsewhere. */
    Tensor[] vjp(int k, Tensor g, Tensor[] inputs, int wanted) {
        int[] floats = floatInputs();
        Group d = vjpGroup(k, floats);
        Tensor[] args = Arrays.copyOf(inputs, inputs.length + 1);
        args[inputs.length] = g.dtype() == outTypes[k].dtype() ? g : g.to(outTypes[k].dtype());
        Tensor[] cts = new Tensor[inputs.length];
        for (int j = 0; j < floats.length; j++) {
            if (floats[j] >= 32 || (wanted & (1 << floats[j])) != 0) {
                cts[floats[j]] = Ops.bind(new Projection(d, j), args);
            }
        }
        return cts;
    }

    /** The tangent of output {@code k} given the inputs' tangents (null: zero). */
    Tensor jvp(int k, Tensor[] inputs, Tensor[] tangents) {
        int[] floats = floatInputs();
        Group d = jvpGroup(k, floats);
        Tensor[] args = Arrays.copyOf(inputs, inputs.length + floats.length);
        for (int j = 0; j < floats.length; j++) {
            TensorType t = inTypes[floats[j]];
            Tensor tangent = tangents[floats[j]];
            args[inputs.length + j] = tangent == null ? Tensor.zeros(t.dtype(), t.shape().dims())
                    : tangent.dtype() == t.dtype() ? tangent : tangent.to(t.dtype());
        }
        return Ops.bind(new Projection(d, 0), args);
    }

    /**
     * The group computing the cotangents of the floating-point inputs from (inputs, cotangent of output
     * k): at run time, a VJP of this group's function, whose tape holds every iteration of its loops.
     */
    private synchronized Group vjpGroup(int k, int[] floats) {
        if (vjps[k] == null) {
            TensorType[] in = Arrays.copyOf(inTypes, inTypes.length + 1);
            in[inTypes.length] = outTypes[k];
            TensorType[] out = new TensorType[floats.length];
            for (int j = 0; j < floats.length; j++) {
                out[j] = inTypes[floats[j]];
            }
            int n = inTypes.length;
            vjps[k] = new Group(name + "_vjp", in, out, xs -> {
                Tensor[] operands = Arrays.copyOf(xs, n);
                Functional.VjpResult r = Functional.vjp(fs -> fn.apply(merge(operands, floats, fs))[k],
                        pick(operands, floats));
                return r.pullback().apply(xs[n]);
            }, (j, indent) -> "output=" + k + (floats.length > 1 ? ", out=" + j : ""));
        }
        return vjps[k];
    }

    /** The group computing the tangent of output k from (inputs, tangents of the floating-point inputs). */
    private synchronized Group jvpGroup(int k, int[] floats) {
        if (jvps[k] == null) {
            TensorType[] in = Arrays.copyOf(inTypes, inTypes.length + floats.length);
            for (int j = 0; j < floats.length; j++) {
                in[inTypes.length + j] = inTypes[floats[j]];
            }
            int n = inTypes.length;
            jvps[k] = new Group(name + "_jvp", in, new TensorType[] {outTypes[k]}, xs -> {
                Tensor[] operands = Arrays.copyOf(xs, n);
                Tensor[] tangents = Arrays.copyOfRange(xs, n, xs.length);
                Tensor t = Functional.jvp(fs -> fn.apply(merge(operands, floats, fs))[k], pick(operands, floats),
                        tangents).tangent();
                return new Tensor[] {t.dtype() == outTypes[k].dtype() ? t : t.to(outTypes[k].dtype())};
            }, (j, indent) -> "output=" + k);
        }
        return jvps[k];
    }

    /** Indices of the inputs that can have derivatives (integer and boolean inputs have none). */
    private int[] floatInputs() {
        return java.util.stream.IntStream.range(0, inTypes.length)
                .filter(i -> inTypes[i].dtype().isFloatingPoint()).toArray();
    }

    private static Tensor[] pick(Tensor[] xs, int[] which) {
        Tensor[] out = new Tensor[which.length];
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

    String parameters(int k, String indent) {
        return parameters.apply(k, indent);
    }

    /** Inputs (identity and storage version) and the outputs computed from them. */
    private static final class Memo {
        private final Tensor[] inputs;
        private final int[] versions;
        final Tensor[] outputs;
        private final BitSet taken = new BitSet();

        Memo(Tensor[] inputs, Tensor[] outputs) {
            this.inputs = inputs.clone();
            this.versions = new int[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                versions[i] = storage(inputs[i]).version();
            }
            this.outputs = outputs;
        }

        boolean matches(Tensor[] xs) {
            if (xs.length != inputs.length) {
                return false;
            }
            for (int i = 0; i < xs.length; i++) {
                if (xs[i] != inputs[i] || storage(xs[i]).version() != versions[i]) {
                    return false;
                }
            }
            return true;
        }

        /** Marks output k as taken; true when every output has been. */
        synchronized boolean take(int k) {
            taken.set(k);
            return taken.cardinality() == outputs.length;
        }
    }
}
