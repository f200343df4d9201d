package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STRING TensorProtos: round trips, and corrupt or hostile messages refused before anything is allocated. */
class StringProtosTest {
    @Test
    void stringsRoundTripAsUtf8WithTheirShape() {
        StringTensor t = StringTensor.of(List.of("monday", "", "Grüße", "日本", "a\u0000b", "😀"), 2, 3);
        TensorProto p = StringProtos.write(t, "words");
        assertEquals(ElementType.STRING, p.getDataType());
        assertEquals(ByteString.copyFromUtf8("Grüße"), p.getStringData(2));
        assertEquals(t, StringProtos.read(p, "test"));
        assertEquals(t, StringProtos.readValue(p, null, "test"));
        StringTensor scalar = StringTensor.of(List.of("one"));
        assertEquals(scalar, StringProtos.read(StringProtos.write(scalar, "s"), "test"));
        // Numbers still read as tensors.
        assertInstanceOf(Tensor.class, StringProtos.readValue(TensorProtos.write(Tensor.scalar(2), "x"), null, "t"));
    }

    @Test
    void elementCountsAreCheckedAgainstTheDimsBeforeAllocating() {
        TensorProto one = StringProtos.write(StringTensor.of(List.of("x"), 1), "s");
        // A huge declared count with one string: refused without allocating the array the dims ask for.
        var huge = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().clearDims().addDims(Integer.MAX_VALUE - 16).build(), "f.pb"));
        assertTrue(huge.getMessage().contains("holds 1 strings") && huge.getMessage().contains("'s' in f.pb"),
                huge.getMessage());
        var overflow = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().clearDims().addDims(1L << 20).addDims(1L << 20).addDims(1L << 20).build(), "f.pb"));
        assertTrue(overflow.getMessage().contains("hold more than"), overflow.getMessage());
        var negative = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().clearDims().addDims(-1).build(), "f.pb"));
        assertTrue(negative.getMessage().contains("dimension 0 is -1"), negative.getMessage());
        var tooMany = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().addStringData(ByteString.copyFromUtf8("y")).build(), "f.pb"));
        assertTrue(tooMany.getMessage().contains("holds 2 strings, but dims [1] need 1"), tooMany.getMessage());
        var empty = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().clearDims().addDims(0).build(), "f.pb"));
        assertTrue(empty.getMessage().contains("need 0"), empty.getMessage());
    }

    @Test
    void rawOrExternalStringsAndBadUtf8AreRefused() {
        TensorProto one = StringProtos.write(StringTensor.of(List.of("x"), 1), "s");
        var raw = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().setRawData(ByteString.copyFromUtf8("x")).build(), "f.pb"));
        assertTrue(raw.getMessage().contains("string_data"), raw.getMessage());
        assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().setDataLocation(TensorProto.DataLocation.EXTERNAL).build(), "f.pb"));
        var utf8 = assertThrows(OnnxException.class, () -> StringProtos.read(
                one.toBuilder().setStringData(0, ByteString.copyFrom(new byte[] {'a', (byte) 0xC3})).build(), "f.pb"));
        assertTrue(utf8.getMessage().contains("string 0 (2 bytes) is not UTF-8"), utf8.getMessage());
        var notStrings = assertThrows(OnnxException.class, () -> StringProtos.read(
                TensorProtos.write(Tensor.scalar(1), "x"), "f.pb"));
        assertTrue(notStrings.getMessage().contains("FLOAT is not STRING"), notStrings.getMessage());
    }

    @Test
    void aLengthPrefixBeyondTheFileIsReportedWithTheFile(@TempDir Path dir) throws Exception {
        byte[] good = StringProtos.write(StringTensor.of(List.of("hello"), 1), "s").toByteArray();
        // Field string_data (6, length-delimited) claiming 2^31 - 1 bytes, then end of file.
        byte[] bad = java.util.Arrays.copyOf(good, good.length + 6);
        byte[] prefix = {0x32, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
        System.arraycopy(prefix, 0, bad, good.length, prefix.length);
        Path file = dir.resolve("input_0.pb");
        Files.write(file, bad);
        var e = assertThrows(OnnxException.class, () -> StringProtos.readValueFile(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("not a TensorProto"),
                e.getMessage());
        Files.write(file, good);
        assertEquals(StringTensor.of(List.of("hello"), 1), StringProtos.readValueFile(file));
    }
}
