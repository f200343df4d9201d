package org.fluxion.ops;

import org.fluxion.kernels.Pool2dGeometry;
import org.fluxion.tensor.Shape;

/**
 * Static parameters of 2-D pooling (PyTorch's {@code max_pool2d}/{@code avg_pool2d} arguments). Padding
 * counts as -infinity for max pooling; for average pooling {@code countIncludePad} decides whether
 * padded positions count in the divisor.
 */
public record Pool2dOptions(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                            boolean ceilMode, boolean countIncludePad) {
    /** A square window with stride equal to its size, no padding: the usual 2x2 pooling is {@code of(2)}. */
    public static Pool2dOptions of(int kernel) {
        return of(kernel, kernel, 0);
    }

    /** A square window with the given stride and padding. */
    public static Pool2dOptions of(int kernel, int stride, int padding) {
        return new Pool2dOptions(kernel, kernel, stride, stride, padding, padding, false, true);
    }

    /**
     * The kernels' geometry of these options on an input {@code [N, C, H, W]} of shape {@code x}; the window's fit is
     * not checked here (the pooling primitives' output types check it).
     *
     * @throws IllegalArgumentException when x is not of rank 4
     */
    public Pool2dGeometry geometry(Shape x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("pool2d: the input must be [N, C, H, W], got shape " + x);
        }
        return new Pool2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), kernelH, kernelW, strideH, strideW, padH,
                padW, ceilMode);
    }
}
