package org.fluxion.train.tensorboard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.fluxion.data.DataFileException;
import org.junit.jupiter.api.Test;

/** Issue 18 item 9: the TFRecord framing of event files, read back by an independent parser. */
class TfRecordsTest {
    @Test
    void crc32cCheckValueAndMask() {
        // The CRC-32C check value (RFC 3720, appendix B.4): CRC of the ASCII digits 1 to 9.
        CRC32C crc = new CRC32C();
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals(0xE3069283L, crc.getValue());
        // Rotate right by 15, add the constant: 0xE3069283 -> 0x2507C60D + 0xA282EAD8.
        int rotated = Integer.rotateRight(0xE3069283, 15);
        assertEquals(0x2507C60D, rotated);
        assertEquals(0x2507C60D + 0xA282EAD8, TfRecords.mask(0xE3069283));
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(TfRecords.mask(0xE3069283), TfRecords.maskedCrc32c(digits, 0, 9));
    }

    @Test
    void recordsAreLengthCrcDataCrcInLittleEndian() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = "event".getBytes(StandardCharsets.US_ASCII);
        TfRecords.write(out, data);
        byte[] bytes = out.toByteArray();
        assertEquals(8 + 4 + 5 + 4, bytes.length);
        assertArrayEquals(new byte[] {5, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOfRange(bytes, 0, 8));
        assertEquals(TfRecords.maskedCrc32c(bytes, 0, 8), littleEndianInt(bytes, 8));
        assertArrayEquals(data, Arrays.copyOfRange(bytes, 12, 17));
        assertEquals(TfRecords.maskedCrc32c(data, 0, 5), littleEndianInt(bytes, 17));
    }

    private static int littleEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    @Test
    void readsBackWhatWasWrittenIncludingEmptyRecords() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<byte[]> records = List.of(new byte[0], "a".getBytes(StandardCharsets.UTF_8), new byte[70_000]);
        for (byte[] r : records) {
            TfRecords.write(out, r);
        }
        List<byte[]> read = TfRecords.readAll(new ByteArrayInputStream(out.toByteArray()), "x.tfevents");
        assertEquals(3, read.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(records.get(i), read.get(i));
        }
    }

    @Test
    void corruptionNamesTheFileAndTheOffset() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TfRecords.write(out, "first".getBytes(StandardCharsets.UTF_8));
        TfRecords.write(out, "second".getBytes(StandardCharsets.UTF_8));
        byte[] good = out.toByteArray();
        int second = 16 + 5;

        byte[] badData = good.clone();
        badData[second + 12 + 2] ^= 1;
        assertMessage(badData, "run.tfevents: offset " + (second + 12) + ": the CRC of the record data does not match");
        byte[] badLength = good.clone();
        badLength[second] ^= 1;
        assertMessage(badLength, "run.tfevents: offset " + second + ": the CRC of the record length does not match");
        assertMessage(Arrays.copyOf(good, good.length - 3), "run.tfevents: offset " + second
                + ": truncated record: 6 bytes of data announced");
        assertMessage(Arrays.copyOf(good, second + 5), "run.tfevents: offset " + second
                + ": truncated record header (5 of 12 bytes)");
    }

    private static void assertMessage(byte[] bytes, String expected) {
        DataFileException e = assertThrows(DataFileException.class,
                () -> TfRecords.readAll(new ByteArrayInputStream(bytes), "run.tfevents"));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
