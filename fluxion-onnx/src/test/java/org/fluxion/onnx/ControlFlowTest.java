package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ControlFlowTest {
    private static AttributeProto graphAttr(String name, GraphProto g) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.GRAPH).setG(g).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }

    /** y = sum(x) > 0 ? 2 x : -x, the branches reading x from the enclosing graph. */
    private static OnnxModel ifModel() {
        GraphProto then = GraphProto.newBuilder()
                .addNode(Models.node("Add", List.of("x", "x"), List.of("a")))
                .addOutput(Models.value("a", 3)).build();
        GraphProto otherwise = GraphProto.newBuilder()
                .addNode(Models.node("Neg", List.of("x"), List.of("b")))
                .addOutput(Models.value("b", 3)).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("ReduceSum", List.of("x"), List.of("s"), Models.intAttr("keepdims", 0)))
                .addNode(Models.node("Greater", List.of("s", "zero"), List.of("c")))
                .addNode(Models.node("If", List.of("c"), List.of("y"), graphAttr("then_branch", then),
                        graphAttr("else_branch", otherwise)))
                .addInitializer(TensorProtos.write(Tensor.scalar(0), "zero"))
                .addInput(Models.value("x", 3)).addOutput(Models.value("y", 3)).build();
        return Onnx.load(Models.model(g, 13).toByteArray(), null, "if.onnx");
    }

    @Test
    void ifPicksItsBranchEagerlyAndUnderJitWithATracedCondition() {
        OnnxModel m = ifModel();
        Function<Tensor, Tensor> f = x -> m.run(Map.of("x", x)).get("y");
        Function<Tensor, Tensor> jitted = Jit.jit(f);
        Tensor pos = Tensor.vector(1, 2, -1);
        Tensor neg = Tensor.vector(-1, -2, 1);
        assertTrue(f.apply(pos).allClose(pos.mul(2)));
        assertTrue(f.apply(neg).allClose(neg.neg()));
        // One trace serves both: the condition is a traced value, so both branches are compiled (Control.cond).
        assertTrue(jitted.apply(pos).allClose(pos.mul(2)));
        assertTrue(jitted.apply(neg).allClose(neg.neg()));
        Function<Tensor, Tensor> loss = x -> f.apply(x).square().sum();
        assertTrue(Functional.grad(loss).apply(pos).allClose(pos.mul(8)));
        assertTrue(Jit.jit(Functional.grad(loss)).apply(neg).allClose(neg.mul(2)));
    }

    @Test
    void scanAlongAxisOneIsARunningSum() {
        // body(s, x_t) = (s + x_t, s + x_t); scanned over axis 1 of X [2, 5], outputs stacked on axis 1.
        GraphProto body = GraphProto.newBuilder()
                .addNode(Models.node("Add", List.of("s_in", "x_t"), List.of("s_out")))
                .addNode(Models.node("Identity", List.of("s_out"), List.of("y_t")))
                .addInput(Models.value("s_in", 2)).addInput(Models.value("x_t", 2))
                .addOutput(Models.value("s_out", 2)).addOutput(Models.value("y_t", 2)).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Scan", List.of("s0", "X"), List.of("s", "Y"), graphAttr("body", body),
                        Models.intAttr("num_scan_inputs", 1), intsAttr("scan_input_axes", 1),
                        intsAttr("scan_output_axes", 1)))
                .addInput(Models.value("s0", 2)).addInput(Models.value("X", 2, 5))
                .addOutput(Models.value("s", 2)).addOutput(Models.value("Y", 2, 5)).build();
        OnnxModel m = Onnx.load(Models.model(g, 16).toByteArray(), null, "scan.onnx");
        Tensor x = Tensor.randn(3, 2, 5);
        Tensor s0 = Tensor.vector(1, -1);
        Map<String, Tensor> out = m.run(Map.of("s0", s0, "X", x));
        Tensor expected = x.cumsum(1).add(s0.reshape(2, 1));
        assertTrue(out.get("Y").allClose(expected, 1e-5, 1e-6), out.get("Y") + " vs " + expected);
        assertTrue(out.get("s").allClose(expected.select(1, 4), 1e-5, 1e-6));
    }
}
