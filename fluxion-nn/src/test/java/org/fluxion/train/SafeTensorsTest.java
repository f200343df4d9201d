package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.data.DataFileException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeShapeAndMetadata() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f32", Tensor.of(new float[] {1.5f, -2f, Float.NaN, 4f, 5f, 6f}, 2, 3));
        tensors.put("f64", Tensor.of(new double[] {Math.PI, -1e300}, 2));
        tensors.put("i32", Tensor.of(new int[] {Integer.MIN_VALUE, 7}, 2, 1));
        tensors.put("i64", Tensor.of(new long[] {Long.MAX_VALUE}, 1));
        tensors.put("bool", Tensor.of(new boolean[] {true, false, true}, 3));
        tensors.put("scalar", Tensor.scalar(3.0));
        tensors.put("empty", Tensor.zeros(0, 4));
        tensors.put("view", Tensor.arange(6).reshape(2, 3).transpose());
        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, Map.of("epoch", "3", "note", "ünïcode"));

        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()));
        for (var e : tensors.entrySet()) {
            Tensor got = read.tensors().get(e.getKey());
            assertEquals(e.getValue().shape(), got.shape(), e.getKey());
            assertEquals(e.getValue().dtype(), got.dtype(), e.getKey());
        }
        assertArrayEquals(tensors.get("f32").toFloatArray(), read.tensors().get("f32").toFloatArray());
        assertArrayEquals(tensors.get("f64").toDoubleArray(), read.tensors().get("f64").toDoubleArray());
        assertArrayEquals(tensors.get("i32").toIntArray(), read.tensors().get("i32").toIntArray());
        assertArrayEquals(tensors.get("i64").toLongArray(), read.tensors().get("i64").toLongArray());
        assertArrayEquals(tensors.get("bool").toBooleanArray(), read.tensors().get("bool").toBooleanArray());
        assertArrayEquals(new long[] {0, 3, 1, 4, 2, 5}, read.tensors().get("view").toLongArray());
        assertEquals(Map.of("epoch", "3", "note", "ünïcode"), read.metadata());
    }

    @Test
    void writesTheReferenceLayout() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.of(new float[] {1f, 2f}, 2)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to a multiple of 8");
        String json = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip();
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", json);
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1f, data.getFloat());
        assertEquals(2f, data.getFloat());
    }

    @Test
    void readsAFileWrittenByHand() throws IOException {
        // As the Python library writes it: offsets in sorted order, no metadata, no padding.
        Path file = write("hand.safetensors", "{\"b\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[4,12]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", le(7, 9, 0));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(7, c.tensors().get("a").toIntArray()[0]);
        assertEquals(9L, c.tensors().get("b").toLongArray()[0]);
        assertEquals(DType.INT64, c.tensors().get("b").dtype());
    }

    @Test
    void truncatedBeforeTheHeaderLength() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertError(file, "offset 0", "truncated");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path file = dir.resolve("long.safetensors");
        byte[] bytes = new byte[12];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(1000);
        Files.write(file, bytes);
        assertError(file, "offset 0", "header length 1000 goes beyond the end of the file");
    }

    @Test
    void negativeHeaderLength() throws IOException {
        Path file = dir.resolve("neg.safetensors");
        byte[] bytes = new byte[12];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(-1);
        Files.write(file, bytes);
        assertError(file, "offset 0", "header length 18446744073709551615");
    }

    @Test
    void badJsonNamesTheByteOffset() throws IOException {
        Path file = write("json.safetensors", "{\"a\": {\"dtype\": F32}}", new byte[0]);
        // 'F' is at index 16 of the JSON, which starts at byte 8.
        assertError(file, "offset 24", "bad JSON header");
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        assertError(write("array.safetensors", "[1, 2]", new byte[0]), "offset 8", "not a JSON object");
    }

    @Test
    void duplicateTensorName() throws IOException {
        String e = "{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        assertError(write("dup.safetensors", "{\"a\":" + e + ",\"a\":" + e + "}", le(1)), "offset ",
                "Duplicate field 'a'");
    }

    @Test
    void unknownDtypeNamesTheTensorAndItsHeaderOffset() throws IOException {
        Path file = write("u16.safetensors", "{\"h\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]);
        assertError(file, "offset 9", "tensor 'h': unsupported dtype 'U16'");
    }

    @Test
    void halfPrecisionAndByteTensorsRoundTripBitForBit() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        short[] half = {0x3c00, (short) 0xfc00, 0x7e00, 0x0001, (short) 0x8000, 0x7bff};
        tensors.put("f16", Tensor.wrap(org.fluxion.tensor.Storage.wrap(DType.FLOAT16, half), org.fluxion.tensor.Shape.of(2, 3)));
        tensors.put("bf16", Tensor.wrap(org.fluxion.tensor.Storage.wrap(DType.BFLOAT16, half.clone()),
                org.fluxion.tensor.Shape.of(3, 2)).transpose()); // a view: written through a copy
        tensors.put("i8", Tensor.of(new int[] {-128, -1, 0, 127}, 4).to(DType.INT8));
        tensors.put("u8", Tensor.of(new int[] {0, 1, 200, 255}, 2, 2).to(DType.UINT8));
        Path file = dir.resolve("half.safetensors");
        SafeTensors.write(file, tensors, Map.of());
        Map<String, Tensor> back = SafeTensors.read(file).tensors();
        for (var e : tensors.entrySet()) {
            Tensor t = back.get(e.getKey());
            assertEquals(e.getValue().type(), t.type(), e.getKey());
            Object expected = org.fluxion.tensor.TensorInternals.storage(e.getValue().copy()).array();
            Object actual = org.fluxion.tensor.TensorInternals.storage(t).array();
            if (expected instanceof short[] x) {
                assertArrayEquals(x, (short[]) actual, e.getKey());
            } else {
                assertArrayEquals((byte[]) expected, (byte[]) actual, e.getKey());
            }
        }
        String header = new String(Files.readAllBytes(file), 8, 200, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"f16\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,12]}"), header);
        assertTrue(header.contains("\"dtype\":\"BF16\"") && header.contains("\"dtype\":\"I8\"")
                && header.contains("\"dtype\":\"U8\""), header);
        // Two bytes per F16 element: a header that promises otherwise names both counts.
        Path wrong = write("short.safetensors", "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,4]}}",
                new byte[4]);
        assertError(wrong, "offset 9", "data_offsets [0, 4] span 4 bytes, but F16 shape [3] needs 6");
    }

    @Test
    void offsetsBeyondTheData() throws IOException {
        Path file = write("range.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                new byte[8]);
        assertError(file, "offset 9", "tensor 'w': data_offsets [0, 16] go beyond the data section of 8 bytes");
    }

    @Test
    void overlappingOffsets() throws IOException {
        Path file = write("overlap.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertError(file, "offset ", "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
    }

    @Test
    void offsetsThatDisagreeWithTheShape() throws IOException {
        Path file = write("size.safetensors", "{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                new byte[8]);
        assertError(file, "offset 9", "tensor 'w': data_offsets [0, 8] span 8 bytes, but F64 shape [2] needs 16");
    }

    @Test
    void gapsAndTrailingBytes() throws IOException {
        Path gap = write("gap.safetensors", "{\"w\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}}",
                new byte[8]);
        assertError(gap, "offset 9", "leave a gap of 4 bytes");
        String header = "{\"w\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path trailing = write("trailing.safetensors", header, new byte[6]);
        assertError(trailing, "offset " + (8 + header.length() + 4), "2 bytes after the last tensor");
    }

    @Test
    void badShapeAndMissingFields() throws IOException {
        assertError(write("shape.safetensors", "{\"w\":{\"dtype\":\"I32\",\"shape\":[-1],\"data_offsets\":[0,0]}}",
                new byte[0]), "offset 9", "must hold non-negative integers");
        assertError(write("nodtype.safetensors", "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]),
                "offset 9", "missing or non-string \"dtype\"");
        assertError(write("nooffsets.safetensors", "{\"w\":{\"dtype\":\"I32\",\"shape\":[1]}}", new byte[4]),
                "offset 9", "\"data_offsets\" must be [begin, end]");
        assertError(write("meta.safetensors", "{\"__metadata__\":{\"k\":1}}", new byte[0]),
                "offset 9", "is not a string");
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> SafeTensors.read(dir.resolve("nope")));
    }

    private Path write(String name, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static byte[] le(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    private static void assertError(Path file, String offset, String what) {
        DataFileException e = assertThrows(DataFileException.class, () -> SafeTensors.read(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString() + ": "), m);
        assertTrue(m.contains(offset), "expected '" + offset + "' in: " + m);
        assertTrue(m.contains(what), "expected '" + what + "' in: " + m);
    }
}
