package org.fluxion.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A random straight-line program over float64 tensors, in SSA form: values {@code 0 .. inputs-1} are the
 * arguments, value {@code inputs + i} is the result of {@code nodes[i]}. It returns two tensors: the last
 * node ({@code out}, compared by value) and the scalar
 * {@code loss = sum over sinks s of (s * W(s)).sum() + 0.05 * (s * s).sum()}, where the sinks are the nodes
 * nothing else reads and {@code W(s)} is {@code linspace(0.5, 1.5)} in the shape of {@code s} (fixed and
 * asymmetric, so that a permuted or misplaced element changes the loss and its derivatives).
 *
 * <p>A program is immutable; the shrinker builds smaller ones with {@link #without} and {@link #bypass}.
 */
final class Program {
    /**
     * An argument: its shape, whether it is the same Java object as an earlier argument, its layout, its
     * axis under {@code vmap} (-1: not batched, and then both examples hold the same values), and its
     * values in the two examples.
     */
    record Input(int[] dims, int aliasOf, boolean nonContiguous, int batchAxis, Tensor[] examples) {
    }

    /**
     * One operation: the values it reads, how it applies, its Java text (operand names in, expression out),
     * and the condition under which it is smooth at the operands' values (away from kinks, ties, poles).
     */
    record Node(int[] args, int[] dims, Function<Tensor[], Tensor> apply, Function<String[], String> java,
                Predicate<Tensor[]> smooth) {
    }

    final long seed;
    final List<Input> inputs;
    final List<Node> nodes;

    Program(long seed, List<Input> inputs, List<Node> nodes) {
        this.seed = seed;
        this.inputs = List.copyOf(inputs);
        this.nodes = List.copyOf(nodes);
    }

    int valueCount() {
        return inputs.size() + nodes.size();
    }

    /** The argument tensors of example {@code e} (0 or 1), aliases passed as the same object. */
    Tensor[] arguments(int e) {
        return arguments(e, false);
    }

    /**
     * With {@code flipped}, every argument in the other layout (contiguous for non-contiguous and back) and
     * repeated arguments as distinct objects: the same shapes and dtypes, so a compiled function reuses its
     * plan, which must not depend on strides or on which arguments were the same object when it was traced.
     */
    Tensor[] arguments(int e, boolean flipped) {
        Tensor[] xs = new Tensor[inputs.size()];
        for (int i = 0; i < xs.length; i++) {
            Input in = inputs.get(i);
            if (in.aliasOf >= 0 && !flipped) {
                xs[i] = xs[in.aliasOf];
            } else {
                xs[i] = layout(in.examples[e], in.nonContiguous != flipped);
            }
        }
        return xs;
    }

    /** The same values stored transposed (rank >= 2) or with a gap after each element (rank 1). */
    static Tensor layout(Tensor t, boolean nonContiguous) {
        if (!nonContiguous || t.rank() == 0) {
            return t;
        }
        if (t.rank() >= 2) {
            return t.transpose(0, t.rank() - 1).contiguous().transpose(0, t.rank() - 1);
        }
        return gapped(t.toDoubleArray()).slice(0, 0, 2 * t.size(), 2);
    }

    private static Tensor gapped(double[] v) {
        double[] g = new double[2 * v.length];
        for (int k = 0; k < v.length; k++) {
            g[2 * k] = v[k];
        }
        return Tensor.of(g, g.length);
    }

    /** {@code {out, loss}}: works on plain, traced, batched and dual tensors alike. */
    Tensor[] run(Tensor[] xs) {
        Tensor[] values = values(xs);
        Tensor loss = null;
        for (int s : sinks()) {
            Tensor v = values[s];
            Tensor term = v.mul(weights(v.dims())).sum().add(v.mul(v).sum().mul(0.05));
            loss = loss == null ? term : loss.add(term);
        }
        return new Tensor[] {values[valueCount() - 1], loss};
    }

    Tensor loss(Tensor[] xs) {
        return run(xs)[1];
    }

    Tensor[] values(Tensor[] xs) {
        Tensor[] values = Arrays.copyOf(xs, valueCount());
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            values[inputs.size() + i] = n.apply.apply(operands(n, values));
        }
        return values;
    }

    static Tensor[] operands(Node n, Tensor[] values) {
        Tensor[] a = new Tensor[n.args.length];
        for (int k = 0; k < a.length; k++) {
            a[k] = values[n.args[k]];
        }
        return a;
    }

    static Tensor weights(int[] dims) {
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        return Tensor.linspace(0.5, 1.5, size, DType.FLOAT64).reshape(dims);
    }

    /** Nodes no other node reads (the last node always counts as one). */
    List<Integer> sinks() {
        boolean[] read = new boolean[valueCount()];
        for (Node n : nodes) {
            for (int a : n.args) {
                read[a] = true;
            }
        }
        List<Integer> s = new ArrayList<>();
        for (int v = inputs.size(); v < valueCount(); v++) {
            if (!read[v] || v == valueCount() - 1) {
                s.add(v);
            }
        }
        return s;
    }

    /** True when every node is smooth at both examples' values. */
    boolean smoothAtExamples() {
        for (int e = 0; e < 2; e++) {
            Tensor[] values = values(arguments(e));
            for (int i = 0; i < nodes.size(); i++) {
                Node n = nodes.get(i);
                if (!n.smooth.test(operands(n, values)) || !Generator.tame(values[inputs.size() + i])) {
                    return false;
                }
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- shrinking steps

    /** This program without node {@code i}, whose readers read value {@code replacement} instead. */
    Program bypass(int i, int replacement) {
        int removed = inputs.size() + i;
        List<Node> kept = new ArrayList<>();
        for (int k = 0; k < nodes.size(); k++) {
            if (k == i) {
                continue;
            }
            Node n = nodes.get(k);
            int[] args = n.args.clone();
            for (int j = 0; j < args.length; j++) {
                int a = args[j] == removed ? replacement : args[j];
                args[j] = a > removed ? a - 1 : a;
            }
            kept.add(new Node(args, n.dims, n.apply, n.java, n.smooth));
        }
        return new Program(seed, inputs, kept);
    }

    /** This program without node {@code i}, which nothing may read. */
    Program without(int i) {
        return bypass(i, -1);
    }

    /** This program without the arguments no node reads (and that no kept alias refers to). */
    Program withoutUnusedInputs() {
        boolean[] used = new boolean[inputs.size()];
        for (Node n : nodes) {
            for (int a : n.args) {
                if (a < inputs.size()) {
                    used[a] = true;
                }
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (used[i] && inputs.get(i).aliasOf >= 0) {
                used[inputs.get(i).aliasOf] = true;
            }
        }
        int[] newIndex = new int[valueCount()];
        List<Input> keptInputs = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (used[i]) {
                newIndex[i] = keptInputs.size();
                Input in = inputs.get(i);
                keptInputs.add(new Input(in.dims, in.aliasOf < 0 ? -1 : newIndex[in.aliasOf], in.nonContiguous,
                        in.batchAxis, in.examples));
            } else {
                newIndex[i] = -1;
            }
        }
        if (keptInputs.size() == inputs.size() || keptInputs.isEmpty()) {
            return this;
        }
        for (int k = 0; k < nodes.size(); k++) {
            newIndex[inputs.size() + k] = keptInputs.size() + k;
        }
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            int[] args = new int[n.args.length];
            for (int j = 0; j < args.length; j++) {
                args[j] = newIndex[n.args[j]];
            }
            kept.add(new Node(args, n.dims, n.apply, n.java, n.smooth));
        }
        return new Program(seed, keptInputs, kept);
    }

    // ---------------------------------------------------------------- printing

    String name(int v) {
        return v < inputs.size() ? "x[" + v + "]" : "t" + (v - inputs.size());
    }

    /** The program as compilable Java: the arguments of example 0, then the function. */
    String toJava() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            Input in = inputs.get(i);
            String dims = Arrays.toString(in.dims).replaceAll("[\\[\\]]", "");
            if (in.aliasOf >= 0) {
                b.append("Tensor x").append(i).append(" = x").append(in.aliasOf).append(";  // the same object\n");
                continue;
            }
            String values = Arrays.toString(in.examples[0].toDoubleArray()).replaceAll("[\\[\\]]", "");
            if (in.nonContiguous && in.dims.length == 1) {
                String g = Arrays.toString(gapped(in.examples[0].toDoubleArray()).toDoubleArray())
                        .replaceAll("[\\[\\]]", "");
                b.append("Tensor x").append(i).append(" = Tensor.of(new double[] {").append(g).append("}, ")
                        .append(2 * in.dims[0]).append(").slice(0, 0, ").append(2 * in.dims[0]).append(", 2)");
            } else {
                b.append("Tensor x").append(i).append(" = Tensor.of(new double[] {").append(values).append("}")
                        .append(dims.isEmpty() ? "" : ", " + dims).append(")");
            }
            if (in.nonContiguous && in.dims.length >= 2) {
                int last = in.dims.length - 1;
                b.append(".transpose(0, ").append(last).append(").contiguous().transpose(0, ").append(last)
                        .append(")");
            }
            b.append(";\n");
        }
        b.append("Function<Tensor[], Tensor[]> f = x -> {\n");
        for (int k = 0; k < nodes.size(); k++) {
            Node n = nodes.get(k);
            String[] names = new String[n.args.length];
            for (int j = 0; j < names.length; j++) {
                names[j] = name(n.args[j]);
            }
            b.append("    Tensor t").append(k).append(" = ").append(n.java.apply(names)).append(";  // ")
                    .append(Arrays.toString(n.dims)).append("\n");
        }
        StringBuilder loss = new StringBuilder();
        for (int s : sinks()) {
            String v = name(s);
            if (!loss.isEmpty()) {
                loss.append("\n            .add(");
            }
            String dims = Arrays.toString(nodes.get(s - inputs.size()).dims).replaceAll("[\\[\\]]", "");
            int size = Arrays.stream(nodes.get(s - inputs.size()).dims).reduce(1, (p, q) -> p * q);
            String w = "Tensor.linspace(0.5, 1.5, " + size + ", DType.FLOAT64).reshape(" + dims + ")";
            loss.append(v).append(".mul(").append(w).append(").sum().add(").append(v).append(".mul(").append(v)
                    .append(").sum().mul(0.05))");
            if (loss.indexOf("\n") >= 0) {
                loss.append(")");
            }
        }
        b.append("    Tensor loss = ").append(loss).append(";\n");
        b.append("    return new Tensor[] {").append(name(valueCount() - 1)).append(", loss};\n};\n");
        StringBuilder args = new StringBuilder();
        for (int i = 0; i < inputs.size(); i++) {
            args.append(i == 0 ? "" : ", ").append("x").append(i);
        }
        b.append("Tensor[] args = {").append(args).append("};\n");
        return b.toString();
    }
}
