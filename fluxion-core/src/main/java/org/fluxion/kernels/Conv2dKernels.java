package org.fluxion.kernels;

/**
 * 2-D convolution kernels on contiguous NCHW arrays, float32 and float64 (see {@link Conv2dGeometry}
 * for the shapes and the output-size formula). Bias is not included: the caller adds it.
 *
 * <p>With {@code Cg = C/groups}, {@code Og = O/groups} and {@code gr(o) = o / Og} the group of channel o:
 * <pre>
 *   y[n,o,oh,ow] = sum_{c<Cg, i<kh, j<kw} w[o,c,i,j] * x[n, gr(o)*Cg + c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]
 * </pre>
 * (x read as 0 outside the input). {@code inputGrad} and {@code weightGrad} are the adjoints of this
 * map with respect to x and w: for any dy, {@code <y(x,w), dy> = <x, inputGrad(dy,w)> = <w, weightGrad(x,dy)>}.
 *
 * <p>Each method overwrites its output. Arrays are read from the given offsets on; every method also has
 * an offset-free overload. Work is split over the batch with {@link Parallel} when it is large enough;
 * otherwise samples run on the caller, leaving {@link Gemm} free to parallelize itself.
 */
public final class Conv2dKernels {
    private Conv2dKernels() {
    }

    /** y = conv2d(x, w): x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, float[] x, float[] w, float[] y) {
        forward(g, x, 0, w, 0, y, 0);
    }

    /** y = conv2d(x, w), arrays read from the given offsets: x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        KernelChecks.range("conv2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("conv2d", "w", w.length, wOff, g.weightSize());
        KernelChecks.range("conv2d", "y", y.length, yOff, g.outputSize());
        ConvF32.forward(g, x, xOff, w, wOff, y, yOff);
    }

    /** dx = dL/dx given dy = dL/dy: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, float[] dy, float[] w, float[] dx) {
        inputGrad(g, dy, 0, w, 0, dx, 0);
    }

    /** dx = dL/dx given dy = dL/dy, arrays read from the given offsets: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        KernelChecks.range("conv2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "w", w.length, wOff, g.weightSize());
        KernelChecks.range("conv2d", "dx", dx.length, dxOff, g.inputSize());
        ConvF32.inputGrad(g, dy, dyOff, w, wOff, dx, dxOff);
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, float[] x, float[] dy, float[] dw) {
        weightGrad(g, x, 0, dy, 0, dw, 0);
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch, arrays read from the given offsets: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        KernelChecks.range("conv2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("conv2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "dw", dw.length, dwOff, g.weightSize());
        ConvF32.weightGrad(g, x, xOff, dy, dyOff, dw, dwOff);
    }

    /** y = conv2d(x, w): x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, double[] x, double[] w, double[] y) {
        forward(g, x, 0, w, 0, y, 0);
    }

    /** y = conv2d(x, w), arrays read from the given offsets: x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, double[] x, int xOff, double[] w, int wOff, double[] y, int yOff) {
        KernelChecks.range("conv2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("conv2d", "w", w.length, wOff, g.weightSize());
        KernelChecks.range("conv2d", "y", y.length, yOff, g.outputSize());
        ConvF64.forward(g, x, xOff, w, wOff, y, yOff);
    }

    /** dx = dL/dx given dy = dL/dy: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, double[] dy, double[] w, double[] dx) {
        inputGrad(g, dy, 0, w, 0, dx, 0);
    }

    /** dx = dL/dx given dy = dL/dy, arrays read from the given offsets: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, double[] dy, int dyOff, double[] w, int wOff, double[] dx, int dxOff) {
        KernelChecks.range("conv2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "w", w.length, wOff, g.weightSize());
        KernelChecks.range("conv2d", "dx", dx.length, dxOff, g.inputSize());
        ConvF64.inputGrad(g, dy, dyOff, w, wOff, dx, dxOff);
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, double[] x, double[] dy, double[] dw) {
        weightGrad(g, x, 0, dy, 0, dw, 0);
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch, arrays read from the given offsets: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, double[] x, int xOff, double[] dy, int dyOff, double[] dw, int dwOff) {
        KernelChecks.range("conv2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("conv2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "dw", dw.length, dwOff, g.weightSize());
        ConvF64.weightGrad(g, x, xOff, dy, dyOff, dw, dwOff);
    }
}
