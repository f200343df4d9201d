package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    @Test
    void absentFilesGiveEmptyOrAnInstallHint() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte"), IdxReaderTest.idx(8, new int[] {0, 28, 28}, new byte[0]));
        assertTrue(FashionMnist.locate(dir).isEmpty());
        // A directory given explicitly is not "no data": load, loadTrain and require all say what is missing.
        for (Executable call : new Executable[] {() -> FashionMnist.require(dir), () -> FashionMnist.load(dir),
                () -> FashionMnist.loadTrain(dir)}) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, call);
            assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist")
                    && e.getMessage().contains("train-labels-idx1-ubyte")
                    && !e.getMessage().contains("train-images"), e.getMessage());
        }
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.load(dir.resolve("typo")));
        assertTrue(e.getMessage().contains("typo") && e.getMessage().contains("no such directory"), e.getMessage());
    }

    @Test
    void loadsADirectoryOfSmallIdxFiles() throws IOException {
        byte[] images = IdxReaderTest.idx(8, new int[] {2, 28, 28}, new byte[2 * 784]);
        byte[] labels = IdxReaderTest.idx(8, new int[] {2}, new byte[] {3, 9});
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxReaderTest.gzip(images));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels);
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), images);
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(labels));
        TrainTest t = FashionMnist.load(dir).orElseThrow();
        assertArrayEquals(new int[] {2, 28, 28}, t.train().features().dims());
        assertArrayEquals(new long[] {3, 9}, t.test().labels().toLongArray());
        assertEquals("Ankle boot", t.classes().get(9));
    }

    @Test
    void theDebianPackageIfInstalled() throws IOException {
        Assumptions.assumeTrue(FashionMnist.locate(null).isPresent(),
                "Fashion-MNIST not installed in " + FashionMnist.DEBIAN_DIR + " (apt-get install dataset-fashion-mnist); skipped");
        TrainTest t = FashionMnist.require(null);
        assertArrayEquals(new int[] {60000, 28, 28}, t.train().features().dims());
        assertArrayEquals(new int[] {10000}, t.test().labels().dims());
        assertEquals(9, t.train().labels().max().item());
        assertTrue(t.train().features().max().item() <= 1);
    }
}
