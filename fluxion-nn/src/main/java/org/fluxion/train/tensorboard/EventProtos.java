package org.fluxion.train.tensorboard;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The protocol buffers of TensorBoard's event files, encoded field by field with
 * {@link CodedOutputStream} against the field numbers of TensorBoard's {@code event.proto},
 * {@code summary.proto}, {@code histogram.proto}, {@code tensor.proto} and {@code tensor_shape.proto}
 * (package {@code tensorboard}, under {@code tensorboard/compat/proto/}). Only the fields Fluxion
 * writes are here; the numbers are the contract, so each constant names its message and field.
 *
 * <p>A nested message is encoded on its own first, then written as a length-delimited field, which is
 * exactly the wire form of an embedded message. Proto3 leaves fields at their default out; a field of a
 * {@code oneof} (the value of a {@code Summary.Value}) is always written, since its presence says which
 * kind the value is (a scalar 0.0 included).
 */
final class EventProtos {
    // Event
    static final int EVENT_WALL_TIME = 1; // double
    static final int EVENT_STEP = 2; // int64
    static final int EVENT_FILE_VERSION = 3; // string, oneof what
    static final int EVENT_SUMMARY = 5; // Summary, oneof what
    // Summary
    static final int SUMMARY_VALUE = 1; // repeated Summary.Value
    // Summary.Value
    static final int VALUE_TAG = 1; // string
    static final int VALUE_SIMPLE_VALUE = 2; // float, oneof value
    static final int VALUE_IMAGE = 4; // Summary.Image, oneof value
    static final int VALUE_HISTO = 5; // HistogramProto, oneof value
    static final int VALUE_TENSOR = 8; // TensorProto, oneof value
    static final int VALUE_METADATA = 9; // SummaryMetadata
    // Summary.Image
    static final int IMAGE_HEIGHT = 1; // int32
    static final int IMAGE_WIDTH = 2; // int32
    static final int IMAGE_COLORSPACE = 3; // int32: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    static final int IMAGE_ENCODED = 4; // bytes (PNG)
    // HistogramProto
    static final int HISTO_MIN = 1; // double
    static final int HISTO_MAX = 2; // double
    static final int HISTO_NUM = 3; // double
    static final int HISTO_SUM = 4; // double
    static final int HISTO_SUM_SQUARES = 5; // double
    static final int HISTO_BUCKET_LIMIT = 6; // repeated double, packed
    static final int HISTO_BUCKET = 7; // repeated double, packed
    // SummaryMetadata and SummaryMetadata.PluginData
    static final int METADATA_PLUGIN_DATA = 1; // PluginData
    static final int PLUGIN_DATA_PLUGIN_NAME = 1; // string
    // TensorProto, TensorShapeProto and TensorShapeProto.Dim
    static final int TENSOR_DTYPE = 1; // DataType enum
    static final int TENSOR_SHAPE = 2; // TensorShapeProto
    static final int TENSOR_STRING_VAL = 8; // repeated bytes
    static final int SHAPE_DIM = 2; // repeated Dim
    static final int DIM_SIZE = 1; // int64
    /** {@code DataType.DT_STRING} of {@code types.proto}. */
    static final int DT_STRING = 7;

    /** What the first event of every file says, so that readers know the format. */
    static final String FILE_VERSION = "brain.Event:2";

    private EventProtos() {
    }

    /** Writes one message's fields. */
    @FunctionalInterface
    interface Fields {
        void writeTo(CodedOutputStream out) throws IOException;
    }

