package org.fluxion.train.tensorboard;

import java.awt.image.BufferedImage;
import org.fluxion.tensor.Tensor;

/** Tensors to images for {@link SummaryWriter#addImage}, and the colorspace code of {@code Summary.Image}. */
final class Images {
    private Images() {
    }

    /**
     * {@code [H, W]} or {@code [C, H, W]} (C = 1, 3 or 4) as an 8-bit image: floating-point values times
     * 255, integers as they are, clipped to {@code [0, 255]}.
     */
    static BufferedImage toBufferedImage(String tag, Tensor image) {
        int rank = image.rank();
        int channels = rank == 3 ? image.dim(0) : 1;
        if (!(rank == 2 || rank == 3 && (channels == 1 || channels == 3 || channels == 4))) {
            throw new IllegalArgumentException("image '" + tag + "': expected [H, W] or [C, H, W] with C = 1, 3"
                    + " or 4, got shape " + image.shape());
        }
        int height = image.dim(rank - 2);
        int width = image.dim(rank - 1);
        double scale = image.dtype().isFloatingPoint() ? 255 : 1;
        double[] v = image.detach().toDoubleArray();
        int plane = height * width;
        int type = switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_INT_RGB;
            default -> BufferedImage.TYPE_INT_ARGB;
        };
        BufferedImage out = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = y * width + x;
                if (channels == 1) {
                    int g = byteOf(tag, v[p], scale);
                    out.getRaster().setSample(x, y, 0, g);
                } else {
                    int r = byteOf(tag, v[p], scale);
                    int g = byteOf(tag, v[plane + p], scale);
                    int b = byteOf(tag, v[2 * plane + p], scale);
                    int a = channels == 4 ? byteOf(tag, v[3 * plane + p], scale) : 255;
                    out.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
                }
            }
        }
        return out;
    }

    private static int byteOf(String tag, double value, double scale) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("image '" + tag + "': a pixel is NaN");
        }
        return (int) Math.round(Math.max(0, Math.min(255, value * scale)));
    }

    /** {@code Summary.Image.colorspace}: 1 gray, 3 RGB, 4 RGBA (what a PNG of this image holds). */
    static int colorspace(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_BYTE_GRAY) {
            return 1;
        }
        return image.getColorModel().hasAlpha() ? 4 : 3;
    }
}
