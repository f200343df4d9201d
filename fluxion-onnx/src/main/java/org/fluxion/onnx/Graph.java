package org.fluxion.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.autodiff.Functional;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.Tensor;

/**
 * A loaded ONNX graph: its nodes each paired with their {@link Lowering} (resolved once, at load), its
 * initializers as tensors, and the names of its inputs and outputs. {@link #run} evaluates the nodes in file
 * order (ONNX requires topological order) on a name-to-tensor environment; a subgraph (If, Loop, Scan) runs
 * with its enclosing environment visible. String tensors ({@link StringTensor}: graph inputs, initializers and
 * the values of the string operators) are kept beside the tensors; {@link #runValues} takes and returns them,
 * and a subgraph does not see its enclosing graph's strings.
 */
public final class Graph {
    private record Step(Node node, Lowering lowering) {
    }

    private final List<String> inputs;
    private final List<ValueInfoProto> inputInfo;
    private final List<String> outputs;
    private final Map<String, Tensor> initializers;
    private final Map<String, StringTensor> stringInitializers;
    private final List<Step> steps;

    private Graph(List<String> inputs, List<ValueInfoProto> inputInfo, List<String> outputs,
                  Map<String, Tensor> initializers, Map<String, StringTensor> stringInitializers, List<Step> steps) {
        this.inputs = inputs;
        this.inputInfo = inputInfo;
        this.outputs = outputs;
        this.initializers = initializers;
        this.stringInitializers = stringInitializers;
        this.steps = steps;
    }

