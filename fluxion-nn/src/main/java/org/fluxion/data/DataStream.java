package org.fluxion.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * A data file read front to back, gunzipped when it starts with the gzip magic bytes {@code 1f 8b}.
 * {@code source} names it in error messages; for a gzip file offsets count decompressed bytes.
 *
 * <p>Readers take the header first, then exactly the payload the header promises, then
 * {@link #expectEnd}. What this allocates is bounded by the data actually present: a header that
 * promises gigabytes over a 30-byte file fails after a few kilobytes ({@link #read} grows its buffer
 * as bytes arrive), and a decompression bomb is stopped one byte past the promised payload instead
 * of being inflated in full. Nothing trusts the gzip trailer's size or a zip directory's sizes.
 */
final class DataStream implements Closeable {
    /** The largest byte array a JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** First allocation of {@link #read} when the remaining length is unknown; doubled as data arrives. */
    private static final int FIRST_CHUNK = 1 << 16;
    private static final int BUFFER = 1 << 16;

    private final InputStream in;
    private final String source;
    private final boolean gzip;
    /** Bytes the stream holds in all, or -1 when unknown (compressed). */
    private final long length;
    private long offset;

    private DataStream(InputStream in, String source, boolean gzip, long length) {
        this.in = in;
        this.source = source;
        this.gzip = gzip;
        this.length = length;
    }

    /**
     * Opens {@code file}, raw or gzip-compressed. A missing file is a {@code NoSuchFileException} naming
     * the path and {@code kind}, what was expected there.
     */
    static DataStream open(Path file, String kind) throws IOException {
        DataFiles.requireFile(file, kind);
        String name = file.toString();
        long size = Files.size(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            raw.mark(2);
            boolean compressed = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (!compressed) {
                return new DataStream(raw, name, false, size);
            }
            try {
                // Multi-member files are read as one stream, as gunzip does.
                return new DataStream(new GZIPInputStream(raw, BUFFER), name + " (decompressed)", true, -1);
            } catch (IOException e) {
                throw DataFileException.atOffset(name, 0, "truncated or corrupt gzip header (" + size
                        + " bytes on disk): " + e.getMessage());
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** A stream of unknown length (e.g. an archive entry) named {@code source} in errors. */
    static DataStream of(InputStream in, String source) {
        return new DataStream(in, source, false, -1);
    }

    String source() {
        return source;
    }

    /** Bytes consumed so far. */
    long offset() {
        return offset;
    }

    /** An error at the current offset. */
    DataFileException error(String what) {
        return DataFileException.atOffset(source, offset, what);
    }

    /**
     * Exactly the next {@code count} bytes, {@code what} naming them in the error when the stream ends
     * first. Allocation grows with the bytes found, never beyond {@code count}.
     */
    byte[] read(long count, String what) throws DataFileException {
        if (count < 0 || count > MAX_ARRAY) {
            throw error(count + " bytes of " + what + " exceed the " + MAX_ARRAY + " a Java array can hold");
        }
        int n = (int) count;
        if (length >= 0 && offset + n > length) {
            throw truncated(n, what, length - offset);
        }
        byte[] buffer = new byte[length >= 0 ? n : Math.min(n, FIRST_CHUNK)];
        int filled = 0;
        while (filled < n) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(n, 2L * buffer.length));
            }
            int got = fill(buffer, filled, buffer.length - filled, offset + filled);
            if (got < 0) {
                throw truncated(n, what, filled);
            }
            filled += got;
        }
        offset += n;
        return buffer;
    }

    /**
     * Exactly the next {@code count} bytes as blocks of {@code blockSize} bytes (the last may be shorter), for
     * data too large to copy once more: each block is allocated only when the bytes before it were found, and
     * none is copied or dropped, so a large gzip stream leaves no garbage of grown buffers behind. Errors as
     * {@link #read}.
     */
    byte[][] readBlocks(long count, int blockSize, String what) throws DataFileException {
        if (count < 0 || count > MAX_ARRAY) {
            throw error(count + " bytes of " + what + " exceed the " + MAX_ARRAY + " a Java array can hold");
        }
        if (blockSize < 1) {
            throw new IllegalArgumentException("readBlocks: block size must be >= 1, got " + blockSize);
        }
        int n = (int) count;
        if (length >= 0 && offset + n > length) {
            throw truncated(n, what, length - offset);
        }
        byte[][] blocks = new byte[(int) ((n + (long) blockSize - 1) / blockSize)][];
        int done = 0;
        for (int b = 0; b < blocks.length; b++) {
            byte[] block = new byte[Math.min(blockSize, n - done)];
            for (int filled = 0; filled < block.length; ) {
                int got = fill(block, filled, block.length - filled, offset + done + filled);
                if (got < 0) {
                    throw truncated(n, what, done + filled);
                }
                filled += got;
            }
            blocks[b] = block;
            done += block.length;
        }
        offset += n;
        return blocks;
    }

    /** Fails unless the stream ends here; {@code after} names what should have been last. */
    void expectEnd(String after) throws DataFileException {
        if (length >= 0) {
            if (offset != length) {
                throw error((length - offset) + " trailing bytes after " + after + " (expected the file to end here)");
            }
            return;
        }
        // One byte is enough: a decompression bomb is not inflated any further to count the rest.
        if (fill(new byte[1], 0, 1, offset) > 0) {
            throw error("trailing bytes after " + after + " (expected the stream to end here)");
        }
    }

    private DataFileException truncated(int count, String what, long found) {
        return DataFileException.atOffset(source, offset, (gzip ? "truncated gzip stream" : "truncated")
                + ": expected " + count + " bytes of " + what
                + ", found " + Math.max(0, found));
    }

    /** Like {@link InputStream#read(byte[], int, int)}; a corrupt compressed stream is a DataFileException. */
    private int fill(byte[] buffer, int from, int count, long at) throws DataFileException {
        try {
            int got = in.readNBytes(buffer, from, count);
            return got == 0 && count > 0 ? -1 : got;
        } catch (EOFException e) {
            throw DataFileException.atOffset(source, at, "truncated " + kind() + " stream: " + e.getMessage());
        } catch (IOException e) {
            throw DataFileException.atOffset(source, at, "corrupt " + kind() + " stream: " + e.getMessage());
        }
    }

    private String kind() {
        return gzip ? "gzip" : "compressed";
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
