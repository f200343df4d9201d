package org.fluxion.onnx;

import java.util.List;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.onnx.proto.OnnxProto.TensorShapeProto;
import org.fluxion.onnx.proto.OnnxProto.TypeProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.Tensor;

/** Small ONNX models built in code for the tests. */
final class Models {
    private Models() {
    }

    static NodeProto node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(outputs.get(0))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        return b.build();
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** A float tensor value with dims that are numbers or symbols ("N"). */
    static ValueInfoProto value(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof Integer i ? TensorShapeProto.Dimension.newBuilder().setDimValue(i).build()
                    : TensorShapeProto.Dimension.newBuilder().setDimParam(d.toString()).build());
        }
        TypeProto t = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(ElementType.FLOAT).setShape(s)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(t).build();
    }

    static ModelProto model(GraphProto graph, int opset) {
        return ModelProto.newBuilder().setIrVersion(8).setGraph(graph)
                .addOpsetImport(org.fluxion.onnx.proto.OnnxProto.OperatorSetIdProto.newBuilder().setVersion(opset))
                .build();
    }

    /**
     * y = softmax(relu(x W1 + b1) W2 + b2) for x [N, 4]: W1 [4, 8], W2 [8, 3], fixed random weights. The
     * initializers are named w1, b1, w2, b2.
     */
    static ModelProto mlp() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(node("MatMul", List.of("x", "w1"), List.of("h0")))
                .addNode(node("Add", List.of("h0", "b1"), List.of("h1")))
                .addNode(node("Relu", List.of("h1"), List.of("h2")))
                .addNode(node("Gemm", List.of("h2", "w2", "b2"), List.of("z")))
                .addNode(node("Softmax", List.of("z"), List.of("y"), intAttr("axis", -1)))
                .addInitializer(TensorProtos.write(Tensor.randn(1, 4, 8), "w1"))
                .addInitializer(TensorProtos.write(Tensor.randn(2, 8), "b1"))
                .addInitializer(TensorProtos.write(Tensor.randn(3, 8, 3), "w2"))
                .addInitializer(TensorProtos.write(Tensor.randn(4, 3), "b2"))
                .addInput(value("x", "N", 4))
                .addOutput(value("y", "N", 3))
                .build();
        return model(g, 13);
    }

    /** The MLP of {@link #mlp} written with Fluxion's operations, for comparison. */
    static Tensor mlpReference(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return x.matmul(w1).add(b1).relu().matmul(w2).add(b2).softmax(-1);
    }
}
