package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.api.Test;

/** Cast and CastLike between strings and numbers, and strings meeting jit, vmap and grad. */
class StringCastTest {
    /** y = Cast(x, to) for an x of element type {@code from}. */
    private static OnnxModel cast(int from, int to) {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Cast", List.of("x"), List.of("y"), Models.intAttr("to", to)))
                .addInput(typed("x", from)).addOutput(typed("y", to))
                .build();
        return Onnx.load(Models.model(g, 13).toByteArray(), null, "cast.onnx");
    }

    private static org.fluxion.onnx.proto.OnnxProto.ValueInfoProto typed(String name, int type) {
        return type == ElementType.STRING ? StringNormalizerTest.strings(name)
                : Models.value(name).toBuilder().setType(org.fluxion.onnx.proto.OnnxProto.TypeProto.newBuilder()
                        .setTensorType(org.fluxion.onnx.proto.OnnxProto.TypeProto.Tensor.newBuilder()
                                .setElemType(type))).build();
    }

    private static Object run(OnnxModel m, Object x) {
        return m.runValues(Map.of("x", x)).get("y");
    }

    /** The strings Cast(x, STRING) makes of {@code x}, of ONNX element type {@code from}. */
    private static List<String> written(int from, Tensor x) {
        return ((StringTensor) run(cast(from, ElementType.STRING), x)).values();
    }

    @Test
    void floatsAreWrittenAsNumPyWritesThem() {
        // Expected strings: str(np.float32(v)), str(np.float64(v)), str(np.float16(v)).
        float[] f32 = {0.039187793f, 3f, 1e-4f, 0.00011f, 123456789f, 1f / 3, (float) Math.pow(2, 70), -2.5e-30f,
            1e38f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, 1e16f};
        assertEquals(List.of("0.039187793", "3.0", "1e-04", "0.00011", "123456790.0", "0.33333334", "1.1805916e+21",
                "-2.5e-30", "1e+38", "-0.0", "nan", "-inf", "1e+16"),
                written(ElementType.FLOAT, Tensor.of(f32, f32.length)));
        double[] f64 = {0.1, 1e16, 123456789, 1e-4, Math.pow(2, 70), 1.0 / 3};
        assertEquals(List.of("0.1", "1e+16", "123456789.0", "0.0001", "1.1805916207174113e+21", "0.3333333333333333"),
                written(ElementType.DOUBLE, Tensor.of(f64, f64.length)));
        Tensor f16 = Tensor.of(new double[] {0.1, 1000.5, 65504, 1e-5, 3.14159, 6e-8}, 6).to(DType.FLOAT16);
        assertEquals(List.of("0.1", "1000.5", "65500.0", "1e-05", "3.14", "6e-08"), written(ElementType.FLOAT16, f16));
        assertEquals(List.of("-7", "0", "9223372036854775807"),
                written(ElementType.INT64, Tensor.of(new long[] {-7, 0, Long.MAX_VALUE}, 3)));
        assertEquals(List.of("True", "False"), written(ElementType.BOOL, Tensor.of(new boolean[] {true, false}, 2)));
    }

