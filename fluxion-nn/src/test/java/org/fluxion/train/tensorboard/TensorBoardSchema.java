package org.fluxion.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;

/**
 * TensorBoard's messages as protobuf descriptors, for reading event files back in tests: the names, numbers
 * and types of the fields of {@code tensorboard/compat/proto/} {@code event.proto}, {@code summary.proto},
 * {@code histogram.proto}, {@code tensor.proto}, {@code tensor_shape.proto} and {@code types.proto}, written
 * out here from those files (not from {@link EventProtos}, whose constants they check), including fields
 * Fluxion never writes, so that a wrong number or wire type shows up as an unknown or misplaced field.
 */
final class TensorBoardSchema {
    static final Descriptor EVENT;

    static {
        DescriptorProto dim = message("Dim", field("size", 1, Type.TYPE_INT64), field("name", 2, Type.TYPE_STRING));
        DescriptorProto shape = message("TensorShapeProto", repeated(messageField("dim", 2, ".tensorboard.TensorShapeProto.Dim")),
                field("unknown_rank", 3, Type.TYPE_BOOL)).toBuilder().addNestedType(dim).build();
        EnumDescriptorProto dataType = EnumDescriptorProto.newBuilder().setName("DataType")
                .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_INVALID").setNumber(0))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_FLOAT").setNumber(1))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_DOUBLE").setNumber(2))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_INT32").setNumber(3))
                .addValue(EnumValueDescriptorProto.newBuilder().setName("DT_STRING").setNumber(7)).build();
        DescriptorProto tensor = message("TensorProto",
                enumField("dtype", 1, ".tensorboard.DataType"),
                messageField("tensor_shape", 2, ".tensorboard.TensorShapeProto"),
                field("version_number", 3, Type.TYPE_INT32),
                field("tensor_content", 4, Type.TYPE_BYTES),
                repeated(field("float_val", 5, Type.TYPE_FLOAT)),
                repeated(field("double_val", 6, Type.TYPE_DOUBLE)),
                repeated(field("int_val", 7, Type.TYPE_INT32)),
                repeated(field("string_val", 8, Type.TYPE_BYTES)),
                repeated(field("int64_val", 10, Type.TYPE_INT64)));
        DescriptorProto histogram = message("HistogramProto",
                field("min", 1, Type.TYPE_DOUBLE), field("max", 2, Type.TYPE_DOUBLE), field("num", 3, Type.TYPE_DOUBLE),
                field("sum", 4, Type.TYPE_DOUBLE), field("sum_squares", 5, Type.TYPE_DOUBLE),
                repeated(field("bucket_limit", 6, Type.TYPE_DOUBLE)), repeated(field("bucket", 7, Type.TYPE_DOUBLE)));
        DescriptorProto pluginData = message("PluginData", field("plugin_name", 1, Type.TYPE_STRING),
                field("content", 2, Type.TYPE_BYTES));
        DescriptorProto metadata = message("SummaryMetadata",
                messageField("plugin_data", 1, ".tensorboard.SummaryMetadata.PluginData"),
                field("display_name", 2, Type.TYPE_STRING), field("summary_description", 3, Type.TYPE_STRING),
                field("data_class", 4, Type.TYPE_INT32)).toBuilder().addNestedType(pluginData).build();
        DescriptorProto image = message("Image", field("height", 1, Type.TYPE_INT32), field("width", 2, Type.TYPE_INT32),
                field("colorspace", 3, Type.TYPE_INT32), field("encoded_image_string", 4, Type.TYPE_BYTES));
        DescriptorProto value = message("Value",
                field("node_name", 7, Type.TYPE_STRING),
                field("tag", 1, Type.TYPE_STRING),
                messageField("metadata", 9, ".tensorboard.SummaryMetadata"),
                oneof(field("simple_value", 2, Type.TYPE_FLOAT)),
                oneof(field("obsolete_old_style_histogram", 3, Type.TYPE_BYTES)),
                oneof(messageField("image", 4, ".tensorboard.Summary.Image")),
                oneof(messageField("histo", 5, ".tensorboard.HistogramProto")),
                oneof(messageField("tensor", 8, ".tensorboard.TensorProto")))
                .toBuilder().addOneofDecl(OneofDescriptorProto.newBuilder().setName("value")).build();
        DescriptorProto summary = message("Summary", repeated(messageField("value", 1, ".tensorboard.Summary.Value")))
                .toBuilder().addNestedType(image).addNestedType(value).build();
        DescriptorProto event = message("Event",
                field("wall_time", 1, Type.TYPE_DOUBLE),
                field("step", 2, Type.TYPE_INT64),
                oneof(field("file_version", 3, Type.TYPE_STRING)),
                oneof(field("graph_def", 4, Type.TYPE_BYTES)),
                oneof(messageField("summary", 5, ".tensorboard.Summary")),
                oneof(field("meta_graph_def", 9, Type.TYPE_BYTES)))
                .toBuilder().addOneofDecl(OneofDescriptorProto.newBuilder().setName("what")).build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("tensorboard_test_schema.proto")
                .setPackage("tensorboard").setSyntax("proto3")
                .addMessageType(event).addMessageType(summary).addMessageType(metadata).addMessageType(histogram)
                .addMessageType(tensor).addMessageType(shape).addEnumType(dataType).build();
        try {
            EVENT = Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0])
                    .findMessageTypeByName("Event");
        } catch (Descriptors.DescriptorValidationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private TensorBoardSchema() {
    }

    /** Parses an event record and checks that every field of it, nested ones too, is known to the schema. */
    static DynamicMessage parseEvent(byte[] record) throws InvalidProtocolBufferException {
        DynamicMessage event = DynamicMessage.parseFrom(EVENT, record);
        assertAllKnown(event, "Event");
        return event;
    }

    private static void assertAllKnown(Message m, String path) {
        assertTrue(m.getUnknownFields().asMap().isEmpty(), path + " has fields of unknown number or wire type: "
                + m.getUnknownFields());
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (e.getKey().getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                List<?> values = e.getKey().isRepeated() ? (List<?>) e.getValue() : List.of(e.getValue());
                for (Object v : values) {
                    assertAllKnown((Message) v, path + "." + e.getKey().getName());
                }
            }
        }
    }

    /** The field {@code name} of {@code m} (a message, a number, a string, a ByteString or a list). */
    static Object get(Message m, String name) {
        FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
        if (f == null) {
            throw new IllegalArgumentException(m.getDescriptorForType().getFullName() + " has no field " + name);
        }
        return m.getField(f);
    }

    /** True when {@code name} is set (for a oneof member or a message: present on the wire). */
    static boolean has(Message m, String name) {
        return m.hasField(m.getDescriptorForType().findFieldByName(name));
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
        for (FieldDescriptorProto f : fields) {
            b.addField(f);
        }
        return b.build();
    }

    private static FieldDescriptorProto field(String name, int number, Type type) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(Label.LABEL_OPTIONAL).build();
    }

    private static FieldDescriptorProto messageField(String name, int number, String typeName) {
        return field(name, number, Type.TYPE_MESSAGE).toBuilder().setTypeName(typeName).build();
    }

    private static FieldDescriptorProto enumField(String name, int number, String typeName) {
        return field(name, number, Type.TYPE_ENUM).toBuilder().setTypeName(typeName).build();
    }

    private static FieldDescriptorProto repeated(FieldDescriptorProto f) {
        return f.toBuilder().setLabel(Label.LABEL_REPEATED).build();
    }

    private static FieldDescriptorProto oneof(FieldDescriptorProto f) {
        return f.toBuilder().setOneofIndex(0).build();
    }
}
