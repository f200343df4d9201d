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
 * method picks the body once. Without the Vector API ({@link Vectorization}) float32 runs the float64 loops on
 * widened copies and rounds the results once. Each method overwrites its output. Arrays are read from the given offsets
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
        if (f32 && !Vectorization.ENABLED) {
            double[] yd = new double[g.outputSize()];
            ConvF64.forward(g, widen(x, xOff, g.inputSize()), 0, widen(w, wOff, g.weightSize()), 0, yd, 0);
            narrow(yd, (float[]) y, yOff);
        } else if (f32) {
            ConvF32.forward(g, (float[]) x, xOff, (float[]) w, wOff, (float[]) y, yOff);
        } else {
            ConvF64.forward(g, (double[]) x, xOff, (double[]) w, wOff, (double[]) y, yOff);
        }
    }

    /**
     * {@code y = epilogue(conv2d(x, w))}: the forward with a bias, a residual and a ReLU applied as the output is
     * written ({@link Conv2dEpilogue}), equal bit for bit to the forward followed by those operations one by one.
     */
    public static void forward(Conv2dGeometry g, Object x, int xOff, Object w, int wOff, Object y, int yOff,
                               Conv2dEpilogue epilogue) {
        boolean f32 = KernelChecks.isFloat32("conv2d", x, w, y);
        epilogue.check(g, y);
        if (f32 && Vectorization.ENABLED) {
            KernelChecks.range("conv2d", "x", x, xOff, g.inputSize());
            KernelChecks.range("conv2d", "w", w, wOff, g.weightSize());
            KernelChecks.range("conv2d", "y", y, yOff, g.outputSize());
            ConvF32.forward(g, (float[]) x, xOff, (float[]) w, wOff, (float[]) y, yOff, ConvF32.Tuning.TUNED,
                    epilogue.isIdentity() ? null : epilogue);
            return;
        }
        forward(g, x, xOff, w, wOff, y, yOff);
        if (f32) {
            epilogue.apply(g, (float[]) y, yOff, 0, g.batch());
        } else {
            epilogue.apply(g, (double[]) y, yOff);
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
        if (f32 && !Vectorization.ENABLED) {
            double[] dxd = new double[g.inputSize()];
            ConvF64.inputGrad(g, widen(dy, dyOff, g.outputSize()), 0, widen(w, wOff, g.weightSize()), 0, dxd, 0);
            narrow(dxd, (float[]) dx, dxOff);
        } else if (f32) {
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
        if (f32 && !Vectorization.ENABLED) {
            double[] dwd = new double[g.weightSize()];
            ConvF64.weightGrad(g, widen(x, xOff, g.inputSize()), 0, widen(dy, dyOff, g.outputSize()), 0, dwd, 0);
            narrow(dwd, (float[]) dw, dwOff);
        } else if (f32) {
            ConvF32.weightGrad(g, (float[]) x, xOff, (float[]) dy, dyOff, (float[]) dw, dwOff);
        } else {
            ConvF64.weightGrad(g, (double[]) x, xOff, (double[]) dy, dyOff, (double[]) dw, dwOff);
        }
    }

    /** {@code a[off, off + n)} of a {@code float[]} as doubles (the float64 loops serve float32 without the Vector API). */
    private static double[] widen(Object a, int off, int n) {
        float[] f = (float[]) a;
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = f[off + i];
        return d;
    }

    /** {@code out[off..] = (float) d}: each sum of the float64 loops rounded once to float32. */
    private static void narrow(double[] d, float[] out, int off) {
        for (int i = 0; i < d.length; i++) out[off + i] = (float) d[i];
    }
}
