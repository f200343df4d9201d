package org.fluxion.train.tensorboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.fluxion.data.DataFileException;

/**
 * The TFRecord framing of TensorBoard's event files: each record is
 *
 * <pre>
 *   uint64 length            (little endian)
 *   uint32 masked_crc(length) (the CRC of those 8 bytes)
 *   byte   data[length]
 *   uint32 masked_crc(data)
 * </pre>
 *
 * with {@code masked_crc(x) = ((c >>> 15) | (c << 17)) + 0xa282ead8} where {@code c} is the CRC-32C
 * (Castagnoli) of {@code x}: masking keeps a CRC of data that itself holds CRCs from being weak.
 */
public final class TfRecords {
    private static final int MASK_DELTA = 0xa282ead8;
    /** Larger than any record TensorBoard writes; a length beyond it means a corrupt header. */
    private static final long MAX_RECORD = 1L << 31;

    private TfRecords() {
    }

    /** The masked CRC-32C of {@code bytes[offset, offset + length)}. */
    public static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return mask((int) crc.getValue());
    }

    /** {@code ((crc >>> 15) | (crc << 17)) + 0xa282ead8}, in 32-bit arithmetic. */
    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }

    /** Writes {@code data} as one record. */
    public static void write(OutputStream out, byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc32c(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc32c(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
    }

    /**
     * Reads every record of {@code in}, checking both CRCs of each.
     *
     * @param source names the stream in errors (a file name)
     * @throws DataFileException naming {@code source} and the byte offset of a truncated record or a CRC
     *     that does not match
     */
    public static List<byte[]> readAll(InputStream in, String source) throws IOException {
        List<byte[]> records = new ArrayList<>();
        long offset = 0;
        byte[] header = new byte[12];
        while (true) {
            int n = in.readNBytes(header, 0, 12);
            if (n == 0) {
                return records;
            }
            if (n < 12) {
                throw DataFileException.atOffset(source, offset, "truncated record header (" + n + " of 12 bytes)");
            }
            ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            long length = h.getLong();
            int lengthCrc = h.getInt();
            if (lengthCrc != maskedCrc32c(header, 0, 8)) {
                throw DataFileException.atOffset(source, offset, "the CRC of the record length does not match");
            }
            if (length < 0 || length > MAX_RECORD) {
                throw DataFileException.atOffset(source, offset, "record length " + Long.toUnsignedString(length)
                        + " is out of range");
            }
            byte[] data = in.readNBytes((int) length);
            byte[] footer = in.readNBytes(4);
            if (data.length < length || footer.length < 4) {
                throw DataFileException.atOffset(source, offset, "truncated record: " + length
                        + " bytes of data announced, " + data.length + " found");
            }
            int dataCrc = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
            if (dataCrc != maskedCrc32c(data, 0, data.length)) {
                throw DataFileException.atOffset(source, offset + 12, "the CRC of the record data does not match");
            }
            records.add(data);
            offset += 16 + length;
        }
    }
}
