package org.fluxion.data.image;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * torchvision's {@code ToTensor} (and {@code ConvertImageDtype(float32)}) for images already channels-first:
 * {@code uint8 [..., C, H, W]} to {@code float32} in {@code [0, 1]} ({@code x / 255}); a floating-point
 * image is returned as float32 unchanged in value.
 */
public record ToTensor() implements ImageTransform {
    @Override
    public Tensor apply(Tensor image) {
        ImageTransform.requireImage("ToTensor", image);
        if (image.dtype().isFloatingPoint()) {
            return image.to(DType.FLOAT32);
        }
        return image.to(DType.FLOAT32).div(255);
    }
}
