package org.fluxion.data.image;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * torchvision's {@code Resize} with bilinear interpolation on {@code [..., C, H, W]}: to {@code height x
 * width}, or, given one size, the shorter side to that size and the longer in proportion
 * ({@code long * size / short}, truncated, as torchvision).
 *
 * <p>With {@code antialias} (the default, as torchvision's and PIL's) a reduction averages every input
 * pixel under the triangle filter stretched by the scale, PIL's algorithm: output pixel {@code i} has centre
 * {@code c = (i + 1/2) s} in input coordinates ({@code s = in / out}), and input pixel {@code j} the
 * weight {@code max(0, 1 - |j + 1/2 - c| / max(s, 1))}, normalized to sum 1. Without it (and for any
 * enlargement, where both agree) each output pixel interpolates its two neighbours at
 * {@code (i + 1/2) s - 1/2} (align_corners=False), clamped at the border.
 *
 * <p>Each pass is a product with a {@code [out, in]} weight matrix ({@code W_h x W_w^T}), so resizing is
 * differentiable and traceable like any other operation. A {@code uint8} image is resized in float32 and
 * rounded back (half up, clamped to 0..255).
 */
public record Resize(int size, int height, int width, boolean antialias) implements ImageTransform {
    /** @throws IllegalArgumentException when the sizes are not positive */
    public Resize {
        if (size == 0 ? height <= 0 || width <= 0 : size < 0) {
            throw new IllegalArgumentException("Resize: sizes must be positive, got size " + size + ", " + height + "x"
                    + width);
        }
    }

    /** The shorter side to {@code size}, antialiased. */
    public Resize(int size) {
        this(size, 0, 0, true);
    }

    /** To exactly {@code height x width}, antialiased. */
    public Resize(int height, int width) {
        this(0, height, width, true);
    }

    /** The same resize with antialiasing on or off. */
    public Resize antialias(boolean on) {
        return new Resize(size, height, width, on);
    }

    @Override
    public Tensor apply(Tensor image) {
        ImageTransform.requireImage("Resize", image);
        int h = image.dim(-2);
        int w = image.dim(-1);
        int oh = height;
        int ow = width;
        if (size > 0) {
            boolean tall = h > w;
            int shorter = tall ? w : h;
            int longer = (int) ((long) size * (tall ? h : w) / shorter);
            oh = tall ? longer : size;
            ow = tall ? size : longer;
        }
        boolean bytes = image.dtype() == DType.UINT8;
        Tensor x = image.dtype().isFloatingPoint() ? image : image.to(DType.FLOAT32);
        Tensor rows = weights(h, oh, antialias).to(x.dtype());
        Tensor columns = weights(w, ow, antialias).to(x.dtype());
        Tensor y = rows.matmul(x).matmul(columns.transpose());
        return bytes ? y.add(0.5).clamp(0, 255).to(DType.UINT8) : y;
    }

    /** The {@code [out, in]} interpolation matrix of one axis (see the class comment). */
    static Tensor weights(int in, int out, boolean antialias) {
        double scale = (double) in / out;
        double[] m = new double[out * in];
        if (antialias && scale > 1) {
            double support = scale; // the triangle's half-width, stretched by the scale
            for (int i = 0; i < out; i++) {
                double centre = (i + 0.5) * scale;
                int from = Math.max(0, (int) (centre - support + 0.5));
                int to = Math.min(in, (int) (centre + support + 0.5));
                double total = 0;
                for (int j = from; j < to; j++) {
                    double v = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / scale));
                    m[i * in + j] = v;
                    total += v;
                }
                for (int j = from; j < to; j++) {
                    m[i * in + j] /= total;
                }
            }
        } else {
            for (int i = 0; i < out; i++) {
                double src = Math.max(0, (i + 0.5) * scale - 0.5);
                int j0 = Math.min((int) src, in - 1);
                int j1 = Math.min(j0 + 1, in - 1);
                double t = src - j0;
                m[i * in + j0] += 1 - t;
                m[i * in + j1] += t;
            }
        }
        return Tensor.of(m, out, in);
    }
}
