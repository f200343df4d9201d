package org.fluxion.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A whole file in memory, gunzipped when it starts with the gzip magic bytes {@code 1f 8b}.
 * {@code source} names it in error messages; for a gzip file offsets count decompressed bytes.
 */
record FileBytes(String source, byte[] data) {
    static FileBytes read(Path file) throws IOException {
        // NoSuchFileException (naming the path) comes from here for a missing file.
        byte[] raw = Files.readAllBytes(file);
        String name = file.toString();
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            String source = name + " (decompressed)";
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return new FileBytes(source, gunzip(in, raw));
            } catch (EOFException e) {
                throw DataFileException.of(name, "truncated gzip stream (" + raw.length + " bytes on disk)", e);
            } catch (ZipException e) {
                throw DataFileException.of(name, "corrupt gzip stream: " + e.getMessage(), e);
            }
        }
        return new FileBytes(name, raw);
    }

    /**
     * The decompressed bytes, read into an array of the size the gzip trailer announces (ISIZE, the
     * size mod 2^32) so that a large file is not copied again and again as a growing buffer would be.
     */
    private static byte[] gunzip(GZIPInputStream in, byte[] raw) throws IOException {
        int n = raw.length;
        long announced = n >= 4 ? ((raw[n - 4] & 0xffL) | (raw[n - 3] & 0xffL) << 8 | (raw[n - 2] & 0xffL) << 16
                | (raw[n - 1] & 0xffL) << 24) : 0;
        if (announced <= 0 || announced > Integer.MAX_VALUE - 16) {
            return in.readAllBytes();
        }
        byte[] out = new byte[(int) announced];
        int filled = in.readNBytes(out, 0, out.length);
        if (filled < out.length || in.read() >= 0) {
            // The trailer did not describe this stream (several members, or over 4 GiB): read it plainly.
            try (GZIPInputStream again = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return again.readAllBytes();
            }
        }
        return out;
    }

    int length() {
        return data.length;
    }

    /** Fails unless {@code count} bytes are available at {@code offset}. */
    void require(long offset, long count, String what) throws DataFileException {
        if (offset + count > data.length) {
            throw DataFileException.atOffset(source, offset, "truncated: expected " + count + " bytes of "
                    + what + ", found " + Math.max(0, data.length - offset));
        }
    }

    int u8(int offset) {
        return data[offset] & 0xff;
    }

    int bigEndianInt(int offset) {
        return (u8(offset) << 24) | (u8(offset + 1) << 16) | (u8(offset + 2) << 8) | u8(offset + 3);
    }
}
