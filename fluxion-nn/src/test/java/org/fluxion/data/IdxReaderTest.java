package org.fluxion.data;

import static org.fluxion.data.NpyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file of unsigned bytes {@code values} with the given dimensions. */
    static byte[] idx(int type, int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(values).array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static byte[] pixels(int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37);
        }
        return p;
    }

    @Test
    void readsImagesAndLabelsRawAndGzipped() throws IOException {
        byte[] images = idx(0x08, new int[] {3, 4, 5}, pixels(60));
        byte[] labels = idx(0x08, new int[] {3}, new byte[] {9, 0, (byte) 255});
        for (boolean gz : new boolean[] {false, true}) {
            // The name says nothing: detection is by the gzip magic bytes.
            Path imageFile = dir.resolve("images" + gz);
            Path labelFile = dir.resolve("labels" + gz);
            Files.write(imageFile, gz ? gzip(images) : images);
            Files.write(labelFile, gz ? gzip(labels) : labels);
            Tensor x = IdxReader.readImages(imageFile, true);
            assertEquals(DType.FLOAT32, x.dtype());
            assertArrayEquals(new int[] {3, 4, 5}, x.dims());
            float[] expected = new float[60];
            for (int i = 0; i < 60; i++) {
                expected[i] = ((i * 37) & 0xff) / 255f;
            }
            assertArrayEquals(expected, x.toFloatArray());
            assertEquals(Math.floorMod(59 * 37, 256), IdxReader.readImages(imageFile, false).get(2, 3, 4));
            assertEquals(Tensor.of(new long[] {9, 0, 255}, 3), IdxReader.readLabels(labelFile));
        }
    }

    @Test
    void readsOtherElementTypesGenerically() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(8).putFloat(1.5f).putFloat(-2f);
        Path file = dir.resolve("floats.idx");
        Files.write(file, idx(0x0D, new int[] {2, 1}, data.array()));
        assertEquals(Tensor.of(new float[] {1.5f, -2f}, 2, 1), IdxReader.read(file));
        Files.write(file, idx(0x09, new int[] {2}, new byte[] {-3, 4}));
        assertEquals(Tensor.of(new int[] {-3, 4}, 2), IdxReader.read(file));
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> IdxReader.readImages(dir.resolve("nope"), true));
    }

    @Test
    void badMagicNumber() throws IOException {
        Path file = dir.resolve("bad");
        Files.write(file, new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        assertMessage(file, "offset 0", "bad magic number 0x01020801", () -> IdxReader.read(file));
        Files.write(file, new byte[] {0, 0, 0x42, 1, 0, 0, 0, 0});
        assertMessage(file, "offset 2", "unknown IDX type code 0x42", () -> IdxReader.read(file));
    }

    @Test
    void truncatedHeaderAndData() throws IOException {
        byte[] full = idx(0x08, new int[] {10, 28, 28}, pixels(7840));
        Path file = dir.resolve("short");
        Files.write(file, Arrays.copyOf(full, 1000));
        assertMessage(file, "offset 16", "expected 7840 bytes", () -> IdxReader.readImages(file, true));
        Files.write(file, Arrays.copyOf(full, 9));
        assertMessage(file, "offset 4", "truncated", () -> IdxReader.readImages(file, true));
        Files.write(file, Arrays.copyOf(full, 2));
        assertMessage(file, "offset 0", "truncated", () -> IdxReader.readImages(file, true));
        Path gz = dir.resolve("short.gz");
        byte[] compressed = gzip(full);
        Files.write(gz, Arrays.copyOf(compressed, compressed.length / 2));
        assertMessage(gz, "short.gz", "truncated gzip", () -> IdxReader.readImages(gz, true));
        Files.write(gz, gzip(Arrays.copyOf(full, 1000)));
        assertMessage(gz, "offset 16", "(decompressed)", () -> IdxReader.readImages(gz, true));
    }

    @Test
    void headerThatDoesNotMatchTheDataLength() throws IOException {
        byte[] full = idx(0x08, new int[] {3}, new byte[] {1, 2, 3});
        Path file = dir.resolve("long");
        Files.write(file, Arrays.copyOf(full, full.length + 2));
        assertMessage(file, "offset 11", "2 trailing bytes", () -> IdxReader.readLabels(file));
    }

    @Test
    void wrongKindOfFile() throws IOException {
        Path file = dir.resolve("labels");
        Files.write(file, idx(0x08, new int[] {3}, new byte[] {1, 2, 3}));
        assertMessage(file, "offset 3", "expected images of rank 3", () -> IdxReader.readImages(file, true));
    }
}
