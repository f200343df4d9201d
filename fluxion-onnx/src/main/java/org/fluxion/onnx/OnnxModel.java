package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.TensorShapeProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.Tensor;

/**
 * A loaded ONNX model: a function from its graph inputs (and, optionally, replacement initializers) to its
 * outputs. Nothing is precomputed per input shape, so symbolic dimensions (a dynamic batch or sequence) work;
 * the declared output shapes are not consulted.
 *
 * <p>Differentiable in its inputs and in any initializer passed through {@link #run(Map, Map)}: fine-tuning
 * selects the initializers to train, passes them as parameters, and takes {@code grad} of a loss of the
 * outputs. {@link #function()} is the positional form that {@code jit} and {@code vmapN} take.
 */
public final class OnnxModel {
    private final ModelProto proto;
    private final Graph graph;
    private final int opset;
    private final String where;

    OnnxModel(ModelProto proto, Graph graph, int opset, String where) {
        this.proto = proto;
        this.graph = graph;
        this.opset = opset;
        this.where = where;
    }

    /** The names of the inputs a caller provides, in graph order. */
    public List<String> inputNames() {
        return graph.inputs();
    }

    /** The names of the outputs, in graph order. */
    public List<String> outputNames() {
        return graph.outputs();
    }

    /** Initializers by name (weights, constants): candidates for fine-tuning. */
    public Map<String, Tensor> initializers() {
        return graph.initializers();
    }

    /** The default-domain opset the model imports. */
    public int opset() {
        return opset;
    }

    /** The loaded graph. */
    public Graph graph() {
        return graph;
    }

    /** The underlying message (producer, metadata, declared types). */
    public ModelProto proto() {
        return proto;
    }

    /** Operator name to number of nodes, subgraphs included, sorted by name. */
    public Map<String, Integer> operatorHistogram() {
        return graph.histogram(new TreeMap<>());
    }

    /** The number of elements of the floating-point initializers (the weights). */
    public long parameterCount() {
        long n = 0;
        for (Tensor t : graph.initializers().values()) {
            if (t.dtype().isFloatingPoint()) {
                n += t.size();
            }
        }
        return n;
    }

    /** Each input's declared type as text, e.g. {@code input: FLOAT[batch, 3, 224, 224]}. */
    public List<String> describeInputs() {
        return describe(graph.inputInfo());
    }

    /** Each output's declared type as text. */
    public List<String> describeOutputs() {
        return describe(proto.getGraph().getOutputList());
    }

    private static List<String> describe(List<ValueInfoProto> values) {
        List<String> out = new ArrayList<>();
        for (ValueInfoProto v : values) {
            StringBuilder b = new StringBuilder(v.getName()).append(": ");
            if (v.getType().hasTensorType()) {
                var t = v.getType().getTensorType();
                b.append(ElementType.name(t.getElemType()));
                if (t.hasShape()) {
                    b.append('[');
                    List<TensorShapeProto.Dimension> dims = t.getShape().getDimList();
                    for (int i = 0; i < dims.size(); i++) {
                        var d = dims.get(i);
                        b.append(i > 0 ? ", " : "").append(d.hasDimValue() ? String.valueOf(d.getDimValue())
                                : d.hasDimParam() ? d.getDimParam() : "?");
                    }
                    b.append(']');
                }
            } else {
                b.append(v.getType().getValueCase());
            }
            out.add(b.toString());
        }
        return out;
    }

    /** Runs the model on inputs by name; returns outputs by name, in graph order. */
    public Map<String, Tensor> run(Map<String, Tensor> inputs) {
        return run(inputs, Map.of());
    }

    /**
     * Runs the model with some initializers replaced by {@code parameters} (same names; e.g. tensors that
     * require gradients). Every graph input must be given; its rank and fixed dimensions are checked against
     * the declaration (symbolic dimensions accept any length).
     */
    public Map<String, Tensor> run(Map<String, Tensor> inputs, Map<String, Tensor> parameters) {
        Map<String, Tensor> scope = new LinkedHashMap<>();
        List<ValueInfoProto> info = graph.inputInfo();
        for (int i = 0; i < info.size(); i++) {
            String name = info.get(i).getName();
            Tensor t = inputs.get(name);
            if (t == null && info.get(i).getType().getTensorType().getElemType() == ElementType.STRING) {
                throw new OnnxException(where + ": input '" + name + "' is a string tensor: pass a StringTensor to "
                        + "runValues");
            }
            if (t == null) {
                throw new OnnxException(where + ": input '" + name + "' is missing; the model takes "
                        + graph.inputs() + ", given " + inputs.keySet());
            }
            checkShape(info.get(i), t.dims(), t.shape().toString());
            scope.put(name, t);
        }
        for (var e : parameters.entrySet()) {
            if (!graph.initializers().containsKey(e.getKey())) {
                throw new OnnxException(where + ": parameter '" + e.getKey() + "' is not an initializer of the model");
            }
            Tensor old = graph.initializers().get(e.getKey());
            if (!old.shape().equals(e.getValue().shape())) {
                throw new OnnxException(where + ": parameter '" + e.getKey() + "' has shape " + e.getValue().shape()
                        + ", the initializer " + old.shape());
            }
            scope.put(e.getKey(), e.getValue());
        }
        return graph.run(scope);
    }

    /**
     * Runs a model whose inputs or outputs include string tensors: inputs by name, each a {@link Tensor} or a
     * {@link StringTensor} as the graph declares; outputs by name, in graph order, each one or the other.
     * Strings are not differentiable and cannot be traced: this is the eager entry point for such models.
     */
    public Map<String, Object> runValues(Map<String, ?> inputs) {
        Map<String, Object> scope = new LinkedHashMap<>();
        for (ValueInfoProto v : graph.inputInfo()) {
            String name = v.getName();
            Object value = inputs.get(name);
            boolean declaredString = v.getType().hasTensorType()
                    && v.getType().getTensorType().getElemType() == ElementType.STRING;
            switch (value) {
                case null -> throw new OnnxException(where + ": input '" + name + "' is missing; the model takes "
                        + graph.inputs() + ", given " + inputs.keySet());
                case StringTensor s when declaredString -> checkShape(v, s.dims(), s.shape().toString());
                case Tensor t when !declaredString -> checkShape(v, t.dims(), t.shape().toString());
                default -> throw new OnnxException(where + ": input '" + name + "' is a "
                        + value.getClass().getSimpleName() + ", declared " + describe(List.of(v)).get(0));
            }
            scope.put(name, value);
        }
        return graph.runValues(scope);
    }

    private void checkShape(ValueInfoProto v, int[] actual, String shape) {
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) {
            return;
        }
        List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
        boolean ok = dims.size() == actual.length;
        for (int i = 0; ok && i < dims.size(); i++) {
            ok = !dims.get(i).hasDimValue() || dims.get(i).getDimValue() <= 0 || dims.get(i).getDimValue() == actual[i];
        }
        if (!ok) {
            throw new OnnxException(where + ": input '" + v.getName() + "' has shape " + shape + ", declared "
                    + describe(List.of(v)).get(0));
        }
    }

    /** The model as a positional function: inputs in {@link #inputNames()} order, outputs in output order. */
    public Function<Tensor[], Tensor[]> function() {
        return xs -> {
            Map<String, Tensor> in = new LinkedHashMap<>();
            for (int i = 0; i < xs.length && i < graph.inputs().size(); i++) {
                in.put(graph.inputs().get(i), xs[i]);
            }
            return run(in).values().toArray(Tensor[]::new);
        };
    }
}
