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
 * with its enclosing environment visible.
 */
public final class Graph {
    private record Step(Node node, Lowering lowering) {
    }

    private final List<String> inputs;
    private final List<ValueInfoProto> inputInfo;
    private final List<String> outputs;
    private final Map<String, Tensor> initializers;
    private final List<Step> steps;

    private Graph(List<String> inputs, List<ValueInfoProto> inputInfo, List<String> outputs,
                  Map<String, Tensor> initializers, List<Step> steps) {
        this.inputs = inputs;
        this.inputInfo = inputInfo;
        this.outputs = outputs;
        this.initializers = initializers;
        this.steps = steps;
    }

    /**
     * Resolves every node's lowering; what has none is added to {@code unsupported} (by operator name, once)
     * instead of failing, so that the caller can list them all.
     */
    static Graph load(GraphProto g, Map<String, Integer> opsets, Path baseDir, String where,
                      List<String> unsupported) {
        Map<String, Tensor> initializers = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            try {
                initializers.put(t.getName(), TensorProtos.read(t, baseDir, where));
            } catch (UnsupportedModelException e) {
                addOnce(unsupported, e.unsupported().get(0));
            }
        }
        List<String> inputs = new ArrayList<>();
        List<ValueInfoProto> inputInfo = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
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
        return new Graph(List.copyOf(inputs), List.copyOf(inputInfo), outputs, initializers, steps);
    }

    private static void checkType(ValueInfoProto v, String where, List<String> unsupported) {
        if (!v.hasType()) {
            return;
        }
        var type = v.getType();
        if (type.hasTensorType()) {
            int code = type.getTensorType().getElemType();
            if (code != 0 && ElementType.dtype(code) == null) {
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
        Map<String, Tensor> env = new HashMap<>(initializers);
        env.putAll(scope);
        execute(steps.size(), env, Set.of());
        Map<String, Tensor> result = new LinkedHashMap<>();
        for (String o : outputs) {
            Tensor t = env.get(o);
            if (t == null) {
                throw new OnnxException("graph output '" + o + "' is produced by no node, initializer or input");
            }
            result.put(o, t);
        }
        return result;
    }

    /**
     * Runs the first {@code count} nodes on {@code env}, adding their tensor outputs to it; a node whose
     * outputs are all in {@code fixed} is skipped (Gradient's re-run holds its {@code xs} at the given values).
     * Sequences live in a map of their own, local to this run.
     */
    private void execute(int count, Map<String, Tensor> env, Set<String> fixed) {
        Map<String, List<Tensor>> sequences = new HashMap<>();
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
                if (sequences.containsKey(name)) {
                    if (!sequential) {
                        throw s.node.error("input '" + name + "' is a sequence, where a tensor is needed");
                    }
                    in[i] = sequences.get(name);
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
                    case GradientOperator g -> gradient(k, s.node, env);
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
                if (out[i] instanceof List<?> l) {
                    @SuppressWarnings("unchecked")
                    List<Tensor> items = (List<Tensor>) l;
                    sequences.put(name, items);
                } else {
                    env.put(name, (Tensor) out[i]);
                }
            }
        }
    }

    /**
     * ONNX's {@code Gradient} (ai.onnx.preview.training): {@code d y / d x} for each name in {@code xs}, by
     * re-running the nodes before this one as a function of the {@code xs} and pulling back a cotangent of
     * ones through it, with Fluxion's reverse mode.
     */
    private Tensor[] gradient(int upTo, Node n, Map<String, Tensor> env) {
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
            execute(upTo, rerun, Set.copyOf(xs));
            Tensor value = rerun.get(y);
            if (value == null) {
                throw n.error("y '" + y + "' is not computed before this node");
            }
            return value;
        }, at);
        return r.pullback().apply(Tensor.full(1, r.value().dtype(), r.value().shape().dims()));
    }
}
