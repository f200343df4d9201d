package org.fluxion.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.fluxion.tensor.Tensor;

/** Entry points: load an ONNX model, export a traced function as one. */
public final class Onnx {
    /** The default-domain opsets this importer implements (from 1: operators whose meaning changed across versions read the node's opset, e.g. Slice before 10, Softmax before 13, the legacy broadcast attributes before 7). */
    public static final int MIN_OPSET = 1;
    /** See {@link #MIN_OPSET}. */
    public static final int MAX_OPSET = 17;

    private Onnx() {
    }

    /**
     * Loads a model file; external data is read relative to its directory. Throws
     * {@link UnsupportedModelException} listing every unsupported operator and element type, and
     * {@link OnnxException} for a corrupt file.
     */
    public static OnnxModel load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return load(bytes, file.toAbsolutePath().getParent(), file.toString());
    }

    /**
     * {@link #load(Path)}, with the graph rewritten once for inference (see {@link InferenceFolding}): each
     * BatchNormalization that follows a Conv is folded into the Conv's weights. Outputs are those of the
     * original model up to rounding; the folded-away BatchNormalization initializers are no longer parameters.
     */
    public static OnnxModel loadForInference(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return load(bytes, file.toAbsolutePath().getParent(), file.toString(), true);
    }

    /** Loads a model from bytes; {@code baseDir} (may be null) is where external data lives. */
    public static OnnxModel load(byte[] bytes, Path baseDir, String where) {
        return load(bytes, baseDir, where, false);
    }

    /** {@link #load(byte[], Path, String)}, folded for inference when {@code forInference}. */
    static OnnxModel load(byte[] bytes, Path baseDir, String where, boolean forInference) {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(where + " is not an ONNX model: " + e.getMessage(), e);
        }
        if (!proto.hasGraph()) {
            throw new OnnxException(where + " holds no graph");
        }
        Map<String, Integer> opsets = new HashMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            String domain = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
            opsets.put(domain, (int) o.getVersion());
        }
        int opset = opsets.getOrDefault("", 0);
        List<String> unsupported = new ArrayList<>();
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            unsupported.add("opset " + opset + " (supported: " + MIN_OPSET + " to " + MAX_OPSET + ")");
        }
        if (forInference) {
            proto = proto.toBuilder().setGraph(InferenceFolding.fold(proto.getGraph(), opsets, baseDir, where)).build();
        }
        Graph graph = Graph.load(proto.getGraph(), opsets, baseDir, where, unsupported);
        if (!unsupported.isEmpty()) {
            throw new UnsupportedModelException(where, unsupported);
        }
        return new OnnxModel(proto, graph, opset, where);
    }

    /**
     * Writes {@code f}, traced on {@code exampleInputs}, as an ONNX model: inputs {@code input_0..}, outputs
     * {@code output_0..} with the example's shapes, the tensors {@code f} captures (its parameters) as
     * initializers. Throws {@link OnnxException} naming a primitive that has no ONNX form.
     */
    public static void export(Function<Tensor[], Tensor[]> f, Tensor[] exampleInputs, Path path) {
        ModelProto model = Exporter.export(f, exampleInputs);
        try {
            Files.write(path, model.toByteArray());
        } catch (IOException e) {
            throw new OnnxException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** {@link #export(Function, Tensor[], Path)} for a function of one tensor to one tensor. */
    public static void export(Function<Tensor, Tensor> f, Tensor exampleInput, Path path) {
        export(xs -> new Tensor[] {f.apply(xs[0])}, new Tensor[] {exampleInput}, path);
    }
}
