package org.fluxion.data;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hostile inputs for every file reader, and the one contract they are held to: a bad file ends in a
 * {@link DataFileException} naming the file and where in it (a byte offset, or a line for text),
 * never another exception, and within a bounded allocation.
 *
 * <p>Generators derive bad files from a small valid one: every prefix (truncation), seeded random
 * byte flips (fuzzing), and compressed streams that inflate to far more than they should (bombs).
 * Allocation is measured per thread ({@code com.sun.management.ThreadMXBean}), so the bound holds
 * however busy the rest of the JVM is.
 */
public final class HostileInputs {
    /** Reads a file as one of the readers under test does. */
    @FunctionalInterface
    public interface Reader {
        void read(Path file) throws Exception;
    }

    private HostileInputs() {
    }

    /** Every proper prefix of {@code valid}, shortest first: all the ways a file can be truncated. */
    public static List<byte[]> prefixes(byte[] valid) {
        List<byte[]> out = new ArrayList<>();
        for (int n = 0; n < valid.length; n++) {
            out.add(Arrays.copyOf(valid, n));
        }
        return out;
    }

    /**
     * {@code cases} copies of {@code valid}, each with one to four bytes set to random values, from
     * {@code seed} (so a failure is reproducible from the case index).
     */
    public static List<byte[]> flips(byte[] valid, long seed, int cases) {
        Random random = new Random(seed);
        List<byte[]> out = new ArrayList<>();
        for (int c = 0; c < cases; c++) {
            byte[] b = valid.clone();
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            out.add(b);
        }
        return out;
    }

    /** One gzip member per argument, concatenated (gunzip reads them as one stream). */
    public static byte[] gzip(byte[]... members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] member : members) {
            // Closing also closes out, which for a ByteArrayOutputStream changes nothing.
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(member);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return out.toByteArray();
    }

    /**
     * A zip archive holding {@code entries} (name, content, name, content...), deflated when
     * {@code deflate}, else stored.
     */
    public static byte[] zip(boolean deflate, Object... entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] content = (byte[]) entries[i + 1];
                ZipEntry entry = new ZipEntry((String) entries[i]);
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(content);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(content.length);
                    entry.setCompressedSize(content.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(content);
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }

    /** {@code head} followed by {@code zeros} zero bytes: the payload of a bomb once compressed. */
    public static byte[] withZeros(byte[] head, int zeros) {
        return Arrays.copyOf(head, head.length + zeros);
    }

    /** Bytes allocated by the current thread so far. */
    public static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Writes {@code bytes} to {@code file} and asserts that {@code reader} rejects it with a
     * DataFileException naming the file and a position, allocating at most {@code maxAllocated} bytes.
     */
    public static DataFileException assertRejected(Path file, byte[] bytes, Reader reader, long maxAllocated)
            throws IOException {
        Files.write(file, bytes);
        long before = allocatedBytes();
        Throwable thrown = readCatching(file, reader);
        long allocated = allocatedBytes() - before;
        if (thrown == null) {
            fail("read " + file + " (" + bytes.length + " bytes) without an error");
        }
        DataFileException e = assertNamesFileAndPosition(file, thrown, bytes);
        assertAllocationBounded(file, reader, allocated, maxAllocated, bytes.length + " hostile bytes");
        return e;
    }

    /**
     * Writes {@code bytes} to {@code file}; {@code reader} must either read it (a flipped byte in the
     * data is still a valid file) or reject it as {@link #assertRejected} says.
     */
    public static void assertReadOrRejected(Path file, byte[] bytes, Reader reader, long maxAllocated)
            throws IOException {
        Files.write(file, bytes);
        long before = allocatedBytes();
        Throwable thrown = readCatching(file, reader);
        long allocated = allocatedBytes() - before;
        if (thrown != null) {
            assertNamesFileAndPosition(file, thrown, bytes);
        }
        assertAllocationBounded(file, reader, allocated, maxAllocated, bytes.length + " fuzzed bytes");
    }

    private static Throwable readCatching(Path file, Reader reader) {
        try {
            reader.read(file);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * Over the bound, the read is measured once more: the first read of a code path also pays for
     * initializing classes (Jackson's, the exception's), which happens once per JVM, not per file.
     */
    private static void assertAllocationBounded(Path file, Reader reader, long allocated, long maxAllocated,
            String what) {
        if (allocated > maxAllocated) {
            long before = allocatedBytes();
            readCatching(file, reader);
            allocated = allocatedBytes() - before;
        }
        assertTrue(allocated <= maxAllocated, "reading " + what + " allocated " + allocated + " bytes, more than "
                + maxAllocated);
    }

    private static DataFileException assertNamesFileAndPosition(Path file, Throwable thrown, byte[] bytes) {
        if (!(thrown instanceof DataFileException e)) {
            throw new AssertionError("expected a DataFileException for " + file + " (" + bytes.length
                    + " bytes: " + hex(bytes) + "), got " + thrown, thrown);
        }
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), "message should start with the file " + file + ": " + m);
        assertTrue(m.contains(": offset ") || m.contains(": line "), "message should name an offset or line: " + m);
        return e;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, 96); i++) {
            s.append(String.format("%02x", bytes[i]));
        }
        return bytes.length > 96 ? s + "..." : s.toString();
    }
}
