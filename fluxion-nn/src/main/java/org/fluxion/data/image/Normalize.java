package org.fluxion.data.image;

import org.fluxion.tensor.Tensor;

/**
 * torchvision's {@code Normalize}: {@code (x[c] - mean[c]) / std[c]} for each channel {@code c} of a
 * floating-point image {@code [..., C, H, W]}; ImageNet's statistics are {@link #IMAGENET}.
 *
 * @param mean one value per channel
 * @param std  one positive value per channel
 */
public record Normalize(double[] mean, double[] std) implements ImageTransform {
    /** The per-channel mean and standard deviation of ImageNet, which torchvision's models expect. */
    public static final Normalize IMAGENET = new Normalize(new double[] {0.485, 0.456, 0.406},
            new double[] {0.229, 0.224, 0.225});

    /** @throws IllegalArgumentException when the lengths differ or a std is not positive */
    public Normalize {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("Normalize: mean and std need one value per channel each, got "
                    + mean.length + " and " + std.length);
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("Normalize: std must be positive, got " + java.util.Arrays.toString(std));
            }
        }
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public Tensor apply(Tensor image) {
        ImageTransform.requireImage("Normalize", image);
        int c = image.dim(-3);
        if (c != mean.length) {
            throw new IllegalArgumentException("Normalize: " + mean.length + " channel statistics for an image with "
                    + c + " channels " + image.shape());
        }
        if (!image.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("Normalize: expected a floating-point image (apply ToTensor first), got "
                    + image.type());
        }
        Tensor m = Tensor.of(mean, c, 1, 1).to(image.dtype());
        Tensor s = Tensor.of(std, c, 1, 1).to(image.dtype());
        return image.sub(m).div(s);
    }
}
