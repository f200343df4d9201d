package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NpyTest {
    @TempDir
    Path dir;

    static Stream<Arguments> dtypesAndShapes() {
        int[][] shapes = {{}, {0}, {5}, {2, 3}, {2, 0, 3}, {2, 3, 4}};
        // NumPy has no bfloat16 (encodingBFloat16IsRefused).
        return Arrays.stream(DType.values()).filter(d -> d != DType.BFLOAT16).flatMap(d -> Arrays.stream(shapes).map(s -> Arguments.of(d, s)));
    }

    static Tensor sample(DType dtype, int... dims) {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        // Negative and fractional values exercise sign and mantissa bytes; bool alternates.
        Tensor t = Tensor.arange(0, n, 1, DType.FLOAT64).mul(-1.25).add(3).reshape(dims);
        return dtype == DType.BOOL ? t.gt(0) : t.to(dtype);
    }

    @ParameterizedTest
    @MethodSource("dtypesAndShapes")
    void roundTripsEveryDtypeAndShape(DType dtype, int[] dims) throws IOException {
        Tensor t = sample(dtype, dims);
        Path file = dir.resolve("a.npy");
        Npy.write(file, t);
        assertEquals(0, Files.size(file) - Npy.encode(t).length);
        assertEquals(0, (Files.size(file) - (long) t.size() * dtype.byteSize()) % 64, "header aligned to 64");
        assertEquals(t, Npy.read(file));
    }

    @Test
    void writesNumpysHeaderText() {
        byte[] bytes = Npy.encode(Tensor.zeros(3));
        String header = new String(bytes, 10, bytes.length - 10 - 12, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith("\n"));
    }

    @Test
    void encodingBFloat16IsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Npy.encode(Tensor.zeros(DType.BFLOAT16, 2)));
        assertTrue(e.getMessage().contains("NumPy has no bfloat16"), e.getMessage());
    }

    @Test
    void roundTripsANonContiguousView() throws IOException {
        Tensor t = sample(DType.FLOAT32, 3, 4).transpose();
        Npy.write(dir.resolve("t.npy"), t);
        assertEquals(t.contiguous(), Npy.read(dir.resolve("t.npy")));
    }

    @Test
    void readsVersion2HeadersAndBigEndianData() throws IOException {
        String dict = "{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }";
        ByteBuffer b = ByteBuffer.allocate(12 + dict.length() + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(dict.length());
        b.put(dict.getBytes(StandardCharsets.US_ASCII)).order(ByteOrder.BIG_ENDIAN).putInt(7).putInt(-2);
        Path file = dir.resolve("v2.npy");
        Files.write(file, b.array());
        assertEquals(Tensor.of(new int[] {7, -2}, 2), Npy.read(file));
    }

    @Test
    void npzRoundTripsStoredAndDeflated() throws IOException {
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        arrays.put("weights", sample(DType.FLOAT32, 3, 4));
        arrays.put("scalar", sample(DType.FLOAT64));
        arrays.put("empty", sample(DType.INT64, 0, 2));
        arrays.put("mask", sample(DType.BOOL, 5));
        arrays.put("ids", sample(DType.INT32, 2, 2));
        for (boolean compressed : new boolean[] {false, true}) {
            Path file = dir.resolve("a" + compressed + ".npz");
            Npz.write(file, arrays, compressed);
            Map<String, Tensor> back = Npz.read(file);
            assertEquals(arrays.keySet().stream().toList(), back.keySet().stream().toList());
            arrays.forEach((k, v) -> assertEquals(v, back.get(k), k));
        }
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path file = dir.resolve("absent.npy");
        assertTrue(assertThrows(NoSuchFileException.class, () -> Npy.read(file)).getMessage().contains("absent.npy"));
        assertThrows(NoSuchFileException.class, () -> Npz.read(dir.resolve("absent.npz")));
    }

    @Test
    void badMagicNamesFileAndOffset() throws IOException {
        Path file = dir.resolve("bad.npy");
        Files.write(file, "not numpy at all".getBytes(StandardCharsets.US_ASCII));
        assertMessage(file, "offset 0", "magic", () -> Npy.read(file));
    }

    @Test
    void truncatedDataNamesFileOffsetAndExpectedLength() throws IOException {
        byte[] full = Npy.encode(sample(DType.FLOAT64, 4, 4));
        Path file = dir.resolve("short.npy");
        Files.write(file, Arrays.copyOf(full, full.length - 10));
        assertMessage(file, "offset " + (full.length - 128), "expected 128 bytes", () -> Npy.read(file));
        Files.write(file, Arrays.copyOf(full, 20));
        assertMessage(file, "offset 10", "truncated", () -> Npy.read(file));
        Files.write(file, Arrays.copyOf(full, 3));
        assertMessage(file, "offset 0", "truncated", () -> Npy.read(file));
    }

    @Test
    void headerThatDoesNotMatchTheDataLength() throws IOException {
        byte[] full = Npy.encode(sample(DType.INT32, 3));
        Path file = dir.resolve("long.npy");
        Files.write(file, Arrays.copyOf(full, full.length + 4));
        assertMessage(file, "offset " + full.length, "4 trailing bytes", () -> Npy.read(file));
    }

    @Test
    void rejectsFortranOrderAndUnknownDtypes() throws IOException {
        Path file = dir.resolve("f.npy");
        Files.write(file, withHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", 4));
        assertMessage(file, "offset 10", "fortran_order", () -> Npy.read(file));
        Files.write(file, withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", 16));
        assertMessage(file, "offset 10", "unsupported dtype '<c16'", () -> Npy.read(file));
    }

    @Test
    void npzErrorsNameTheArchiveAndEntry() throws IOException {
        Path file = dir.resolve("a.npz");
        Npz.write(file, Map.of("x", sample(DType.FLOAT32, 100)), false);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertMessage(file, "a.npz", "zip", () -> Npz.read(file));
    }

    @Test
    void failedWriteLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("keep.npy");
        Tensor before = sample(DType.FLOAT32, 2, 2);
        Npy.write(file, before);
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write(new byte[1000]);
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertEquals(before, Npy.read(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "temporary file removed");
        }
    }

    @Test
    void writtenFilesAreReadableByOthersNotPrivateTempFiles() throws IOException {
        Path file = dir.resolve("shared.npy");
        Npy.write(file, sample(DType.FLOAT32, 3));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    private static byte[] withHeader(String dict, int dataBytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) dict.length(), 0});
        out.writeBytes(dict.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    static void assertMessage(Path file, String where, String what, org.junit.jupiter.api.function.Executable read) {
        DataFileException e = assertThrows(DataFileException.class, read);
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()) && m.contains(where) && m.contains(what),
                "message should name " + file + ", '" + where + "' and '" + what + "': " + m);
    }
}
