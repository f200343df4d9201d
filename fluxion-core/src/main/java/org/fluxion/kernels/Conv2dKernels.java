package org.fluxion.kernels;

/**
 * 2-D convolution kernels on contiguous NCHW arrays (see {@link Conv2dGeometry} for the shapes and the
 * output-size formula). Bias is not included: the caller adds it.
 *
 * <p>With {@code Cg = C/groups}, {@code Og = O/groups} and {@code gr(o) = o / Og} the group of channel o:
 * <pre>
 *   y[n,o,oh,ow] = sum_{c&lt;Cg, i&lt;kh, j&lt;kw} w[o,c,i,j] * x[n, gr(o)*Cg + c, oh*sh - ph + i*dh, ow*sw - pw + j*dw]
 * </pre>
 * (x read as 0 outside the input). {@code inputGrad} and {@code weightGrad} are the adjoints of this
 * map with respect to x and w: for any dy, {@code <y(x,w), dy> = <x, inputGrad(dy,w)> = <w, weightGrad(x,dy)>}.
 *
 * <p>The arrays are all {@code float[]} (float32: {@link ConvF32}, batched im2col + GEMM) or all
 * {@code double[]} (float64: {@link ConvF64}, the definition looped directly, for exact checks); each
 * method picks the body once. Each method overwrites its output. Arrays are read from the given offsets
 * on; every method also has an offset-free overload. Work is split over the batch with {@link Parallel}
 * when it is large enough; otherwise samples run on the caller, leaving {@link Gemm} free to parallelize
 * itself.
 */
public final class Conv2dKernels {
    private Conv2dKernels() {
    }

    /** y = conv2d(x, w): x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, Object x, Object w, Object y) {
        forward(g, x, 0, w, 0, y, 0);
    }

    /** y = conv2d(x, w), arrays read from the given offsets: x {@code [N, C, H, W]}, w {@code [O, C/groups, kh, kw]}; y {@code [N, O, OH, OW]} is overwritten. */
    public static void forward(Conv2dGeometry g, Object x, int xOff, Object w, int wOff, Object y, int yOff) {
        boolean f32 = KernelChecks.isFloat32("conv2d", x, w, y);
        KernelChecks.range("conv2d", "x", x, xOff, g.inputSize());
        KernelChecks.range("conv2d", "w", w, wOff, g.weightSize());
        KernelChecks.range("conv2d", "y", y, yOff, g.outputSize());
        if (f32) {
            ConvF32.forward(g, (float[]) x, xOff, (float[]) w, wOff, (float[]) y, yOff);
        } else {
            ConvF64.forward(g, (double[]) x, xOff, (double[]) w, wOff, (double[]) y, yOff);
        }
    }

    /** dx = dL/dx given dy = dL/dy: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, Object dy, Object w, Object dx) {
        inputGrad(g, dy, 0, w, 0, dx, 0);
    }

    /** dx = dL/dx given dy = dL/dy, arrays read from the given offsets: dy {@code [N, O, OH, OW]}, w {@code [O, C/groups, kh, kw]}; dx {@code [N, C, H, W]} is overwritten. */
    public static void inputGrad(Conv2dGeometry g, Object dy, int dyOff, Object w, int wOff, Object dx, int dxOff) {
        boolean f32 = KernelChecks.isFloat32("conv2d", dy, w, dx);
        KernelChecks.range("conv2d", "dy", dy, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "w", w, wOff, g.weightSize());
        KernelChecks.range("conv2d", "dx", dx, dxOff, g.inputSize());
        if (f32) {
            ConvF32.inputGrad(g, (float[]) dy, dyOff, (float[]) w, wOff, (float[]) dx, dxOff);
        } else {
            ConvF64.inputGrad(g, (double[]) dy, dyOff, (double[]) w, wOff, (double[]) dx, dxOff);
        }
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, Object x, Object dy, Object dw) {
        weightGrad(g, x, 0, dy, 0, dw, 0);
    }

    /** dw = dL/dw given dy = dL/dy, summed over the batch, arrays read from the given offsets: x {@code [N, C, H, W]}, dy {@code [N, O, OH, OW]}; dw {@code [O, C/groups, kh, kw]} is overwritten. */
    public static void weightGrad(Conv2dGeometry g, Object x, int xOff, Object dy, int dyOff, Object dw, int dwOff) {
        boolean f32 = KernelChecks.isFloat32("conv2d", x, dy, dw);
        KernelChecks.range("conv2d", "x", x, xOff, g.inputSize());
        KernelChecks.range("conv2d", "dy", dy, dyOff, g.outputSize());
        KernelChecks.range("conv2d", "dw", dw, dwOff, g.weightSize());
        if (f32) {
            ConvF32.weightGrad(g, (float[]) x, xOff, (float[]) dy, dyOff, (float[]) dw, dwOff);
        } else {
            ConvF64.weightGrad(g, (double[]) x, xOff, (double[]) dy, dyOff, (double[]) dw, dwOff);
        }
    }
}
