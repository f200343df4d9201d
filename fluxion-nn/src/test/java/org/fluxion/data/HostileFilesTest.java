package org.fluxion.data;

import static org.fluxion.data.HostileInputs.assertReadOrRejected;
import static org.fluxion.data.HostileInputs.assertRejected;
import static org.fluxion.data.HostileInputs.flips;
import static org.fluxion.data.HostileInputs.gzip;
import static org.fluxion.data.HostileInputs.prefixes;
import static org.fluxion.data.HostileInputs.withZeros;
import static org.fluxion.data.HostileInputs.zip;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every data reader (IDX raw and gzip, NPY, NPZ stored and deflated, CSV) against truncated files,
 * overflowing shapes, lying headers, decompression bombs and fuzzed bytes; see {@link HostileInputs}
 * for the contract. Safetensors and checkpoints have the same suite in the train package.
 */
class HostileFilesTest {
    /** What reading a small file may allocate: stream buffers and a first 64 KiB chunk, not the bomb. */
    private static final long SMALL = 2 << 20;
    /** Inflated size of each bomb: several times SMALL, yet only kilobytes compressed. */
    private static final int BOMB = 16 << 20;
    /** Seeded flips per format; {@code -Dfuzz.cases=N} runs more. */
    static final int FUZZ_CASES = Integer.getInteger("fuzz.cases", 150);

    @TempDir
    Path dir;

    private static final HostileInputs.Reader IDX_LABELS = IdxReader::readLabels;
    private static final HostileInputs.Reader IDX_IMAGES = file -> IdxReader.readImages(file, true);
    private static final HostileInputs.Reader IDX_ANY = IdxReader::read;
    private static final HostileInputs.Reader NPY = Npy::read;
    private static final HostileInputs.Reader NPZ = Npz::read;
    private static final HostileInputs.Reader CSV = file -> CsvReader.read(file,
            CsvReader.Options.defaults().withHeader(true).withLabel("y"));

    private static byte[] labels() {
        return IdxReaderTest.idx(0x08, new int[] {5}, new byte[] {1, 2, 3, 4, 5});
    }

    private static byte[] images() {
        return IdxReaderTest.idx(0x08, new int[] {2, 3, 4}, new byte[24]);
    }

    private static byte[] npy() {
        return Npy.encode(NpyTest.sample(DType.FLOAT32, 2, 3));
    }

