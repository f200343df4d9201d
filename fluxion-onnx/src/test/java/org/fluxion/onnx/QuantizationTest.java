package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** QuantizeLinear / DequantizeLinear / MatMulInteger against values worked out by hand from ONNX's formulas. */
class QuantizationTest {
    private static Map<String, Tensor> run(GraphProto.Builder g, Map<String, Tensor> inputs) {
        return Onnx.load(Models.model(g.build(), 13).toByteArray(), null, "q.onnx").run(inputs);
    }

    @Test
    void quantizeRoundsHalfToEvenSaturatesAndDequantizes() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(Models.node("QuantizeLinear", List.of("x", "s", "z"), List.of("q")))
                .addNode(Models.node("DequantizeLinear", List.of("q", "s", "z"), List.of("y")))
                .addInput(Models.value("x", 6)).addInput(Models.value("s")).addInput(Models.value("z"))
                .addOutput(Models.value("q", 6)).addOutput(Models.value("y", 6));
        Tensor x = Tensor.of(new float[] {0f, 1f, 3f, 5f, -300f, 600f}, 6);
        // q = saturate(round(x / 2) + 128): 0.5 -> 0 and 2.5 -> 2 (ties to even), -150 and 300 saturate.
        Map<String, Tensor> out = run(g, Map.of("x", x, "s", Tensor.scalar(2), "z",
                Tensor.scalar(128, DType.UINT8)));
        assertEquals(DType.UINT8, out.get("q").dtype());
        assertArrayEquals(new long[] {128, 128, 130, 130, 0, 255}, out.get("q").to(DType.INT64).toLongArray());
        assertArrayEquals(new double[] {0, 0, 4, 4, -256, 254}, out.get("y").toDoubleArray(), 0);
    }

    @Test
    void perAxisScalesRunAlongTheAxisAndIntegerMatMulSubtractsZeroPoints() {
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(Models.node("QuantizeLinear", List.of("x", "s", "z"), List.of("q"), Models.intAttr("axis", 1)))
                .addNode(Models.node("MatMulInteger", List.of("q", "q", "z0", "z0"), List.of("m")))
                .addInput(Models.value("x", 2, 2)).addInput(Models.value("s", 2)).addInput(Models.value("z", 2))
                .addInput(Models.value("z0")).addOutput(Models.value("q", 2, 2)).addOutput(Models.value("m", 2, 2));
        Tensor x = Tensor.of(new float[] {1f, 10f, -2f, 20f}, 2, 2);
        Tensor s = Tensor.of(new float[] {1f, 10f}, 2);
        Tensor z = Tensor.of(new long[] {0, 1}, 2).to(DType.INT8);
        Map<String, Tensor> out = run(g, Map.of("x", x, "s", s, "z", z, "z0", Tensor.scalar(1, DType.INT8)));
        // columns scaled by 1 and 10, zero points 0 and 1: [[1, 2], [-2, 3]].
        assertArrayEquals(new long[] {1, 2, -2, 3}, out.get("q").to(DType.INT64).toLongArray());
        // (q - 1) @ (q - 1) = [[0, 1], [-3, 2]] @ [[0, 1], [-3, 2]] = [[-3, 2], [-6, 1]].
        assertEquals(DType.INT32, out.get("m").dtype());
        assertArrayEquals(new long[] {-3, 2, -6, 1}, out.get("m").to(DType.INT64).toLongArray());
    }
}
