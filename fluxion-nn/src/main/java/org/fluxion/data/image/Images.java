package org.fluxion.data.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.fluxion.data.DataFileException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * Reads PNG and JPEG files (anything the JDK's ImageIO decodes) into {@code uint8 [3, H, W]} tensors, RGB
 * channels first, as torchvision's {@code read_image(path, ImageReadMode.RGB)} and PIL's
 * {@code convert("RGB")}: gray is repeated in the three channels, a palette is looked up, alpha is dropped
 * (not composited). {@link ToTensor} turns the result into {@code float32} in {@code [0, 1]}.
 *
 * <p>Samples are read from the raster, not through {@code BufferedImage.getRGB}, which would pass gray
 * images through a colour-space conversion and change their values. 16-bit samples keep their high byte.
 *
 * <p>A file's dimensions are checked against its size before any pixel is decoded: a PNG pixel takes at
 * least one bit before deflate, which compresses at most 1032:1, so a file of {@code n} bytes holds at most
 * about {@code 8256 n} pixels (a JPEG holds fewer: two bits per 8x8 block at the least). A header that
 * claims more is refused instead of allocating the raster it asks for.
 */
public final class Images {
    /** Pixels a byte of compressed file can stand for: 8 one-bit pixels times deflate's 1032:1 limit. */
    static final long MAX_PIXELS_PER_BYTE = 8 * 1032;

    private Images() {
    }

    /**
     * The image at {@code path} as {@code uint8 [3, H, W]}.
     *
     * @throws DataFileException naming the file when no ImageIO reader recognizes it, when its dimensions
     *                           exceed what its size can hold or a tensor's limit, or when decoding fails
     */
    public static Tensor read(Path path) throws IOException {
        String source = path.toString();
        long fileSize = Files.size(path);
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw DataFileException.atOffset(source, 0, "not an image format ImageIO can read (PNG, JPEG, GIF, "
                        + "BMP...)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                long pixels = width * height;
                if (width <= 0 || height <= 0 || pixels > (fileSize + 64) * MAX_PIXELS_PER_BYTE
                        || 3 * pixels > Integer.MAX_VALUE - 16) {
                    throw DataFileException.atOffset(source, 0, "the header claims " + width + "x" + height + " pixels, "
                            + "more than a file of " + fileSize + " bytes can hold (or than a tensor holds)");
                }
                return fromImage(reader.read(0));
            } catch (IOException | RuntimeException e) {
                if (e instanceof DataFileException d) {
                    throw d;
                }
                throw DataFileException.of(source, reader.getFormatName() + " decoding failed: " + e.getMessage(), e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** The pixels of {@code image} as {@code uint8 [3, H, W]} (see the class comment for the conversions). */
    public static Tensor fromImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        byte[] out = new byte[3 * plane];
        Raster raster = image.getRaster();
        var model = image.getColorModel();
        int bands = raster.getNumBands();
        int bits = model.getComponentSize(0);
        if (model instanceof ComponentColorModel && (bits == 8 || bits == 16)
                && model.getColorSpace().isCS_sRGB() && bands >= 3) {
            int shift = bits - 8;
            int[] row = new int[w];
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    raster.getSamples(0, y, w, 1, c, row);
                    for (int x = 0; x < w; x++) out[c * plane + y * w + x] = (byte) (row[x] >> shift);
                }
            }
        } else if (model instanceof ComponentColorModel && (bits == 8 || bits == 16) && bands <= 2
                && model.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY) {
            int shift = bits - 8;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    byte v = (byte) (row[x] >> shift);
                    out[y * w + x] = v;
                    out[plane + y * w + x] = v;
                    out[2 * plane + y * w + x] = v;
                }
            }
        } else if (model instanceof IndexColorModel palette && raster.getTransferType() != DataBuffer.TYPE_USHORT) {
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) palette.getRed(row[x]);
                    out[plane + y * w + x] = (byte) palette.getGreen(row[x]);
                    out[2 * plane + y * w + x] = (byte) palette.getBlue(row[x]);
                }
            }
        } else {
            // Packed RGB integers (TYPE_INT_RGB...) and anything else: the colour model's sRGB values.
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                image.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) (row[x] >> 16);
                    out[plane + y * w + x] = (byte) (row[x] >> 8);
                    out[2 * plane + y * w + x] = (byte) row[x];
                }
            }
        }
        return Tensor.wrap(Storage.wrap(DType.UINT8, out), Shape.of(3, h, w));
    }

    /**
     * {@code uint8 [3, H, W]} (or float in {@code [0, 1]}, clamped and rounded to bytes) as an RGB image, to
     * write with {@link ImageIO#write}.
     *
     * @throws IllegalArgumentException when the tensor is not {@code [3, H, W]}
     */
    public static BufferedImage toImage(Tensor chw) {
        if (chw.rank() != 3 || chw.dim(0) != 3) {
            throw new IllegalArgumentException("toImage: expected [3, H, W], got " + chw.shape());
        }
        // x * 255 + 0.5 truncated (the cast) is x * 255 rounded half up, for the non-negative values clamp leaves.
        Tensor bytes = chw.dtype() == DType.UINT8 ? chw : chw.mul(255).add(0.5).clamp(0, 255).to(DType.UINT8);
        long[] v = bytes.toLongArray();
        int h = chw.dim(1);
        int w = chw.dim(2);
        int plane = h * w;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                image.setRGB(x, y, (int) (v[i] << 16 | v[plane + i] << 8 | v[2 * plane + i]));
            }
        }
        return image;
    }
}