    /** A version 1.0 NPY header with {@code dict}, then {@code dataBytes} zero bytes. */
    private static byte[] npyWithHeader(String dict, int dataBytes) {
        byte[] text = dict.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + text.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) text.length).put(text);
        return b.array();
    }

    private static String dict(String shape) {
        return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private static byte[] csv() {
        return "a,b,y\n1.5,-2e3,cat\n.5,+7,dog\nNaN,-Infinity,cat\n".getBytes(StandardCharsets.UTF_8);
    }

    private void everyPrefixRejected(String name, byte[] valid, HostileInputs.Reader reader) throws IOException {
        Path file = dir.resolve(name);
        for (byte[] prefix : prefixes(valid)) {
            assertRejected(file, prefix, reader, SMALL);
        }
    }

    private void fuzzed(String name, byte[] valid, HostileInputs.Reader reader, long seed) throws IOException {
        Path file = dir.resolve(name);
        for (byte[] b : flips(valid, seed, FUZZ_CASES)) {
            assertReadOrRejected(file, b, reader, SMALL);
        }
    }

    @Test
    void truncatedFilesAreRejectedAtEveryLength() throws IOException {
        everyPrefixRejected("labels.idx", labels(), IDX_LABELS);
        everyPrefixRejected("images.idx", images(), IDX_IMAGES);
        everyPrefixRejected("labels.idx.gz", gzip(labels()), IDX_LABELS);
        everyPrefixRejected("x.npy", npy(), NPY);
        everyPrefixRejected("stored.npz", zip(false, "x.npy", npy()), NPZ);
        everyPrefixRejected("deflated.npz", zip(true, "x.npy", npy()), NPZ);
        // A CSV prefix may be a valid shorter table ("1.5" cut to "1."), so it must read or be rejected.
        Path csv = dir.resolve("t.csv");
        for (byte[] prefix : prefixes(csv())) {
            assertReadOrRejected(csv, prefix, CSV, SMALL);
        }
    }

    @Test
    void fuzzedFilesReadOrAreRejected() throws IOException {
        fuzzed("labels.idx", labels(), IDX_LABELS, 1);
        fuzzed("any.idx", IdxReaderTest.idx(0x0D, new int[] {2, 2}, new byte[16]), IDX_ANY, 2);
        fuzzed("labels.idx.gz", gzip(labels()), IDX_LABELS, 3);
        fuzzed("x.npy", npy(), NPY, 4);
        fuzzed("stored.npz", zip(false, "x.npy", npy(), "y.npy", npy()), NPZ, 5);
        fuzzed("deflated.npz", zip(true, "x.npy", npy()), NPZ, 6);
        fuzzed("t.csv", csv(), CSV, 7);
    }

    @Test
    void overflowingShapesAreRejected() throws IOException {
        Path file = dir.resolve("shape.npy");
        // 4 * (2^62 + 1) is 4 modulo 2^64 and 2 * 2^62 is 0: once read as [4, 1] and [2, 0].
        for (String shape : List.of("(4, 4611686018427387905)", "(2, 4611686018427387904)", "(4294967296,)",
                "(0, 99999999999999999999999)", "(65536, 65536)", "(-1, 3)", "(3000000000,)")) {
            DataFileException e = assertRejected(file, npyWithHeader(dict(shape), 16), NPY, SMALL);
            assertTrue(e.getMessage().contains("offset 10"), e.getMessage());
        }
        Path idx = dir.resolve("shape.idx");
        assertRejected(idx, IdxReaderTest.idx(0x0D, new int[] {65536, 65536}, new byte[8]), IDX_ANY, SMALL);
        assertRejected(idx, IdxReaderTest.idx(0x08, new int[] {-1}, new byte[8]), IDX_LABELS, SMALL);
    }

    @Test
    void headersThatPromiseMoreThanTheDataFailBeforeAllocatingIt() throws IOException {
        // 2 GB promised, 8 bytes present: raw, gzip and in an archive.
        byte[] idx = IdxReaderTest.idx(0x08, new int[] {2_000_000_000}, new byte[8]);
        assertRejected(dir.resolve("lying.idx"), idx, IDX_LABELS, SMALL);
        assertRejected(dir.resolve("lying.idx.gz"), gzip(idx), IDX_LABELS, SMALL);
        byte[] npy = npyWithHeader(dict("(500000000,)"), 8);
        assertRejected(dir.resolve("lying.npy"), npy, NPY, SMALL);
        assertRejected(dir.resolve("lying.npz"), zip(true, "x.npy", npy), NPZ, SMALL);
        // Less promised than present: trailing bytes.
        assertRejected(dir.resolve("long.npy"), withZeros(npy(), 3), NPY, SMALL);
        assertRejected(dir.resolve("long.idx.gz"), gzip(withZeros(labels(), 3)), IDX_LABELS, SMALL);
    }

    @Test
    void aGzipTrailerThatClaimsGigabytesIsNotBelieved() throws IOException {
        // A 20-byte gzip of nothing whose size field (the last 4 bytes) says almost 2 GiB.
        byte[] tiny = gzip(new byte[0]);
        ByteBuffer.wrap(tiny, tiny.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_ff00);
        assertRejected(dir.resolve("tiny.gz"), tiny, IDX_LABELS, SMALL);
        byte[] small = gzip(labels());
        ByteBuffer.wrap(small, small.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_ff00);
        assertRejected(dir.resolve("small.gz"), small, IDX_LABELS, SMALL);
    }

    @Test
    void bombsAreStoppedAtThePromisedSize() throws IOException {
        byte[] labelsBomb = gzip(withZeros(labels(), BOMB));
        assertTrue(labelsBomb.length < BOMB / 500, "the bomb compresses: " + labelsBomb.length);
        assertRejected(dir.resolve("bomb.idx.gz"), labelsBomb, IDX_LABELS, SMALL);
        // A valid first member, the bomb in a second one.
        assertRejected(dir.resolve("members.idx.gz"), gzip(labels(), new byte[BOMB]), IDX_LABELS, SMALL);
        assertRejected(dir.resolve("bomb.npz"), zip(true, "x.npy", withZeros(npy(), BOMB)), NPZ, SMALL);
        // A lying header on top: a small image promised, the bomb delivered.
        assertRejected(dir.resolve("images.idx.gz"), gzip(withZeros(images(), BOMB)), IDX_IMAGES, SMALL);
    }

    @Test
    void aValidFileReadsWithinAFewTimesItsSize() throws IOException {
        // The bound the hostile cases use is not so tight that a legitimate file fails it.
        Path file = dir.resolve("ok.npz");
        Npz.write(file, java.util.Map.of("x", Tensor.zeros(1000)), true);
        long before = HostileInputs.allocatedBytes();
        Npz.read(file);
        assertTrue(HostileInputs.allocatedBytes() - before < SMALL);
    }

    @Test
    void csvTextErrorsNameTheLine() throws IOException {
        Path file = dir.resolve("bad.csv");
        byte[] invalidUtf8 = "a,b,y\n1,2,x\n3,\u00e9".getBytes(StandardCharsets.UTF_8);
        byte[] cut = Arrays.copyOf(invalidUtf8, invalidUtf8.length - 1);
        DataFileException e = assertRejected(file, cut, CSV, SMALL);
        assertTrue(e.getMessage().contains("line 3, column 3") && e.getMessage().contains("UTF-8"), e.getMessage());
        for (String cell : List.of("1f", "2d", "0x1p3", "1e", "--1", "inf", "1_000")) {
            byte[] text = ("a,b,y\n1,2,x\n3," + cell + ",y\n").getBytes(StandardCharsets.UTF_8);
            e = assertRejected(file, text, CSV, SMALL);
            assertTrue(e.getMessage().contains("line 3, column 2") && e.getMessage().contains("'" + cell + "'"),
                    e.getMessage());
        }
        assertRejected(file, "a,b,y\n1,\"2,x\n".getBytes(StandardCharsets.UTF_8), CSV, SMALL);
    }
}
