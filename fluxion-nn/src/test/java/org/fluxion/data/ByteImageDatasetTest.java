package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteImageDatasetTest {
    @TempDir
    Path dir;

    /** Five 3 x 4 images of random bytes (all 256 values likely) and their labels, as IDX files. */
    private Path[] files(int labelCount) throws IOException {
        byte[] pixels = new byte[5 * 12];
        new SplittableRandom(7).nextBytes(pixels);
        pixels[0] = (byte) 255;
        pixels[1] = 0;
        byte[] labels = new byte[labelCount];
        for (int i = 0; i < labelCount; i++) {
            labels[i] = (byte) (i * 3 % 10);
        }
        Path images = dir.resolve("images-idx3-ubyte.gz");
        Path labelFile = dir.resolve("labels-idx1-ubyte");
        Files.write(images, IdxReaderTest.gzip(IdxReaderTest.idx(8, new int[] {5, 3, 4}, pixels)));
        Files.write(labelFile, IdxReaderTest.idx(8, new int[] {labelCount}, labels));
        return new Path[] {images, labelFile};
    }

    @Test
    void batchesEqualThoseOfTheFloatImagesBitForBit() throws IOException {
        Path[] f = files(5);
        for (boolean scale : new boolean[] {true, false}) {
            ByteImageDataset bytes = IdxReader.readImageDataset(f[0], f[1], scale);
            TensorDataset floats = new TensorDataset(IdxReader.readImages(f[0], scale), IdxReader.readLabels(f[1]));
            assertEquals(5, bytes.size());
            int[] indices = {4, 0, 2, 2};
            Batch a = bytes.batch(indices);
            Batch b = floats.batch(indices);
            assertArrayEquals(new int[] {4, 3, 4}, a.features().dims());
            assertArrayEquals(b.features().toFloatArray(), a.features().toFloatArray());
            assertArrayEquals(b.labels().toLongArray(), a.labels().toLongArray());
        }
        assertEquals(1f, IdxReader.readImageDataset(f[0], f[1], true).batch(new int[] {0}).features().toFloatArray()[0]);
    }

    @Test
    void imagesInBlocksReadAsInOne() {
        byte[] pixels = new byte[5 * 12];
        new SplittableRandom(3).nextBytes(pixels);
        Tensor labels = Tensor.of(new long[] {0, 1, 2, 3, 4}, 5);
        byte[][] blocks = {java.util.Arrays.copyOfRange(pixels, 0, 24), java.util.Arrays.copyOfRange(pixels, 24, 48),
                java.util.Arrays.copyOfRange(pixels, 48, 60)};
        ByteImageDataset one = new ByteImageDataset(pixels, Shape.of(5, 3, 4), labels, true);
        ByteImageDataset three = new ByteImageDataset(blocks, Shape.of(5, 3, 4), labels, true);
        int[] all = {4, 3, 2, 1, 0, 2};
        assertArrayEquals(one.batch(all).features().toFloatArray(), three.batch(all).features().toFloatArray());
        assertArrayEquals(new long[] {4, 3, 2, 1, 0, 2}, three.batch(all).labels().toLongArray());
        byte[][] torn = {new byte[20], new byte[40]};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ByteImageDataset(torn, Shape.of(5, 3, 4), labels, true));
        assertTrue(e.getMessage().contains("whole images"), e.getMessage());
    }

    /** A batch given back is written over when its size matches; the values are those of a fresh batch. */
    @Test
    void aRecycledBatchIsWrittenOverWhenItsSizeMatches() {
        int n = 3000; // a batch of all of them spans several parallel chunks
        byte[] pixels = new byte[n * 12];
        new SplittableRandom(5).nextBytes(pixels);
        long[] labelValues = new long[n];
        java.util.Arrays.setAll(labelValues, i -> i % 10);
        ByteImageDataset data = new ByteImageDataset(pixels, Shape.of(n, 3, 4), Tensor.of(labelValues, n), true);
        int[] first = new SplittableRandom(1).ints(n, 0, n).toArray();
        int[] second = new SplittableRandom(2).ints(n, 0, n).toArray();
        Batch a = data.batch(first);
        float[] expected = new float[n * 12];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 12; j++) {
                expected[i * 12 + j] = (pixels[second[i] * 12 + j] & 0xff) / 255f;
            }
        }
        float[] storage = TensorInternals.storage(a.features()).floats();
        Batch b = data.batch(second, a);
        assertTrue(storage == TensorInternals.storage(b.features()).floats(), "written into the recycled batch");
        assertArrayEquals(expected, b.features().toFloatArray());
        assertArrayEquals(data.batch(second).labels().toLongArray(), b.labels().toLongArray());
        // another size: a new array
        Batch c = data.batch(new int[] {7, 8}, b);
        assertTrue(storage != TensorInternals.storage(c.features()).floats(), "a batch of another size is new");
        assertArrayEquals(data.batch(new int[] {7, 8}).features().toFloatArray(), c.features().toFloatArray());
    }

    /** A loader's epoch writes the next batch into the one given back, unless it loads ahead. */
    @Test
    void anEpochReusesTheBatchGivenBack() {
        byte[] pixels = new byte[8 * 12];
        new SplittableRandom(6).nextBytes(pixels);
        ByteImageDataset data = new ByteImageDataset(pixels, Shape.of(8, 3, 4),
                Tensor.of(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, 8), false);
        for (int prefetch : new int[] {0, 2}) {
            try (DataLoader loader = DataLoader.builder(data).batchSize(4).prefetch(prefetch).build();
                 DataLoader.Epoch epoch = loader.iterator()) {
                Batch one = epoch.next();
                float[] storage = TensorInternals.storage(one.features()).floats();
                epoch.recycle(one);
                Batch two = epoch.next();
                assertEquals(prefetch == 0, storage == TensorInternals.storage(two.features()).floats(),
                        "prefetch " + prefetch);
                assertArrayEquals(data.batch(new int[] {4, 5, 6, 7}).features().toFloatArray(),
                        two.features().toFloatArray());
            }
        }
    }

    @Test
    void aTruncatedGzipSaysHowMuchWasFound() throws IOException {
        byte[] pixels = new byte[5 * 12];
        Path images = dir.resolve("short.gz");
        byte[] full = IdxReaderTest.idx(8, new int[] {5, 3, 4}, pixels);
        Files.write(images, IdxReaderTest.gzip(java.util.Arrays.copyOf(full, full.length - 7)));
        Path labelFile = files(5)[1];
        DataFileException e = assertThrows(DataFileException.class,
                () -> IdxReader.readImageDataset(images, labelFile, true));
        assertTrue(e.getMessage().contains("short.gz") && e.getMessage().contains("truncated gzip")
                && e.getMessage().contains("expected 60 bytes") && e.getMessage().contains("found 53"), e.getMessage());
    }

    @Test
    void mistakesNameWhatAndWhere() throws IOException {
        Path[] f = files(4);
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImageDataset(f[0], f[1], true));
        assertTrue(e.getMessage().contains("labels-idx1-ubyte") && e.getMessage().contains("4 labels for the 5 images"),
                e.getMessage());
        ByteImageDataset ok = IdxReader.readImageDataset(files(5)[0], f[1].resolveSibling("labels-idx1-ubyte"), true);
        IndexOutOfBoundsException out = assertThrows(IndexOutOfBoundsException.class, () -> ok.batch(new int[] {1, 5}));
        assertTrue(out.getMessage().contains("index 5 out of range for 5 samples"), out.getMessage());
    }
}
