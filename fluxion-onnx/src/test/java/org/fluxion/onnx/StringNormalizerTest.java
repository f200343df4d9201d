package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.TypeProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.junit.jupiter.api.Test;

/** StringNormalizer: stop words, case changes, locales, the all-removed result, and its errors. */
class StringNormalizerTest {
    /** y = StringNormalizer(x) with the given attributes, x and y string tensors of unknown shape. */
    static OnnxModel normalizer(AttributeProto... attributes) {
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("StringNormalizer", List.of("x"), List.of("y"), attributes))
                .addInput(strings("x")).addOutput(strings("y"))
                .build();
        return Onnx.load(Models.model(g, 10).toByteArray(), null, "normalizer.onnx");
    }

    static ValueInfoProto strings(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.STRING))).build();
    }

    static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto stopwords(String... words) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName("stopwords")
                .setType(AttributeProto.AttributeType.STRINGS);
        for (String w : words) {
            b.addStrings(ByteString.copyFromUtf8(w));
        }
        return b.build();
    }

    private static Object run(OnnxModel m, StringTensor x) {
        return m.runValues(Map.of("x", x)).get("y");
    }

    @Test
    void stopWordsIgnoreCaseUnlessCaseSensitive() {
        StringTensor x = StringTensor.of(List.of("Monday", "monday", "Tuesday"), 3);
        assertEquals(StringTensor.of(List.of("TUESDAY"), 1),
                run(normalizer(text("case_change_action", "UPPER"), stopwords("MONDAY")), x));
        assertEquals(StringTensor.of(List.of("monday", "tuesday"), 2), run(normalizer(
                text("case_change_action", "LOWER"), Models.intAttr("is_case_sensitive", 1), stopwords("Monday")), x));
        // No attributes: nothing removed, nothing changed.
        assertEquals(x, run(normalizer(), x));
    }

    @Test
    void removingEveryElementLeavesOneEmptyString() {
        OnnxModel m = normalizer(stopwords("a", "b"));
        assertEquals(StringTensor.of(List.of(""), 1), run(m, StringTensor.of(List.of("a", "B", "a"), 3)));
        assertEquals(StringTensor.of(List.of(""), 1, 1), run(m, StringTensor.of(List.of("b", "A"), 1, 2)));
        assertEquals(StringTensor.of(List.of(""), 1), run(m, StringTensor.of(List.of(), 0)));
        assertEquals(StringTensor.of(List.of("c"), 1, 1), run(m, StringTensor.of(List.of("b", "c"), 1, 2)));
    }

    @Test
    void theLocaleDecidesTheCaseMapping() {
        StringTensor x = StringTensor.of(List.of("TITLE", "\u0130stanbul"), 2);
        assertEquals(StringTensor.of(List.of("t\u0131tle", "istanbul"), 2),
                run(normalizer(text("case_change_action", "LOWER"), text("locale", "tr_TR")), x));
        assertEquals(StringTensor.of(List.of("title", "i\u0307stanbul"), 2),
                run(normalizer(text("case_change_action", "LOWER"), text("locale", "en_US")), x));
    }

    @Test
    void stringConstantsAndIdentityFeedTheNormalizer() {
        AttributeProto listed = stopwords("Monday", "Tuesday").toBuilder().setName("value_strings").build();
        AttributeProto tensor = AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.TENSOR)
                .setT(StringProtos.write(StringTensor.of(List.of("x", "Y"), 1, 2), "value")).build();
        GraphProto g = GraphProto.newBuilder()
                .addNode(Models.node("Constant", List.of(), List.of("days"), listed))
                .addNode(Models.node("StringNormalizer", List.of("days"), List.of("y"), text("case_change_action",
                        "UPPER"), stopwords("monday")))
                .addNode(Models.node("Constant", List.of(), List.of("c"), tensor))
                .addNode(Models.node("Identity", List.of("c"), List.of("z")))
                .addOutput(strings("y")).addOutput(strings("z"))
                .build();
        Map<String, Object> out = Onnx.load(Models.model(g, 12).toByteArray(), null, "constants.onnx")
                .runValues(Map.of());
        assertEquals(StringTensor.of(List.of("TUESDAY"), 1), out.get("y"));
        assertEquals(StringTensor.of(List.of("x", "Y"), 1, 2), out.get("z"));
    }

    @Test
    void badShapesAttributesAndInputsNameTheNode() {
        var shape = assertThrows(OnnxException.class,
                () -> run(normalizer(), StringTensor.of(List.of("a", "b", "c", "d"), 2, 2)));
        assertTrue(shape.getMessage().contains("StringNormalizer node 'y'") && shape.getMessage().contains("[1, C]"),
                shape.getMessage());
        var action = assertThrows(OnnxException.class,
                () -> run(normalizer(text("case_change_action", "TITLE")), StringTensor.of(List.of("a"), 1)));
        assertTrue(action.getMessage().contains("case_change_action must be LOWER, UPPER or NONE, not 'TITLE'"),
                action.getMessage());
        var numbers = assertThrows(OnnxException.class,
                () -> normalizer().runValues(Map.of("x", org.fluxion.tensor.Tensor.of(new float[] {1}, 1))));
        assertTrue(numbers.getMessage().contains("input 'x' is a Tensor, declared x: STRING"), numbers.getMessage());
    }
}