    @Test
    void floatsReadBackExactlyFromTheirStrings() {
        Random r = new Random(15);
        float[] x = new float[200];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(r.nextInt()); // every exponent, NaNs and infinities included
        }
        Object s = run(cast(ElementType.FLOAT, ElementType.STRING), Tensor.of(x, 10, 20));
        Tensor back = (Tensor) run(cast(ElementType.STRING, ElementType.FLOAT), s);
        assertArrayEquals(new int[] {10, 20}, back.dims());
        float[] y = back.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isNaN(x[i]) ? Float.isNaN(y[i]) : x[i] == y[i], x[i] + " read back as " + y[i]);
        }
    }

    @Test
    void stringsAreReadAsTheSpecSays() {
        StringTensor s = StringTensor.of(List.of("NaN", "INF", "+inf", "-Inf", "1e-5", "1E8", " 2.5 ", "-.5"), 2, 4);
        Tensor f = (Tensor) run(cast(ElementType.STRING, ElementType.FLOAT), s);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 1e-5f, 1e8f, 2.5f, -0.5f}, f.toFloatArray());
        Tensor i = (Tensor) run(cast(ElementType.STRING, ElementType.INT64),
                StringTensor.of(List.of("100.5", "-7", "9223372036854775807", "-2.9e1"), 4));
        assertArrayEquals(new long[] {100, -7, Long.MAX_VALUE, -29}, i.toLongArray());
        Tensor b = (Tensor) run(cast(ElementType.STRING, ElementType.BOOL), StringTensor.of(List.of("0", "0.5"), 2));
        assertArrayEquals(new boolean[] {false, true}, b.toBooleanArray());
        StringTensor same = StringTensor.of(List.of("x"), 1);
        assertEquals(same, run(cast(ElementType.STRING, ElementType.STRING), same));
    }

    @Test
    void unreadableStringsNameTheNodeAndTheElement() {
        var word = assertThrows(OnnxException.class, () -> run(cast(ElementType.STRING, ElementType.FLOAT),
                StringTensor.of(List.of("1", "Hello World!"), 2)));
        assertTrue(word.getMessage().contains("Cast node 'y'")
                && word.getMessage().contains("element 1 'Hello World!'"), word.getMessage());
        var big = assertThrows(OnnxException.class, () -> run(cast(ElementType.STRING, ElementType.INT64),
                StringTensor.of(List.of("9223372036854775808"), 1)));
        assertTrue(big.getMessage().contains("beyond the 64-bit integer range"), big.getMessage());
        var huge = assertThrows(OnnxException.class, () -> run(cast(ElementType.STRING, ElementType.INT64),
                StringTensor.of(List.of("-" + "9".repeat(1_000_000)), 1)));
        assertTrue(huge.getMessage().contains("'-999999999") && huge.getMessage().contains("...' (1000001 chars) is "
                + "beyond the 64-bit integer range") && huge.getMessage().length() < 200, huge.getMessage());
        Tensor zeros = (Tensor) run(cast(ElementType.STRING, ElementType.INT64),
                StringTensor.of(List.of("-000000000000000000000000042"), 1));
        assertArrayEquals(new long[] {-42}, zeros.toLongArray());
        assertThrows(OnnxException.class, () -> run(cast(ElementType.STRING, ElementType.INT32),
                StringTensor.of(List.of("nan"), 1)));
        assertThrows(OnnxException.class, () -> run(cast(ElementType.STRING, ElementType.FLOAT),
                StringTensor.of(List.of("0x10"), 1)));
    }

    @Test
    void castLikeTakesItsTypeFromAStringOrANumberTensor() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("CastLike", List.of("x", "like"), List.of("s")))
                .addNode(Models.node("CastLike", List.of("s", "number"), List.of("y")))
                .addInput(typed("x", ElementType.FLOAT)).addInput(typed("like", ElementType.STRING))
                .addInput(typed("number", ElementType.DOUBLE))
                .addOutput(typed("s", ElementType.STRING)).addOutput(typed("y", ElementType.DOUBLE))
                .build();
        OnnxModel m = Onnx.load(Models.model(g, 15).toByteArray(), null, "castlike.onnx");
        Map<String, Object> out = m.runValues(Map.of("x", Tensor.of(new float[] {0.1f, 2}, 2),
                "like", StringTensor.of(List.of("?"), 1), "number", Tensor.scalar(0, DType.FLOAT64)));
        assertEquals(StringTensor.of(List.of("0.1", "2.0"), 2), out.get("s"));
        assertArrayEquals(new double[] {0.1, 2}, ((Tensor) out.get("y")).toDoubleArray());
        var e = assertThrows(OnnxException.class, () -> m.run(Map.of("x", Tensor.of(new float[] {1}, 1))));
        assertTrue(e.getMessage().contains("input 'like' is a string tensor: pass a StringTensor to runValues"),
                e.getMessage());
    }

    /** z = Relu(Cast(Cast(x, STRING), FLOAT)): numbers through strings and back. */
    private static OnnxModel throughStrings() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Cast", List.of("x"), List.of("s"), Models.intAttr("to", ElementType.STRING)))
                .addNode(Models.node("Cast", List.of("s"), List.of("y"), Models.intAttr("to", ElementType.FLOAT)))
                .addNode(Models.node("Relu", List.of("y"), List.of("z")))
                .addInput(typed("x", ElementType.FLOAT)).addOutput(typed("z", ElementType.FLOAT))
                .build();
        return Onnx.load(Models.model(g, 13).toByteArray(), null, "strings.onnx");
    }

    @Test
    void jitVmapAndGradThroughAStringFailNamingTheNode() {
        OnnxModel m = throughStrings();
        Tensor x = Tensor.of(new float[] {-1, 2.5f}, 2);
        assertArrayEquals(new float[] {0, 2.5f}, m.function().apply(new Tensor[] {x})[0].toFloatArray());
        var jit = assertThrows(OnnxException.class, () -> Jit.jit(m.function()).apply(new Tensor[] {x}));
        var vmap = assertThrows(OnnxException.class,
                () -> Vmap.vmapN(m.function(), 0).apply(new Tensor[] {x.reshape(2, 1)}));
        var grad = assertThrows(OnnxException.class,
                () -> Functional.grad((Tensor t) -> m.function().apply(new Tensor[] {t})[0].sum()).apply(x));
        for (OnnxException e : List.of(jit, vmap, grad)) {
            assertTrue(e.getMessage().contains("Cast node 's'") && e.getMessage().contains("not differentiable"),
                    e.getMessage());
        }
    }

    @Test
    void aStringWhereANumberIsNeededNamesTheNode() {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Relu", List.of("x"), List.of("y")))
                .addInput(typed("x", ElementType.STRING)).addOutput(typed("y", ElementType.FLOAT))
                .build();
        OnnxModel m = Onnx.load(Models.model(g, 13).toByteArray(), null, "relu.onnx");
        var e = assertThrows(OnnxException.class, () -> m.runValues(Map.of("x", StringTensor.of(List.of("1"), 1))));
        assertTrue(e.getMessage().contains("Relu node 'y'") && e.getMessage().contains("is a string tensor, where a "
                + "tensor is needed"), e.getMessage());
        OnnxModel toString = cast(ElementType.FLOAT, ElementType.STRING);
        var run = assertThrows(OnnxException.class, () -> toString.run(Map.of("x", Tensor.of(new float[] {1}, 1))));
        assertTrue(run.getMessage().contains("graph output 'y' is a string tensor"), run.getMessage());
    }
}
