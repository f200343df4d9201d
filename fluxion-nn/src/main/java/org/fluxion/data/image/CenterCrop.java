package org.fluxion.data.image;

import org.fluxion.tensor.Tensor;

/**
 * torchvision's {@code CenterCrop}: the central {@code height x width} window of {@code [..., C, H, W]};
 * the top-left corner is at {@code round((H - height) / 2)}, {@code round((W - width) / 2)} (Python's
 * rounding, half to even, as torchvision computes it). A window larger than the image is padded with zeros
 * around it first, as torchvision does.
 */
public record CenterCrop(int height, int width) implements ImageTransform {
    /** @throws IllegalArgumentException when a size is not positive */
    public CenterCrop {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("CenterCrop: sizes must be positive, got " + height + "x" + width);
        }
    }

    /** A square window. */
    public CenterCrop(int size) {
        this(size, size);
    }

    @Override
    public Tensor apply(Tensor image) {
        ImageTransform.requireImage("CenterCrop", image);
        int h = image.dim(-2);
        int w = image.dim(-1);
        if (height > h || width > w) {
            // torchvision: pad (left, top, right, bottom) = ((W' - W) // 2, (H' - H) // 2, (W' - W + 1) // 2, ...)
            int padH = Math.max(0, height - h);
            int padW = Math.max(0, width - w);
            int[] padding = new int[2 * image.rank()]; // (before, after) per axis
            padding[2 * image.rank() - 4] = padH / 2;
            padding[2 * image.rank() - 3] = (padH + 1) / 2;
            padding[2 * image.rank() - 2] = padW / 2;
            padding[2 * image.rank() - 1] = (padW + 1) / 2;
            image = image.pad(padding, 0);
            h = image.dim(-2);
            w = image.dim(-1);
        }
        int top = (int) Math.rint((h - height) / 2.0);
        int left = (int) Math.rint((w - width) / 2.0);
        return image.slice(-2, top, top + height).slice(-1, left, left + width);
    }
}