    /**
     * Resolves every node's lowering; what has none is added to {@code unsupported} (by operator name, once)
     * instead of failing, so that the caller can list them all.
     */
    static Graph load(GraphProto g, Map<String, Integer> opsets, Path baseDir, String where,
                      List<String> unsupported) {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        Map<String, StringTensor> stringInitializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            if (t.getDataType() == ElementType.STRING) {
                stringInitializers.put(t.getName(), StringProtos.read(t, where));
                continue;
            }
            try {
                initializers.put(t.getName(), TensorProtos.read(t, baseDir, where));
            } catch (UnsupportedModelException e) {
                addOnce(unsupported, e.unsupported().get(0));
            }
        }
        List<String> inputs = new ArrayList<>();
        List<ValueInfoProto> inputInfo = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName()) && !stringInitializers.containsKey(v.getName())) {
                inputs.add(v.getName());
                inputInfo.add(v);
            }
            checkType(v, where, unsupported);
        }
        for (ValueInfoProto v : g.getOutputList()) {
            checkType(v, where, unsupported);
        }
        List<Step> steps = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            Integer opset = opsets.get(domain);
            Lowering lowering = Operators.lookup(domain, n.getOpType());
            String name = domain.isEmpty() ? n.getOpType() : domain + ":" + n.getOpType();
            if (lowering == null || opset == null) {
                addOnce(unsupported, name);
            }
            Map<String, Graph> subgraphs = new HashMap<>();
            Node.graphAttributes(n).forEach((attr, body) ->
                    subgraphs.put(attr, load(body, opsets, baseDir, where, unsupported)));
            steps.add(new Step(new Node(n, opset == null ? 0 : opset, subgraphs, where), lowering));
        }
        List<String> outputs = g.getOutputList().stream().map(ValueInfoProto::getName).toList();
        return new Graph(List.copyOf(inputs), List.copyOf(inputInfo), outputs, initializers, stringInitializers,
                steps);
    }

    private static void checkType(ValueInfoProto v, String where, List<String> unsupported) {
        if (!v.hasType()) {
            return;
        }
        var type = v.getType();
        if (type.hasTensorType()) {
            int code = type.getTensorType().getElemType();
            if (code != 0 && code != ElementType.STRING && ElementType.dtype(code) == null) {
                addOnce(unsupported, ElementType.name(code) + " tensor '" + v.getName() + "'");
            }
        } else {
            addOnce(unsupported, type.getValueCase().name().toLowerCase(java.util.Locale.ROOT) + " value '"
                    + v.getName() + "'");
        }
    }

    private static void addOnce(List<String> list, String item) {
        if (!list.contains(item)) {
            list.add(item);
        }
    }

    /** The names of the inputs a caller provides (graph inputs that are not initializers), in order. */
    public List<String> inputs() {
        return inputs;
    }

    List<ValueInfoProto> inputInfo() {
        return inputInfo;
    }

    /** The names of the outputs, in order. */
    public List<String> outputs() {
        return outputs;
    }

    /** The initializers by name (an unmodifiable view). */
    public Map<String, Tensor> initializers() {
        return java.util.Collections.unmodifiableMap(initializers);
    }

    /** The operators of the nodes, counted (subgraphs not included). */
    Map<String, Integer> histogram(Map<String, Integer> into) {
        for (Step s : steps) {
            into.merge(s.node.opType(), 1, Integer::sum);
            for (var a : s.node.proto().getAttributeList()) {
                if (a.hasG()) {
                    s.node.graph(a.getName()).histogram(into);
                }
            }
        }
        return into;
    }

    /**
     * Evaluates the graph: {@code scope} holds the values visible to it (the graph's inputs, and for a
     * subgraph its enclosing environment), and overrides initializers of the same name. Returns the outputs
     * by name, in order.
     */
    public Map<String, Tensor> run(Map<String, Tensor> scope) {
        Map<String, Tensor> result = new LinkedHashMap<>();
        runValues(scope).forEach((name, value) -> {
            if (!(value instanceof Tensor t)) {
                throw new OnnxException("graph output '" + name + "' is a " + kind(value)
                        + ", where a tensor is needed; read it with runValues");
            }
            result.put(name, t);
        });
        return result;
    }

    /**
     * {@link #run} where the values in {@code scope} and the outputs returned are each a {@link Tensor} or a
     * {@link StringTensor}.
     */
    public Map<String, Object> runValues(Map<String, ?> scope) {
        Map<String, Tensor> env = new HashMap<>(initializers);
        Map<String, Object> others = new HashMap<>(stringInitializers);
        scope.forEach((name, value) -> {
            switch (value) {
                // An enclosing environment holds null for the optional outputs its nodes did not produce.
                case null -> {
                    env.put(name, null);
                    others.remove(name);
                }
                case Tensor t -> {
                    env.put(name, t);
                    others.remove(name);
                }
                case StringTensor s -> {
                    others.put(name, s);
                    env.remove(name);
                }
                default -> throw new OnnxException("value '" + name + "' is a " + value.getClass().getName()
                        + ", not a Tensor or a StringTensor");
            }
        });
        execute(steps.size(), env, others, Set.of());
        Map<String, Object> result = new LinkedHashMap<>();
        for (String o : outputs) {
            Object v = others.containsKey(o) ? others.get(o) : env.get(o);
            if (v == null) {
                throw new OnnxException("graph output '" + o + "' is produced by no node, initializer or input");
            }
            result.put(o, v);
        }
        return result;
    }

    /** "string tensor" or "sequence", for messages about a value that is not a tensor. */
    private static String kind(Object value) {
        return value instanceof StringTensor ? "string tensor" : "sequence";
    }

    /**
     * Runs the first {@code count} nodes on {@code env}, adding their tensor outputs to it; a node whose
     * outputs are all in {@code fixed} is skipped (Gradient's re-run holds its {@code xs} at the given values).
     * Sequences and string tensors live in {@code others}.
     */
    private void execute(int count, Map<String, Tensor> env, Map<String, Object> others, Set<String> fixed) {
        for (int k = 0; k < count; k++) {
            Step s = steps.get(k);
            NodeProto p = s.node.proto();
            if (!fixed.isEmpty() && fixed.containsAll(p.getOutputList())) {
                continue;
            }
            boolean sequential = s.lowering instanceof SequenceLowering;
            Object[] in = sequential ? new Object[p.getInputCount()] : new Tensor[p.getInputCount()];
            for (int i = 0; i < in.length; i++) {
                String name = p.getInput(i);
                if (name.isEmpty()) {
                    continue;
                }
                if (others.containsKey(name)) {
                    if (!sequential) {
                        // Strings are not numbers: no tensor operation (so no jit, vmap or grad) reads them.
                        throw s.node.error("input '" + name + "' is a " + kind(others.get(name))
                                + ", where a tensor is needed");
                    }
                    in[i] = others.get(name);
                } else {
                    in[i] = env.get(name);
                    if (in[i] == null && !env.containsKey(name)) {
                        throw s.node.error("input '" + name + "' is not produced by any earlier node, initializer "
                                + "or graph input");
                    }
                }
            }
            Object[] out;
            try {
                out = switch (s.lowering) {
                    case SequenceLowering sl -> sl.applyToValues(s.node, in);
                    case ScopedLowering scoped -> scoped.apply(s.node, (Tensor[]) in, env);
                    case GradientOperator g -> gradient(k, s.node, env, others);
                    default -> s.lowering.apply(s.node, (Tensor[]) in);
                };
            } catch (OnnxException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new OnnxException(s.node.describe() + ": " + e.getMessage(), e);
            }
            for (int i = 0; i < p.getOutputCount() && i < out.length; i++) {
                String name = p.getOutput(i);
                if (name.isEmpty()) {
                    continue;
                }
                if (out[i] == null || out[i] instanceof Tensor) {
                    env.put(name, (Tensor) out[i]);
                    others.remove(name);
                } else {
                    others.put(name, out[i]);
                    env.remove(name);
                }
            }
        }
    }

    /**
     * ONNX's {@code Gradient} (ai.onnx.preview.training): {@code d y / d x} for each name in {@code xs}, by
     * re-running the nodes before this one as a function of the {@code xs} and pulling back a cotangent of
     * ones through it, with Fluxion's reverse mode.
     */
    private Tensor[] gradient(int upTo, Node n, Map<String, Tensor> env, Map<String, Object> others) {
        List<String> xs = n.strings("xs", null);
        String y = n.s("y", null);
        if (xs == null || y == null) {
            throw n.error("needs the attributes xs and y");
        }
        Tensor[] at = new Tensor[xs.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = env.get(xs.get(i));
            if (at[i] == null) {
                throw n.error("x '" + xs.get(i) + "' is not a known tensor");
            }
        }
        Map<String, Tensor> base = new HashMap<>(initializers);
        base.putAll(env);
        Functional.VjpResult r = Functional.vjp(args -> {
            Map<String, Tensor> rerun = new HashMap<>(base);
            for (int i = 0; i < args.length; i++) {
                rerun.put(xs.get(i), args[i]);
            }
            execute(upTo, rerun, new HashMap<>(others), Set.copyOf(xs));
            Tensor value = rerun.get(y);
            if (value == null) {
                throw n.error("y '" + y + "' is not computed before this node");
            }
            return value;
        }, at);
        return r.pullback().apply(Tensor.full(1, r.value().dtype(), r.value().shape().dims()));
    }
}
