package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.StringStringEntryProto;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxImportTest {
    @TempDir
    Path dir;

    private OnnxModel loadMlp() throws Exception {
        Path file = dir.resolve("mlp.onnx");
        Files.write(file, Models.mlp().toByteArray());
        return Onnx.load(file);
    }

    private static Tensor reference(OnnxModel m, Tensor x) {
        Map<String, Tensor> p = m.initializers();
        return Models.mlpReference(x, p.get("w1"), p.get("b1"), p.get("w2"), p.get("b2"));
    }

    @Test
    void runsEagerlyWithASymbolicBatch() throws Exception {
        OnnxModel m = loadMlp();
        assertEquals(List.of("x"), m.inputNames());
        assertEquals(List.of("y"), m.outputNames());
        assertEquals(4 * 8 + 8 + 8 * 3 + 3, m.parameterCount());
        for (int batch : new int[] {1, 5}) {
            Tensor x = Tensor.randn(10 + batch, batch, 4);
            Tensor y = m.run(Map.of("x", x)).get("y");
            assertEquals(List.of(batch, 3), Arrays.stream(y.dims()).boxed().toList());
            assertTrue(y.allClose(reference(m, x), 1e-5, 1e-6));
        }
    }

    @Test
    void runsUnderJitAndVmap() throws Exception {
        OnnxModel m = loadMlp();
        Tensor x = Tensor.randn(7, 6, 4);
        Tensor eager = m.function().apply(new Tensor[] {x})[0];
        Tensor jitted = Jit.jit(m.function()).apply(new Tensor[] {x})[0];
        assertTrue(jitted.allClose(eager, 1e-5, 1e-6));
        // vmap over a leading axis of [3, 6, 4]: each slice is a batch of 6 rows.
        Tensor xs = Tensor.randn(8, 3, 6, 4);
        Tensor mapped = Vmap.vmapN(m.function(), 0).apply(new Tensor[] {xs})[0];
        for (int i = 0; i < 3; i++) {
            assertTrue(mapped.select(0, i).allClose(reference(m, xs.select(0, i)), 1e-5, 1e-6));
        }
    }

    @Test
    void gradientOfALossThroughTheImportedNetworkMatchesFiniteDifferences() throws Exception {
        OnnxModel m = loadMlp();
        Tensor x = Tensor.randn(9, 5, 4).to(DType.FLOAT64);
        Tensor target = Tensor.randn(10, 5, 3).to(DType.FLOAT64);
        Map<String, Tensor> p = m.initializers();
        // w1 is trained; the others stay as loaded (converted to float64 so that differences are accurate).
        Function<Tensor, Tensor> loss = w1 -> m.run(Map.of("x", x), Map.of("w1", w1,
                        "b1", p.get("b1").to(DType.FLOAT64), "w2", p.get("w2").to(DType.FLOAT64),
                        "b2", p.get("b2").to(DType.FLOAT64)))
                .get("y").sub(target).square().sum();
        Tensor w1 = p.get("w1").to(DType.FLOAT64);
        Tensor g = Functional.grad(loss).apply(w1);
        double[] w = w1.toDoubleArray();
        double[] numeric = new double[w.length];
        double h = 1e-6;
        for (int i = 0; i < w.length; i++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[i] += h;
            minus[i] -= h;
            numeric[i] = (loss.apply(Tensor.of(plus, 4, 8)).item() - loss.apply(Tensor.of(minus, 4, 8)).item()) / (2 * h);
        }
        assertTrue(g.allClose(Tensor.of(numeric, 4, 8), 1e-5, 1e-7), g + " vs " + Arrays.toString(numeric));
        // The same gradient under jit.
        Tensor jitted = Jit.jit(Functional.grad(loss)).apply(w1);
        assertTrue(jitted.allClose(g, 1e-9, 1e-12));
    }

    @Test
    void externalDataIsReadRelativeToTheModelAndBoundsChecked() throws Exception {
        ModelProto base = Models.mlp();
        GraphProto.Builder g = base.getGraph().toBuilder();
        TensorProto w1 = g.getInitializer(0);
        Files.write(dir.resolve("weights.bin"), w1.getRawData().toByteArray());
        g.setInitializer(0, external(w1, "weights.bin", 0, w1.getRawData().size()));
        Path file = dir.resolve("external.onnx");
        Files.write(file, base.toBuilder().setGraph(g).build().toByteArray());
        OnnxModel m = Onnx.load(file);
        OnnxModel inline = loadMlp();
        assertEquals(inline.initializers().get("w1"), m.initializers().get("w1"));

        g.setInitializer(0, external(w1, "weights.bin", 16, w1.getRawData().size()));
        Files.write(file, base.toBuilder().setGraph(g).build().toByteArray());
        OnnxException past = assertThrows(OnnxException.class, () -> Onnx.load(file));
        assertTrue(past.getMessage().contains("tensor 'w1'") && past.getMessage().contains("reach past its end"),
                past.getMessage());

        g.setInitializer(0, external(w1, "../weights.bin", 0, w1.getRawData().size()));
        Files.write(file, base.toBuilder().setGraph(g).build().toByteArray());
        OnnxException escape = assertThrows(OnnxException.class, () -> Onnx.load(file));
        assertTrue(escape.getMessage().contains("leaves the model directory"), escape.getMessage());
    }

    private static TensorProto external(TensorProto t, String location, long offset, long length) {
        return t.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .clearExternalData()
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue("" + offset))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue("" + length))
                .build();
    }

    @Test
    void corruptFilesAreReportedWithTheTensorOrFile() throws Exception {
        byte[] bytes = Models.mlp().toByteArray();
        Path truncated = dir.resolve("truncated.onnx");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        OnnxException e = assertThrows(OnnxException.class, () -> Onnx.load(truncated));
        assertTrue(e.getMessage().contains("truncated.onnx") && e.getMessage().contains("is not an ONNX model"),
                e.getMessage());

        // dims that claim far more elements than raw_data holds: refused before any allocation.
        GraphProto.Builder g = Models.mlp().getGraph().toBuilder();
        g.setInitializer(1, g.getInitializer(1).toBuilder().clearDims().addDims(1L << 40).build());
        Path huge = dir.resolve("huge.onnx");
        Files.write(huge, Models.mlp().toBuilder().setGraph(g).build().toByteArray());
        OnnxException big = assertThrows(OnnxException.class, () -> Onnx.load(huge));
        assertTrue(big.getMessage().contains("tensor 'b1'"), big.getMessage());

        g = Models.mlp().getGraph().toBuilder();
        g.setInitializer(1, g.getInitializer(1).toBuilder().setRawData(ByteString.copyFrom(new byte[5])).build());
        Path shortRaw = dir.resolve("short.onnx");
        Files.write(shortRaw, Models.mlp().toBuilder().setGraph(g).build().toByteArray());
        OnnxException raw = assertThrows(OnnxException.class, () -> Onnx.load(shortRaw));
        assertTrue(raw.getMessage().contains("tensor 'b1'") && raw.getMessage().contains("raw_data holds 5 bytes"),
                raw.getMessage());
    }

    @Test
    void unsupportedOperatorsAreListedByNameAtLoad() {
        GraphProto g = Models.mlp().getGraph().toBuilder()
                .addNode(Models.node("FancyOp", List.of("y"), List.of("u")))
                .addNode(Models.node("NonMaxSuppression", List.of("y"), List.of("v")))
                .addNode(Models.node("FancyOp", List.of("y"), List.of("w")))
                .build();
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> Onnx.load(Models.model(g, 13).toByteArray(), null, "test.onnx"));
        assertEquals(List.of("FancyOp", "NonMaxSuppression"), e.unsupported());
        assertTrue(e.getMessage().contains("test.onnx"));
    }

    @Test
    void inputsAreCheckedAgainstTheirDeclaration() throws Exception {
        OnnxModel m = loadMlp();
        OnnxException missing = assertThrows(OnnxException.class, () -> m.run(Map.of()));
        assertTrue(missing.getMessage().contains("input 'x' is missing"), missing.getMessage());
        OnnxException shape = assertThrows(OnnxException.class, () -> m.run(Map.of("x", Tensor.zeros(2, 5))));
        assertTrue(shape.getMessage().contains("[2, 5]") && shape.getMessage().contains("x: FLOAT[N, 4]"),
                shape.getMessage());
    }
}
