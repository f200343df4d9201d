package org.fluxion.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.tensor.Shape;

/**
 * {@code TensorProto}s of element type {@code STRING} to and from {@link StringTensor}: the elements are the
 * {@code string_data} field, each UTF-8 bytes (ONNX stores strings neither in {@code raw_data} nor externally).
 * The element count the dims declare is checked against the number of strings the message holds before
 * anything is allocated, so a corrupt file costs at most what it holds; errors name the tensor and the file.
 */
public final class StringProtos {
    private StringProtos() {
    }

    /** A message of any supported element type: a {@link StringTensor} for STRING, else a tensor. */
    public static Object readValue(TensorProto p, Path baseDir, String where) {
        return p.getDataType() == ElementType.STRING ? read(p, where) : TensorProtos.read(p, baseDir, where);
    }

    /** Reads a file holding one serialized {@code TensorProto}, of strings or numbers. */
    public static Object readValueFile(Path file) {
        try {
            return readValue(TensorProto.parseFrom(Files.readAllBytes(file)), file.getParent(), file.toString());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxException(file + " is not a TensorProto: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The strings a STRING message holds; {@code where} names the file for messages. */
    public static StringTensor read(TensorProto p, String where) {
        String what = "tensor '" + p.getName() + "' in " + where;
        if (p.getDataType() != ElementType.STRING) {
            throw new OnnxException(what + ": element type " + ElementType.name(p.getDataType()) + " is not STRING");
        }
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL || !p.getRawData().isEmpty()) {
            throw new OnnxException(what + ": strings must be in string_data, not in raw_data or external data");
        }
        int[] dims = TensorProtos.dims(p, what);
        long count = Shape.of(dims).size();
        if (p.getStringDataCount() != count) {
            throw new OnnxException(what + ": holds " + p.getStringDataCount() + " strings, but dims "
                    + p.getDimsList() + " need " + count);
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        String[] values = new String[(int) count];
        for (int i = 0; i < values.length; i++) {
            ByteString bytes = p.getStringData(i);
            try {
                values[i] = utf8.decode(bytes.asReadOnlyByteBuffer()).toString();
            } catch (CharacterCodingException e) {
                throw new OnnxException(what + ": string " + i + " (" + bytes.size() + " bytes) is not UTF-8");
            }
        }
        return new StringTensor(Shape.of(dims), Arrays.asList(values));
    }

    /** The message for a string tensor: dims, element type STRING, and each element's UTF-8 bytes. */
    public static TensorProto write(StringTensor t, String name) {
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(ElementType.STRING);
        for (int d : t.dims()) {
            p.addDims(d);
        }
        for (String s : t.values()) {
            p.addStringData(ByteString.copyFromUtf8(s));
        }
        return p.build();
    }
}
