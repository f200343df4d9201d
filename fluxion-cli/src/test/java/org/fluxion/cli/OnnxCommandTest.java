package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fluxion.data.Npz;
import org.fluxion.onnx.TensorProtos;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.fluxion.onnx.proto.OnnxProto.TypeProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxCommandTest {
    @TempDir
    Path dir;

    /** y = tanh(x W + b), W [3, 2], b [2]. */
    private Path model(Tensor w, Tensor b) throws Exception {
        ValueInfoProto x = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))).build();
        ValueInfoProto y = x.toBuilder().setName("y").build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(NodeProto.newBuilder().setOpType("MatMul").addInput("x").addInput("w").addOutput("h"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("h").addInput("b").addOutput("z"))
                .addNode(NodeProto.newBuilder().setOpType("Tanh").addInput("z").addOutput("y"))
                .addInitializer(TensorProtos.write(w, "w")).addInitializer(TensorProtos.write(b, "b"))
                .addInput(x).addOutput(y).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("test").setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, m.toByteArray());
        return file;
    }

    @Test
    void runWritesOutputsByName() throws Exception {
        Tensor w = Tensor.randn(1, 3, 2);
        Tensor b = Tensor.randn(2, 2);
        Path model = model(w, b);
        Tensor x = Tensor.randn(3, 4, 3);
        Npz.write(dir.resolve("in.npz"), Map.of("x", x), false);
        for (String jit : new String[] {"", "--jit"}) {
            Path out = dir.resolve("out" + jit + ".npz");
            CliRun r = jit.isEmpty()
                    ? CliRun.of("onnx", "run", model.toString(), "--input", dir.resolve("in.npz").toString(),
                            "--output", out.toString())
                    : CliRun.of("onnx", "run", model.toString(), "--input", dir.resolve("in.npz").toString(),
                            "--output", out.toString(), jit);
            assertEquals(0, r.exitCode(), r.err());
            Tensor y = Npz.read(out).get("y");
            assertTrue(y.allClose(x.matmul(w).add(b).tanh(), 1e-5, 1e-6));
        }
    }

    @Test
    void runNamesAMissingInput() throws Exception {
        Path model = model(Tensor.randn(1, 3, 2), Tensor.randn(2, 2));
        Npz.write(dir.resolve("in.npz"), Map.of("other", Tensor.zeros(4, 3)), false);
        CliRun r = CliRun.of("onnx", "run", model.toString(), "--input", dir.resolve("in.npz").toString(),
                "--output", dir.resolve("o.npz").toString());
        assertEquals(Cli.EXIT_ERROR, r.exitCode());
        assertTrue(r.err().contains("no array 'x'") && r.err().contains("[other]"), r.err());
    }

    @Test
    void infoListsInputsOperatorsAndParameters() throws Exception {
        Path model = model(Tensor.randn(1, 3, 2), Tensor.randn(2, 2));
        CliRun r = CliRun.of("onnx", "info", model.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("opset 13"), r.out());
        assertTrue(r.out().contains("  x: FLOAT"), r.out());
        assertTrue(r.out().matches("(?s).*\\s1  MatMul.*"), r.out());
        assertTrue(r.out().contains("parameters: 8 in 2 initializers"), r.out());
    }

    @Test
    void testPrintsCountsPerDirectory() throws Exception {
        Path suite = dir.resolve("suite");
        Path t = suite.resolve("test_tanh_mlp");
        Files.createDirectories(t.resolve("test_data_set_0"));
        Tensor w = Tensor.randn(1, 3, 2);
        Tensor b = Tensor.randn(2, 2);
        Files.move(model(w, b), t.resolve("model.onnx"));
        Tensor x = Tensor.randn(3, 4, 3);
        Files.write(t.resolve("test_data_set_0/input_0.pb"), TensorProtos.write(x, "x").toByteArray());
        Files.write(t.resolve("test_data_set_0/output_0.pb"),
                TensorProtos.write(x.matmul(w).add(b).tanh(), "y").toByteArray());
        Path wrong = suite.resolve("test_wrong");
        Files.createDirectories(wrong.resolve("test_data_set_0"));
        Files.copy(t.resolve("model.onnx"), wrong.resolve("model.onnx"));
        Files.write(wrong.resolve("test_data_set_0/input_0.pb"), TensorProtos.write(x, "x").toByteArray());
        Files.write(wrong.resolve("test_data_set_0/output_0.pb"), TensorProtos.write(x, "y").toByteArray());
        CliRun r = CliRun.of("onnx", "test", suite.toString());
        assertEquals(Cli.EXIT_ERROR, r.exitCode());
        assertTrue(r.out().contains(suite + ": 1 passed, 1 failed, 0 unsupported"), r.out());
        assertTrue(r.out().contains("failed: test_wrong"), r.out());
    }
}
