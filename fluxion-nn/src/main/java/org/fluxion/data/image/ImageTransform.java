package org.fluxion.data.image;

import org.fluxion.tensor.Tensor;

/**
 * A preprocessing step on images {@code [..., C, H, W]} (torchvision's transforms on tensors), composed
 * with {@link #andThen}: {@code new Resize(256).andThen(new CenterCrop(224)).andThen(new ToTensor())...}.
 */
@FunctionalInterface
public interface ImageTransform {
    /** The transformed image. */
    Tensor apply(Tensor image);

    /** This step, then {@code next}. */
    default ImageTransform andThen(ImageTransform next) {
        return image -> next.apply(apply(image));
    }

    /**
     * Checks that {@code image} is {@code [..., C, H, W]}.
     *
     * @throws IllegalArgumentException naming the transform and the shape otherwise
     */
    static void requireImage(String transform, Tensor image) {
        if (image.rank() < 3) {
            throw new IllegalArgumentException(transform + ": expected an image [..., C, H, W], got " + image.shape());
        }
    }
}
