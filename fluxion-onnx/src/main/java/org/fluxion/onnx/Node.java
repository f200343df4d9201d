package org.fluxion.onnx;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.tensor.Tensor;

/**
 * One node of a loaded graph, as its {@link Lowering} sees it: attributes with ONNX's defaults, the opset of
 * its domain, how many outputs it has, its subgraphs ready to run, and a description for error messages.
 */
public final class Node {
    private final NodeProto proto;
    private final int opset;
    private final Map<String, AttributeProto> attributes = new HashMap<>();
    private final Map<String, Graph> subgraphs;
    private final String where;

    Node(NodeProto proto, int opset, Map<String, Graph> subgraphs, String where) {
        this.proto = proto;
        this.opset = opset;
        this.subgraphs = subgraphs;
        this.where = where;
        for (AttributeProto a : proto.getAttributeList()) {
            attributes.put(a.getName(), a);
        }
    }

    /** The operator ({@code Conv}). */
    public String opType() {
        return proto.getOpType();
    }

    /** The opset version of the node's domain that the model imports. */
    public int opset() {
        return opset;
    }

    /** The number of outputs the node declares (optional trailing outputs may be absent). */
    public int outputCount() {
        return proto.getOutputCount();
    }

    /** True when output {@code i} is declared and named (an empty name means "not wanted"). */
    public boolean wantsOutput(int i) {
        return i < proto.getOutputCount() && !proto.getOutput(i).isEmpty();
    }

    NodeProto proto() {
        return proto;
    }

    /** {@code Conv node 'conv1' in model.onnx}, for messages. */
    public String describe() {
        return proto.getOpType() + " node '" + (proto.getName().isEmpty() ? proto.getOutput(0) : proto.getName())
                + "' in " + where;
    }

    /** True when the attribute is present. */
    public boolean has(String name) {
        return attributes.containsKey(name);
    }

    /** An integer attribute, or {@code fallback}. */
    public long i(String name, long fallback) {
        AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getI();
    }

    /** An integer attribute, or {@code fallback}, checked to fit an int. */
    public int int32(String name, int fallback) {
        return Math.toIntExact(i(name, fallback));
    }

    /** A float attribute, or {@code fallback}. */
    public double f(String name, double fallback) {
        AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getF();
    }

    /** A string attribute, or {@code fallback}. */
    public String s(String name, String fallback) {
        AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** An integer-list attribute as ints, or {@code fallback} (may be null). */
    public int[] ints(String name, int[] fallback) {
        AttributeProto a = attributes.get(name);
        if (a == null) {
            return fallback;
        }
        int[] out = new int[a.getIntsCount()];
        for (int k = 0; k < out.length; k++) {
            long v = a.getInts(k);
            // INT64_MAX / INT64_MIN mean "to the end" in Slice-like attributes: clamp rather than fail.
            out[k] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return out;
    }

    /** A float-list attribute, or {@code fallback} (may be null). */
    public float[] floats(String name, float[] fallback) {
        AttributeProto a = attributes.get(name);
        if (a == null) {
            return fallback;
        }
        float[] out = new float[a.getFloatsCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = a.getFloats(k);
        }
        return out;
    }

    /** A string-list attribute, or {@code fallback} (may be null). */
    public List<String> strings(String name, List<String> fallback) {
        AttributeProto a = attributes.get(name);
        return a == null ? fallback : a.getStringsList().stream().map(s -> s.toStringUtf8()).toList();
    }

    /** A tensor attribute, or null. */
    public Tensor tensor(String name) {
        AttributeProto a = attributes.get(name);
        return a == null || !a.hasT() ? null : TensorProtos.read(a.getT(), null, describe());
    }

    /** The attribute's raw message, or null. */
    AttributeProto attribute(String name) {
        return attributes.get(name);
    }

    /** A graph attribute (If's branches, Loop's and Scan's bodies), ready to run. */
    public Graph graph(String name) {
        Graph g = subgraphs.get(name);
        if (g == null) {
            throw new OnnxException(describe() + " has no graph attribute '" + name + "'");
        }
        return g;
    }

    /** An error about this node. */
    public OnnxException error(String message) {
        return new OnnxException(describe() + ": " + message);
    }

    static Map<String, GraphProto> graphAttributes(NodeProto proto) {
        Map<String, GraphProto> out = new HashMap<>();
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.hasG()) {
                out.put(a.getName(), a.getG());
            }
        }
        return out;
    }
}
