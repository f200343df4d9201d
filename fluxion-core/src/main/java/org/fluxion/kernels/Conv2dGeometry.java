package org.fluxion.kernels;

/**
 * Shape parameters of a grouped, strided, padded, dilated 2-D convolution over NCHW data.
 *
 * <p>Tensors: input x {@code [batch, inChannels, height, width]}, weight w
 * {@code [outChannels, inChannels/groups, kernelH, kernelW]}, output y
 * {@code [batch, outChannels, outHeight, outWidth]}, where, as in PyTorch,
 * <pre>  outHeight = floor((height + 2*padH - dilationH*(kernelH-1) - 1) / strideH) + 1</pre>
 * and likewise for the width. Output channel {@code o} belongs to group {@code o / (outChannels/groups)}
 * and sees only that group's {@code inChannels/groups} input channels.
 *
 * <p>The constructor validates everything and throws {@link IllegalArgumentException} naming
 * {@code conv2d} and the offending values; a constructed geometry is always usable by
 * {@link Conv2dKernels}. A batch of 0 is allowed (the kernels then do nothing).
 */
public record Conv2dGeometry(int batch, int inChannels, int height, int width,
                             int outChannels, int kernelH, int kernelW,
                             int strideH, int strideW, int padH, int padW,
                             int dilationH, int dilationW, int groups) {

    public Conv2dGeometry {
        require(batch >= 0, "batch must be >= 0, got " + batch);
        require(inChannels >= 1 && outChannels >= 1,
                "channels must be >= 1, got inChannels " + inChannels + ", outChannels " + outChannels);
        require(height >= 1 && width >= 1, "input height and width must be >= 1, got " + height + "x" + width);
        require(kernelH >= 1 && kernelW >= 1, "kernel size must be >= 1, got " + kernelH + "x" + kernelW);
        require(strideH >= 1 && strideW >= 1, "stride must be >= 1, got " + strideH + "x" + strideW);
        require(dilationH >= 1 && dilationW >= 1, "dilation must be >= 1, got " + dilationH + "x" + dilationW);
        require(padH >= 0 && padW >= 0, "padding must be >= 0, got " + padH + "x" + padW);
        require(groups >= 1, "groups must be >= 1, got " + groups);
        require(inChannels % groups == 0,
                "inChannels (" + inChannels + ") must be divisible by groups (" + groups + ")");
        require(outChannels % groups == 0,
                "outChannels (" + outChannels + ") must be divisible by groups (" + groups + ")");
        long effH = (long) dilationH * (kernelH - 1) + 1;
        long effW = (long) dilationW * (kernelW - 1) + 1;
        long paddedH = height + 2L * padH;
        long paddedW = width + 2L * padW;
        require(effH <= paddedH && effW <= paddedW,
                "kernel " + kernelH + "x" + kernelW + " with dilation " + dilationH + "x" + dilationW
                        + " (effective " + effH + "x" + effW + ") is larger than the padded input "
                        + paddedH + "x" + paddedW + " (input " + height + "x" + width + ", padding "
                        + padH + "x" + padW + "): the output would be empty");
        long in = (long) batch * inChannels * height * width;
        long out = (long) batch * outChannels * ((paddedH - effH) / strideH + 1) * ((paddedW - effW) / strideW + 1);
        long wts = (long) outChannels * (inChannels / groups) * kernelH * kernelW;
        long col = (long) (inChannels / groups) * kernelH * kernelW
                * ((paddedH - effH) / strideH + 1) * ((paddedW - effW) / strideW + 1);
        require(Math.max(Math.max(in, out), Math.max(wts, col)) <= Integer.MAX_VALUE - 16,
                "tensors of more than 2^31 elements are not supported (input " + in + ", output " + out
                        + ", weight " + wts + ", im2col buffer " + col + ")");
    }

    /** Square kernel, equal strides/padding/dilation in both directions. */
    public static Conv2dGeometry of(int batch, int inChannels, int height, int width, int outChannels,
                                    int kernel, int stride, int pad, int dilation, int groups) {
        return new Conv2dGeometry(batch, inChannels, height, width, outChannels, kernel, kernel,
                stride, stride, pad, pad, dilation, dilation, groups);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("conv2d: " + message);
        }
    }

    /** {@code floor((height + 2*padH - dilationH*(kernelH-1) - 1) / strideH) + 1}. */
    public int outHeight() {
        return (height + 2 * padH - dilationH * (kernelH - 1) - 1) / strideH + 1;
    }

    /** {@code floor((width + 2*padW - dilationW*(kernelW-1) - 1) / strideW) + 1}. */
    public int outWidth() {
        return (width + 2 * padW - dilationW * (kernelW - 1) - 1) / strideW + 1;
    }

    /** Input channels per group, {@code inChannels / groups}. */
    public int inPerGroup() {
        return inChannels / groups;
    }

    /** Output channels per group, {@code outChannels / groups}. */
    public int outPerGroup() {
        return outChannels / groups;
    }

    /** Elements of x: {@code batch*inChannels*height*width}. */
    public int inputSize() {
        return batch * inChannels * height * width;
    }

    /** Elements of w: {@code outChannels*(inChannels/groups)*kernelH*kernelW}. */
    public int weightSize() {
        return outChannels * inPerGroup() * kernelH * kernelW;
    }

    /** Elements of y: {@code batch*outChannels*outHeight*outWidth}. */
    public int outputSize() {
        return batch * outChannels * outHeight() * outWidth();
    }

    /**
     * True for a 1x1, stride-1, unpadded convolution: then the input plane block of a group already is
     * the im2col matrix and the kernels skip the copy.
     */
    public boolean isPointwise() {
        return kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }
}
