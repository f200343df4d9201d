package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conv + BatchNormalization folded at load for inference: same outputs, one node fewer per pair. */
class InferenceFoldingTest {
    @TempDir
    Path dir;

    /**
     * x [N, 3, 6, 6] -> Conv(w1, b1) -> BatchNormalization -> Relu -> Conv(w2, no bias) -> BatchNormalization
     * -> y; a second output reads the second Conv's output too, so that pair must stay unfolded.
     */
    private static GraphProto.Builder graph(boolean shareSecondConv) {
        AttributeProto eps = AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                .setF(1e-3f).build();
        GraphProto.Builder g = GraphProto.newBuilder()
                .addNode(Models.node("Conv", List.of("x", "w1", "b1"), List.of("c1")))
                .addNode(Models.node("BatchNormalization", List.of("c1", "g1", "be1", "m1", "v1"), List.of("n1"), eps))
                .addNode(Models.node("Relu", List.of("n1"), List.of("r1")))
                .addNode(Models.node("Conv", List.of("r1", "w2"), List.of("c2"), ints("pads", 1, 1, 1, 1)))
                .addNode(Models.node("BatchNormalization", List.of("c2", "g2", "be2", "m2", "v2"), List.of("y")))
                .addInput(Models.value("x", "N", 3, 6, 6)).addOutput(Models.value("y"));
        if (shareSecondConv) {
            g.addOutput(Models.value("c2"));
        }
        add(g, "w1", Tensor.randn(1, 4, 3, 3, 3));
        add(g, "b1", Tensor.randn(2, 4));
        add(g, "w2", Tensor.randn(3, 5, 4, 3, 3));
        for (String k : List.of("1", "2")) {
            int c = k.equals("1") ? 4 : 5;
            add(g, "g" + k, Tensor.randn(4 + c, c));
            add(g, "be" + k, Tensor.randn(5 + c, c));
            add(g, "m" + k, Tensor.randn(6 + c, c));
            add(g, "v" + k, Tensor.rand(7 + c, c).add(0.5));
        }
        return g;
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) a.addInts(x);
        return a.build();
    }

    private static void add(GraphProto.Builder g, String name, Tensor t) {
        g.addInitializer(TensorProtos.write(t, name));
    }

    @Test
    void foldedModelGivesTheSameOutputsWithoutBatchNormalization() throws Exception {
        for (boolean shared : new boolean[] {false, true}) {
            Path file = dir.resolve("m" + shared + ".onnx");
            Files.write(file, Models.model(graph(shared).build(), 13).toByteArray());
            OnnxModel plain = Onnx.load(file);
            OnnxModel folded = Onnx.loadForInference(file);
            Tensor x = Tensor.randn(8, 2, 3, 6, 6);
            Map<String, Tensor> a = plain.run(Map.of("x", x));
            Map<String, Tensor> b = folded.run(Map.of("x", x));
            for (String name : a.keySet()) {
                assertTrue(b.get(name).allClose(a.get(name), 1e-4, 1e-4), name + ": " + b.get(name) + " vs " + a.get(name));
            }
            int expectedNorms = shared ? 1 : 0;
            assertEquals(expectedNorms, folded.operatorHistogram().getOrDefault("BatchNormalization", 0), "shared=" + shared);
            assertEquals(2, plain.operatorHistogram().get("BatchNormalization"));
            assertFalse(folded.initializers().containsKey("g1"), "folded-away initializers are dropped");
            assertTrue(folded.parameterCount() < plain.parameterCount());
        }
    }
}