    /** The bytes of a message whose fields {@code fields} writes. */
    static byte[] message(Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            fields.writeTo(out);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** The first event of a file: {@code Event{wall_time, file_version: "brain.Event:2"}}. */
    static byte[] fileVersionEvent(double wallTime) {
        return message(out -> {
            out.writeDouble(EVENT_WALL_TIME, wallTime);
            out.writeString(EVENT_FILE_VERSION, FILE_VERSION);
        });
    }

    /** {@code Event{wall_time, step, summary: Summary{value: [value]}}} for one encoded {@code Summary.Value}. */
    static byte[] summaryEvent(double wallTime, long step, byte[] value) {
        byte[] summary = message(out -> out.writeByteArray(SUMMARY_VALUE, value));
        return message(out -> {
            out.writeDouble(EVENT_WALL_TIME, wallTime);
            if (step != 0) {
                out.writeInt64(EVENT_STEP, step);
            }
            out.writeByteArray(EVENT_SUMMARY, summary);
        });
    }

    /** {@code Summary.Value{tag, simple_value}}. */
    static byte[] scalarValue(String tag, float value) {
        return message(out -> {
            out.writeString(VALUE_TAG, tag);
            out.writeFloat(VALUE_SIMPLE_VALUE, value);
        });
    }

    /** {@code Summary.Value{tag, image: Image{height, width, colorspace, encoded_image_string}}}. */
    static byte[] imageValue(String tag, int height, int width, int colorspace, byte[] png) {
        byte[] image = message(out -> {
            out.writeInt32(IMAGE_HEIGHT, height);
            out.writeInt32(IMAGE_WIDTH, width);
            out.writeInt32(IMAGE_COLORSPACE, colorspace);
            out.writeByteArray(IMAGE_ENCODED, png);
        });
        return message(out -> {
            out.writeString(VALUE_TAG, tag);
            out.writeByteArray(VALUE_IMAGE, image);
        });
    }

    /** {@code Summary.Value{tag, histo: HistogramProto{...}}} of a computed {@link Histogram}. */
    static byte[] histogramValue(String tag, Histogram h) {
        byte[] histo = message(out -> {
            out.writeDouble(HISTO_MIN, h.min());
            out.writeDouble(HISTO_MAX, h.max());
            out.writeDouble(HISTO_NUM, h.count());
            out.writeDouble(HISTO_SUM, h.sum());
            out.writeDouble(HISTO_SUM_SQUARES, h.sumSquares());
            packedDoubles(out, HISTO_BUCKET_LIMIT, h.bucketLimits());
            packedDoubles(out, HISTO_BUCKET, h.bucketCounts());
        });
        return message(out -> {
            out.writeString(VALUE_TAG, tag);
            out.writeByteArray(VALUE_HISTO, histo);
        });
    }

    /**
     * A text summary as TensorBoard's text plugin reads it: {@code Summary.Value{tag, metadata:
     * {plugin_data: {plugin_name: "text"}}, tensor: TensorProto{dtype: DT_STRING, tensor_shape: [1],
     * string_val: [utf8]}}}. The plugin's content ({@code TextPluginData{version: 0}}) encodes to no bytes.
     */
    static byte[] textValue(String tag, String text) {
        byte[] pluginData = message(out -> out.writeString(PLUGIN_DATA_PLUGIN_NAME, "text"));
        byte[] metadata = message(out -> out.writeByteArray(METADATA_PLUGIN_DATA, pluginData));
        byte[] dim = message(out -> out.writeInt64(DIM_SIZE, 1));
        byte[] shape = message(out -> out.writeByteArray(SHAPE_DIM, dim));
        byte[] tensor = message(out -> {
            out.writeEnum(TENSOR_DTYPE, DT_STRING);
            out.writeByteArray(TENSOR_SHAPE, shape);
            out.writeByteArray(TENSOR_STRING_VAL, text.getBytes(StandardCharsets.UTF_8));
        });
        return message(out -> {
            out.writeString(VALUE_TAG, tag);
            out.writeByteArray(VALUE_METADATA, metadata);
            out.writeByteArray(VALUE_TENSOR, tensor);
        });
    }

    private static void packedDoubles(CodedOutputStream out, int field, double[] values) throws IOException {
        // Packed: one length-delimited field holding the 8-byte values back to back.
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(8 * values.length);
        for (double v : values) {
            out.writeDoubleNoTag(v);
        }
    }
}
