package org.fluxion.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.fluxion.data.DataFileException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG and JPEG into uint8 [3, H, W]: exact for PNG of every colour type, close to PIL for JPEG, hostile headers refused. */
class ImagesTest {
    @TempDir
    Path dir;

    /** Red = x * 20, green = y * 30, blue = (x + y) * 10 + 1. */
    private static int rgb(int x, int y) {
        return (x * 20) << 16 | (y * 30) << 8 | ((x + y) * 10 + 1);
    }

    private Path write(BufferedImage image, String format) throws IOException {
        Path file = dir.resolve("image-" + image.getType() + "." + format);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no ImageIO writer for " + format);
        return file;
    }

    @Test
    void rgbPngIsReadExactlyChannelsFirst() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR}) {
            BufferedImage image = new BufferedImage(5, 4, type);
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) image.setRGB(x, y, 0x80000000 | rgb(x, y)); // half-transparent: alpha is dropped
            }
            Tensor t = Images.read(write(image, "png"));
            assertEquals(DType.UINT8, t.dtype());
            assertArrayEquals(new int[] {3, 4, 5}, t.dims());
            long[] v = t.toLongArray();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 5; x++) {
                    int i = y * 5 + x;
                    assertEquals(x * 20, v[i], "red at " + x + "," + y + " of type " + type);
                    assertEquals(y * 30, v[20 + i], "green");
                    assertEquals((x + y) * 10 + 1, v[40 + i], "blue");
                }
            }
        }
    }

    @Test
    void grayAndPalettePngsBecomeRgbWithoutColourConversion() throws IOException {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 6; i++) gray.getRaster().setSample(i % 3, i / 3, 0, i * 40 + 7);
        long[] g = Images.read(write(gray, "png")).toLongArray();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 6; i++) assertEquals(i * 40 + 7, g[c * 6 + i], "gray " + i + " in channel " + c);
        }
        byte[] r = {10, 20, (byte) 200};
        byte[] gr = {11, 21, (byte) 201};
        byte[] b = {12, 22, (byte) 202};
        BufferedImage palette = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(2, 3, r, gr, b));
        for (int x = 0; x < 3; x++) palette.getRaster().setSample(x, 0, 0, 2 - x);
        assertArrayEquals(new long[] {200, 20, 10, 201, 21, 11, 202, 22, 12}, Images.read(write(palette, "png")).toLongArray());
    }

    @Test
    void jpegIsCloseToTheOriginalAndToPil() throws Exception {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) image.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | (x + y) * 2);
        }
        Path file = write(image, "jpg");
        Tensor t = Images.read(file);
        Tensor original = Images.fromImage(image);
        assertTrue(maxDifference(t, original) <= 12, "JPEG far from its source: " + maxDifference(t, original));
        Assumptions.assumeTrue(PilReference.available(), PilReference.MISSING);
        byte[] pil = PilReference.run("""
                import sys, numpy as np
                from PIL import Image
                sys.stdout.buffer.write(np.array(Image.open(sys.argv[1]).convert('RGB')).transpose(2, 0, 1).tobytes())
                """, new byte[0], file.toString());
        Tensor theirs = Tensor.wrap(org.fluxion.tensor.Storage.wrap(DType.UINT8, pil), t.shape());
        // Decoders differ in IDCT rounding and chroma upsampling, not in the picture.
        assertTrue(maxDifference(t, theirs) <= 8, "ImageIO and PIL decode differently: " + maxDifference(t, theirs));
    }

    static long maxDifference(Tensor a, Tensor b) {
        long[] x = a.toLongArray();
        long[] y = b.toLongArray();
        long max = 0;
        for (int i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
        return max;
    }

    @Test
    void aHeaderClaimingMorePixelsThanTheFileHoldsIsRefusedBeforeDecoding() throws IOException {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        byte[] png = out.toByteArray();
        // IHDR: length (4) 'IHDR' (4) width (4) height (4) ... at offset 8; its CRC covers type and data.
        ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        Path file = dir.resolve("huge.png");
        Files.write(file, png);
        DataFileException e = assertThrows(DataFileException.class, () -> Images.read(file));
        assertTrue(e.getMessage().contains("huge.png") && e.getMessage().contains("100000x100000"), e.getMessage());

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not an image");
        DataFileException notImage = assertThrows(DataFileException.class, () -> Images.read(text));
        assertTrue(notImage.getMessage().contains("notes.png") && notImage.getMessage().contains("not an image format"),
                notImage.getMessage());
    }

    @Test
    void toImageRoundTrips() {
        Tensor t = Tensor.arange(0, 3 * 2 * 4, 1, DType.INT64).mul(7).to(DType.UINT8).reshape(3, 2, 4);
        assertArrayEquals(t.toLongArray(), Images.fromImage(Images.toImage(t)).toLongArray());
        assertArrayEquals(t.toLongArray(), Images.fromImage(Images.toImage(new ToTensor().apply(t))).toLongArray());
    }
}
