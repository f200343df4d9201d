package org.fluxion.ops;

/**
 * Static parameters of a 2-D convolution (PyTorch's {@code conv2d} arguments): stride, zero padding and
 * dilation per direction, and the number of groups.
 */
public record Conv2dOptions(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {
    /** Stride 1, no padding, no dilation, one group. */
    public static final Conv2dOptions DEFAULT = of(1, 0, 1, 1);

    /** Equal stride, padding and dilation in both directions. */
    public static Conv2dOptions of(int stride, int padding, int dilation, int groups) {
        return new Conv2dOptions(stride, stride, padding, padding, dilation, dilation, groups);
    }

    /** Stride and padding in both directions, no dilation, one group. */
    public static Conv2dOptions of(int stride, int padding) {
        return of(stride, padding, 1, 1);
    }
}
