package org.fluxion.kernels;

/**
 * Shape parameters of 2-D max or average pooling over NCHW data: input {@code [batch, channels, height,
 * width]}, output {@code [batch, channels, outHeight, outWidth]}, where, as in PyTorch,
 * <pre>
 *   outHeight = floor_or_ceil((height + 2*padH - kernelH) / strideH) + 1
 * </pre>
 * rounding up when {@code ceilMode}, except that a last window starting in the bottom padding is dropped
 * (so every window starts inside the input or the top/left padding). Likewise for the width.
 *
 * <p>Validation follows PyTorch: kernel and stride {@code >= 1}, {@code 0 <= pad <= kernel/2}, output
 * non-empty. Use {@link #maxPool2d} / {@link #avgPool2d} so that errors name the operation; the canonical
 * constructor validates too, naming {@code pool2d}. A batch of 0 is allowed.
 */
public record Pool2dGeometry(int batch, int channels, int height, int width, int kernelH, int kernelW,
                             int strideH, int strideW, int padH, int padW, boolean ceilMode) {

    public Pool2dGeometry {
        validate("pool2d", batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, ceilMode);
    }

    /** A validated geometry whose errors name {@code maxPool2d}. */
    public static Pool2dGeometry maxPool2d(int batch, int channels, int height, int width, int kernelH, int kernelW,
                                           int strideH, int strideW, int padH, int padW, boolean ceilMode) {
        validate("maxPool2d", batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, ceilMode);
        return new Pool2dGeometry(batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
                ceilMode);
    }

    /** Square-kernel form of {@link #maxPool2d(int, int, int, int, int, int, int, int, int, int, boolean)}. */
    public static Pool2dGeometry maxPool2d(int batch, int channels, int height, int width, int kernel, int stride,
                                           int pad, boolean ceilMode) {
        return maxPool2d(batch, channels, height, width, kernel, kernel, stride, stride, pad, pad, ceilMode);
    }

    /** A validated geometry whose errors name {@code avgPool2d}. */
    public static Pool2dGeometry avgPool2d(int batch, int channels, int height, int width, int kernelH, int kernelW,
                                           int strideH, int strideW, int padH, int padW, boolean ceilMode) {
        validate("avgPool2d", batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, ceilMode);
        return new Pool2dGeometry(batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW,
                ceilMode);
    }

    /** Square-kernel form of {@link #avgPool2d(int, int, int, int, int, int, int, int, int, int, boolean)}. */
    public static Pool2dGeometry avgPool2d(int batch, int channels, int height, int width, int kernel, int stride,
                                           int pad, boolean ceilMode) {
        return avgPool2d(batch, channels, height, width, kernel, kernel, stride, stride, pad, pad, ceilMode);
    }

    private static void validate(String op, int batch, int channels, int height, int width, int kernelH,
                                 int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
        require(op, batch >= 0, "batch must be >= 0, got " + batch);
        require(op, channels >= 1, "channels must be >= 1, got " + channels);
        require(op, height >= 1 && width >= 1, "input height and width must be >= 1, got " + height + "x" + width);
        require(op, kernelH >= 1 && kernelW >= 1, "kernel size must be >= 1, got " + kernelH + "x" + kernelW);
        require(op, strideH >= 1 && strideW >= 1, "stride must be >= 1, got " + strideH + "x" + strideW);
        require(op, padH >= 0 && padW >= 0, "padding must be >= 0, got " + padH + "x" + padW);
        require(op, padH <= kernelH / 2 && padW <= kernelW / 2, "padding " + padH + "x" + padW
                + " must be at most half the kernel size " + kernelH + "x" + kernelW);
        long oh = outSize(height, kernelH, strideH, padH, ceilMode);
        long ow = outSize(width, kernelW, strideW, padW, ceilMode);
        require(op, oh >= 1 && ow >= 1, "kernel " + kernelH + "x" + kernelW + " is larger than the padded input "
                + (height + 2L * padH) + "x" + (width + 2L * padW) + " (input " + height + "x" + width
                + ", padding " + padH + "x" + padW + "): the output would be empty");
        require(op, (long) batch * channels * height * width <= Integer.MAX_VALUE - 16,
                "tensors of more than 2^31 elements are not supported");
    }

    private static void require(String op, boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(op + ": " + message);
        }
    }

    /** PyTorch's pooling_output_shape with dilation 1 (may be {@code <= 0} for invalid inputs). */
    private static long outSize(int in, int k, int s, int pad, boolean ceil) {
        long span = (long) in + 2L * pad - k;
        // floorDiv: in ceil mode a kernel up to stride-1 larger than the padded input still fits once
        long out = Math.floorDiv(span + (ceil ? s - 1 : 0), s) + 1;
        if (ceil && (out - 1) * s >= (long) in + pad) {
            out--; // the last window would start in the bottom/right padding
        }
        return out;
    }

    /** Output rows; see the class comment. */
    public int outHeight() {
        return (int) outSize(height, kernelH, strideH, padH, ceilMode);
    }

    /** Output columns; see the class comment. */
    public int outWidth() {
        return (int) outSize(width, kernelW, strideW, padW, ceilMode);
    }

    // ---- the window of output (r, q), shared by the float32 and float64 kernels ----

    /** First input row of output row r's window, clipped to the input: {@code max(r*sh - ph, 0)}. */
    int rowStart(int r) {
        return Math.max(r * strideH - padH, 0);
    }

    /** One past the last input row of output row r's window, clipped: {@code min(r*sh - ph + kh, H)}. */
    int rowEnd(int r) {
        return Math.min(r * strideH - padH + kernelH, height);
    }

    /** First input column of output column q's window, clipped to the input. */
    int colStart(int q) {
        return Math.max(q * strideW - padW, 0);
    }

    /** One past the last input column of output column q's window, clipped to the input. */
    int colEnd(int q) {
        return Math.min(q * strideW - padW + kernelW, width);
    }

    /**
     * Average pooling's divisor for output (r, q), as PyTorch's: with padding counted, the window clipped
     * to the padded input (it can overhang that in ceil mode); without, the real input elements in it.
     */
    int divisor(int r, int q, boolean countIncludePad) {
        if (!countIncludePad) {
            return (rowEnd(r) - rowStart(r)) * (colEnd(q) - colStart(q));
        }
        int hs = r * strideH - padH, ws = q * strideW - padW;
        return (Math.min(hs + kernelH, height + padH) - hs) * (Math.min(ws + kernelW, width + padW) - ws);
    }

    /** Elements of the input: {@code batch*channels*height*width}. */
    public int inputSize() {
        return batch * channels * height * width;
    }

    /** Elements of the output: {@code batch*channels*outHeight*outWidth}. */
    public int outputSize() {
        return batch * channels * outHeight() * outWidth();
    }
}
