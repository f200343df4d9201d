/**
 * Images as tensors: PNG and JPEG read with the JDK's ImageIO into {@code uint8 [3, H, W]} ({@link Images}),
 * and torchvision's preprocessing transforms ({@link ToTensor}, {@link Resize} with antialiased bilinear
 * filtering, {@link CenterCrop}, {@link Normalize}, chained with {@link ImageTransform#andThen}), so that an
 * image classifier can run on a photo.
 */
package org.fluxion.data.image;
