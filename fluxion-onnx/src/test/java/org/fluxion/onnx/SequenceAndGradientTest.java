package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Sequence operators (values kept beside the tensors of a graph) and the preview-training Gradient operator. */
class SequenceAndGradientTest {
    /** x [4, 3] split into rows, row 1 erased, a copy of row 3 inserted first, then concatenated on axis 0. */
    private static OnnxModel splitEraseInsertConcat() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("SplitToSequence", List.of("x"), List.of("rows")))
                .addNode(Models.node("Constant", List.of(), List.of("one"), tensorAttr(Tensor.scalar(1, DType.INT64))))
                .addNode(Models.node("Constant", List.of(), List.of("first"), tensorAttr(Tensor.scalar(0, DType.INT64))))
                .addNode(Models.node("Constant", List.of(), List.of("last"), tensorAttr(Tensor.scalar(-1, DType.INT64))))
                .addNode(Models.node("SequenceErase", List.of("rows", "one"), List.of("three")))
                .addNode(Models.node("SequenceAt", List.of("three", "last"), List.of("row3")))
                .addNode(Models.node("SequenceInsert", List.of("three", "row3", "first"), List.of("four")))
                .addNode(Models.node("ConcatFromSequence", List.of("four"), List.of("y"), Models.intAttr("axis", 0)))
                .addNode(Models.node("SequenceLength", List.of("four"), List.of("n")))
                .addInput(Models.value("x", 4, 3)).addOutput(Models.value("y", 4, 3)).addOutput(Models.value("n"))
                .build();
        return Onnx.load(Models.model(g, 13).toByteArray(), null, "sequence.onnx");
    }

    private static AttributeProto tensorAttr(Tensor t) {
        return AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(TensorProtos.write(t, "value")).build();
    }

    @Test
    void sequencesRunEagerlyUnderJitAndPassGradients() {
        OnnxModel m = splitEraseInsertConcat();
        Tensor x = Tensor.arange(12).to(DType.FLOAT64).reshape(4, 3);
        Tensor[] out = m.function().apply(new Tensor[] {x});
        Tensor expected = Tensor.concat(0, List.of(x.slice(0, 3, 4), x.slice(0, 0, 1), x.slice(0, 2, 4)));
        assertTrue(out[0].allClose(expected, 0, 0), out[0].toString());
        assertEquals(4L, out[1].to(DType.INT64).toLongArray()[0]);
        assertTrue(Jit.jit(m.function()).apply(new Tensor[] {x})[0].allClose(expected, 0, 0));
        // d sum(y * w) / dx: row 1 was dropped (zero), row 3 appears twice.
        Tensor w = Tensor.randn(3, 4, 3).to(DType.FLOAT64);
        Tensor g = Functional.grad((Tensor t) -> m.function().apply(new Tensor[] {t})[0].mul(w).sum()).apply(x);
        Tensor expectedGrad = Tensor.concat(0, List.of(w.slice(0, 1, 2), Tensor.zeros(DType.FLOAT64, 1, 3),
                w.slice(0, 2, 3), w.slice(0, 3, 4).add(w.slice(0, 0, 1))));
        assertTrue(g.allClose(expectedGrad, 1e-12, 1e-12), g.toString());
    }

    @Test
    void aSequenceWhereATensorIsNeededIsReportedWithTheNode() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("SplitToSequence", List.of("x"), List.of("rows")))
                .addNode(Models.node("Relu", List.of("rows"), List.of("y")))
                .addInput(Models.value("x", 4, 3)).addOutput(Models.value("y", 4, 3)).build();
        OnnxModel m = Onnx.load(Models.model(g, 13).toByteArray(), null, "bad.onnx");
        OnnxException e = assertThrows(OnnxException.class, () -> m.function().apply(new Tensor[] {Tensor.ones(4, 3)}));
        assertTrue(e.getMessage().contains("Relu node 'y'") && e.getMessage().contains("is a sequence"), e.getMessage());
    }

    @Test
    void gradientOperatorDifferentiatesTheNodesBeforeIt() {
        // d = (a + b) * a: dd/da = 2a + b, dd/db = a.
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Add", List.of("a", "b"), List.of("c")))
                .addNode(Models.node("Mul", List.of("c", "a"), List.of("d")))
                .addNode(Models.node("Gradient", List.of("a", "b"), List.of("dd_da", "dd_db"),
                        AttributeProto.newBuilder().setName("xs").setType(AttributeProto.AttributeType.STRINGS)
                                .addStrings(com.google.protobuf.ByteString.copyFromUtf8("a"))
                                .addStrings(com.google.protobuf.ByteString.copyFromUtf8("b")).build(),
                        AttributeProto.newBuilder().setName("y").setType(AttributeProto.AttributeType.STRING)
                                .setS(com.google.protobuf.ByteString.copyFromUtf8("d")).build())
                        .toBuilder().setDomain(GradientOperator.DOMAIN).build())
                .addInput(Models.value("a", 2, 3)).addInput(Models.value("b", 2, 3))
                .addOutput(Models.value("d", 2, 3)).addOutput(Models.value("dd_da", 2, 3))
                .addOutput(Models.value("dd_db", 2, 3)).build();
        ModelProto model = Models.model(g, 13).toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder()
                .setDomain(GradientOperator.DOMAIN).setVersion(1)).build();
        OnnxModel m = Onnx.load(model.toByteArray(), null, "gradient.onnx");
        Tensor a = Tensor.randn(1, 2, 3);
        Tensor b = Tensor.randn(2, 2, 3);
        Map<String, Tensor> out = m.run(Map.of("a", a, "b", b));
        assertTrue(out.get("d").allClose(a.add(b).mul(a), 1e-6, 1e-6));
        assertTrue(out.get("dd_da").allClose(a.mul(2).add(b), 1e-6, 1e-6), out.get("dd_da").toString());
        assertTrue(out.get("dd_db").allClose(a, 1e-6, 1e-6));
    }
}
