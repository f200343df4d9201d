package org.fluxion.kernels;

/**
 * 2-D max and average pooling on contiguous NCHW arrays (see {@link Pool2dGeometry} for the shapes and
 * output size). x is {@code [N, C, H, W]}, y {@code [N, C, OH, OW]}; each method overwrites its output.
 * Arrays are read from the given offsets on; every method also has an offset-free overload. Work is split
 * over the {@code N*C} planes when it is large enough.
 *
 * <p>The value arrays are all {@code float[]} (float32: {@link PoolF32}, vectorized max pooling) or all
 * {@code double[]} (float64: {@link PoolF64}, plain reference loops for exact checks); each method picks
 * the body once. Argmax arrays are {@code int[]} in both.
 *
 * <p>Max pooling: {@code y[n,c,r,q] = max} over the window {@code [r*sh - ph, +kh) x [q*sw - pw, +kw)}
 * (padding acts as -infinity); {@code argmax[n,c,r,q]} is the flat index {@code ih*W + iw} of that
 * maximum within the (n, c) input plane. Ties go to the first element in row-major order; if the window
 * holds a NaN the output is NaN (as in PyTorch). The backward pass scatter-adds dy at argmax; its
 * transpose, {@link #maxSelect}, gathers at argmax.
 *
 * <p>Average pooling: {@code y = sum(window) / divisor}, the divisor being the window size clipped to the
 * padded input when {@code countIncludePad}, else the number of real input elements in the window.
 */
public final class Pool2dKernels {
    /** Below about this many window reads per chunk a thread hand-off costs more than it saves. */
    private static final long MIN_PARALLEL_WORK = 1 << 16;

    private Pool2dKernels() {
    }

    /** Max pooling: x {@code [N,C,H,W]}; y and argmax {@code [N,C,OH,OW]} are overwritten. */
    public static void maxForward(Pool2dGeometry g, Object x, Object y, int[] argmax) {
        maxForward(g, x, 0, y, 0, argmax, 0);
    }

    /** Max pooling with offsets; {@code argmax[aOff + i]} belongs to {@code y[yOff + i]}. */
    public static void maxForward(Pool2dGeometry g, Object x, int xOff, Object y, int yOff, int[] argmax, int aOff) {
        boolean f32 = KernelChecks.isFloat32("maxPool2d", x, y);
        KernelChecks.range("maxPool2d", "x", x, xOff, g.inputSize());
        KernelChecks.range("maxPool2d", "y", y, yOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        if (f32) {
            PoolF32.maxForward(g, (float[]) x, xOff, (float[]) y, yOff, argmax, aOff);
        } else {
            PoolF64.maxForward(g, (double[]) x, xOff, (double[]) y, yOff, argmax, aOff);
        }
    }

    /**
     * Max pooling without the argmax: y {@code [N,C,OH,OW]} at {@code yOff} is overwritten with the same
     * values as {@link #maxForward}'s, for a caller that does not route a gradient through them.
     */
    public static void maxValues(Pool2dGeometry g, Object x, int xOff, Object y, int yOff) {
        boolean f32 = KernelChecks.isFloat32("maxPool2d", x, y);
        KernelChecks.range("maxPool2d", "x", x, xOff, g.inputSize());
        KernelChecks.range("maxPool2d", "y", y, yOff, g.outputSize());
        if (f32) {
            PoolF32.maxValues(g, (float[]) x, xOff, (float[]) y, yOff);
        } else {
            PoolF64.maxForward(g, (double[]) x, xOff, (double[]) y, yOff, new int[g.outputSize()], 0);
        }
    }

    /** Max pooling gradient: dx {@code [N,C,H,W]} is zeroed, then {@code dx[plane + argmax[i]] += dy[i]}. */
    public static void maxBackward(Pool2dGeometry g, Object dy, int[] argmax, Object dx) {
        maxBackward(g, dy, 0, argmax, 0, dx, 0);
    }

    /** Max pooling gradient with offsets; throws if an argmax lies outside its input plane. */
    public static void maxBackward(Pool2dGeometry g, Object dy, int dyOff, int[] argmax, int aOff, Object dx, int dxOff) {
        boolean f32 = KernelChecks.isFloat32("maxPool2d", dy, dx);
        KernelChecks.range("maxPool2d", "dy", dy, dyOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        KernelChecks.range("maxPool2d", "dx", dx, dxOff, g.inputSize());
        if (f32) {
            PoolF32.maxBackward(g, (float[]) dy, dyOff, argmax, aOff, (float[]) dx, dxOff);
        } else {
            PoolF64.maxBackward(g, (double[]) dy, dyOff, argmax, aOff, (double[]) dx, dxOff);
        }
    }

    /**
     * The flat index, within its plane, of each window's maximum of x {@code [N,C,H,W]} at {@code xOff}: the
     * argmax of {@link #maxForward}, for a gradient that recomputes the routing from x.
     */
    public static int[] maxArgmax(Pool2dGeometry g, Object x, int xOff) {
        int[] argmax = new int[g.outputSize()];
        Object maxima = x instanceof double[] ? new double[argmax.length] : new float[argmax.length]; // not needed
        maxForward(g, x, xOff, maxima, 0, argmax, 0);
        return argmax;
    }

    /**
     * Max pooling gradient routed by x itself (no argmax kept from the forward pass): dx {@code [N,C,H,W]} at
     * {@code dxOff} is overwritten with dy at each window's maximum in x and zero elsewhere, as
     * {@link #maxBackward} with the argmax of {@link #maxForward}. The 2x2 stride-2 float32 windows take one
     * vectorized pass; others compute the argmax first.
     */
    public static void maxBackwardFromInput(Pool2dGeometry g, Object x, int xOff, Object dy, int dyOff, Object dx,
                                            int dxOff) {
        maxBackwardFromInput(g, x, xOff, dy, dyOff, dx, dxOff, false);
    }

    /**
     * As {@link #maxBackwardFromInput(Pool2dGeometry, Object, int, Object, int, Object, int)}, then, when
     * {@code positiveOnly}, {@code dx = where(x > 0, dx, 0)}: the gradient through a ReLU whose output x is (the
     * 2x2 stride-2 pass drops the windows whose maximum is not positive as it routes).
     */
    public static void maxBackwardFromInput(Pool2dGeometry g, Object x, int xOff, Object dy, int dyOff, Object dx,
                                            int dxOff, boolean positiveOnly) {
        boolean f32 = KernelChecks.isFloat32("maxPool2dGrad", x, dy, dx);
        KernelChecks.range("maxPool2dGrad", "x", x, xOff, g.inputSize());
        KernelChecks.range("maxPool2dGrad", "dy", dy, dyOff, g.outputSize());
        KernelChecks.range("maxPool2dGrad", "dx", dx, dxOff, g.inputSize());
        if (f32 && Vectorization.ENABLED && MaxPool2x2F32.applies(g)) {
            float[] xf = (float[]) x, dyf = (float[]) dy, dxf = (float[]) dx;
            forPlanes(g, (start, end) -> MaxPool2x2F32.backward(g, xf, xOff, dyf, dyOff, dxf, dxOff, start, end,
                    positiveOnly));
            return;
        }
        maxBackward(g, dy, dyOff, maxArgmax(g, x, xOff), 0, dx, dxOff);
        if (positiveOnly) {
            int n = g.inputSize();
            if (f32) {
                float[] xf = (float[]) x, dxf = (float[]) dx;
                for (int i = 0; i < n; i++) {
                    dxf[dxOff + i] = xf[xOff + i] > 0 ? dxf[dxOff + i] : 0f;
                }
            } else {
                double[] xd = (double[]) x, dxd = (double[]) dx;
                for (int i = 0; i < n; i++) {
                    dxd[dxOff + i] = xd[xOff + i] > 0 ? dxd[dxOff + i] : 0d;
                }
            }
        }
    }

    /**
     * True when {@code g} is the 2x2, stride-2, unpadded, floor-mode max pooling whose forward can record its
     * window codes ({@link #maxForwardWindows}).
     */
    public static boolean windowsApply(Pool2dGeometry g) {
        return MaxPoolWindowsF32.applies(g);
    }

    /**
     * float32 max pooling ({@link #windowsApply}) that also records each window's code in {@code win[wOff + i]}: the
     * position of its maximum in the window, 0 to 3 in row-major order (chosen as {@link #maxForward} chooses its
     * argmax), plus 4 when that maximum is not positive. y and win {@code [N,C,OH,OW]} are overwritten with y the
     * values of {@link #maxForward}.
     */
    public static void maxForwardWindows(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, byte[] win,
                                         int wOff) {
        requireWindows("maxPool2d", g);
        KernelChecks.range("maxPool2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("maxPool2d", "y", y.length, yOff, g.outputSize());
        KernelChecks.range("maxPool2d", "window codes", win.length, wOff, g.outputSize());
        if (Vectorization.ENABLED) {
            forPlanes(g, (start, end) -> MaxPool2x2F32.forwardWindows(g, x, xOff, y, yOff, win, wOff, start, end));
        } else {
            forPlanes(g, (start, end) -> MaxPoolWindowsF32.forward(g, x, xOff, y, yOff, win, wOff, start, end));
        }
    }

    /**
     * The gradient of {@link #maxForwardWindows} routed by its window codes: dx {@code [N,C,H,W]} at {@code dxOff}
     * is overwritten with the bits of {@link #maxBackwardFromInput} over the input the codes were recorded from
     * (with {@code positiveOnly}, the gradient through a ReLU before the pooling), reading a byte a window in place
     * of the window's four inputs. Only a code's low three bits are read (its position {@code code & 3}, its flag
     * {@code code & 4}), so no code routes dy outside its window.
     */
    public static void maxBackwardFromWindows(Pool2dGeometry g, byte[] win, int wOff, float[] dy, int dyOff,
                                              float[] dx, int dxOff, boolean positiveOnly) {
        requireWindows("maxPool2dGrad", g);
        KernelChecks.range("maxPool2dGrad", "window codes", win.length, wOff, g.outputSize());
        KernelChecks.range("maxPool2dGrad", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("maxPool2dGrad", "dx", dx.length, dxOff, g.inputSize());
        if (Vectorization.ENABLED) {
            forPlanes(g, (start, end) -> MaxPool2x2F32.backwardFromWindows(g, win, wOff, dy, dyOff, dx, dxOff, start,
                    end, positiveOnly));
        } else {
            forPlanes(g, (start, end) -> MaxPoolWindowsF32.backward(g, win, wOff, dy, dyOff, dx, dxOff, start, end,
                    positiveOnly));
        }
    }

    private static void requireWindows(String op, Pool2dGeometry g) {
        if (!windowsApply(g)) {
            throw new IllegalArgumentException(op + ": window codes need 2x2 windows, stride 2, no padding, floor "
                    + "mode; got " + g);
        }
    }

    /**
     * The transpose of {@link #maxBackward}: {@code y[i] = t[plane(i) + argmax[i]]}, t {@code [N,C,H,W]},
     * y {@code [N,C,OH,OW]} overwritten (max pooling's JVP, with t the tangent of x).
     */
    public static void maxSelect(Pool2dGeometry g, Object t, int tOff, int[] argmax, int aOff, Object y, int yOff) {
        boolean f32 = KernelChecks.isFloat32("maxPool2dSelect", t, y);
        KernelChecks.range("maxPool2dSelect", "t", t, tOff, g.inputSize());
        KernelChecks.range("maxPool2dSelect", "argmax", argmax.length, aOff, g.outputSize());
        KernelChecks.range("maxPool2dSelect", "y", y, yOff, g.outputSize());
        if (f32) {
            PoolF32.maxSelect(g, (float[]) t, tOff, argmax, aOff, (float[]) y, yOff);
        } else {
            PoolF64.maxSelect(g, (double[]) t, tOff, argmax, aOff, (double[]) y, yOff);
        }
    }

    /** Average pooling: x {@code [N,C,H,W]}; y {@code [N,C,OH,OW]} is overwritten. */
    public static void avgForward(Pool2dGeometry g, Object x, Object y, boolean countIncludePad) {
        avgForward(g, x, 0, y, 0, countIncludePad);
    }

    /** Average pooling with offsets. */
    public static void avgForward(Pool2dGeometry g, Object x, int xOff, Object y, int yOff, boolean countIncludePad) {
        boolean f32 = KernelChecks.isFloat32("avgPool2d", x, y);
        KernelChecks.range("avgPool2d", "x", x, xOff, g.inputSize());
        KernelChecks.range("avgPool2d", "y", y, yOff, g.outputSize());
        if (f32) {
            PoolF32.avgForward(g, (float[]) x, xOff, (float[]) y, yOff, countIncludePad);
        } else {
            PoolF64.avgForward(g, (double[]) x, xOff, (double[]) y, yOff, countIncludePad);
        }
    }

    /** Average pooling gradient: dx {@code [N,C,H,W]} is overwritten with {@code sum dy/divisor} over the windows holding each element. */
    public static void avgBackward(Pool2dGeometry g, Object dy, Object dx, boolean countIncludePad) {
        avgBackward(g, dy, 0, dx, 0, countIncludePad);
    }

    /** Average pooling gradient with offsets. */
    public static void avgBackward(Pool2dGeometry g, Object dy, int dyOff, Object dx, int dxOff, boolean countIncludePad) {
        boolean f32 = KernelChecks.isFloat32("avgPool2d", dy, dx);
        KernelChecks.range("avgPool2d", "dy", dy, dyOff, g.outputSize());
        KernelChecks.range("avgPool2d", "dx", dx, dxOff, g.inputSize());
        if (f32) {
            PoolF32.avgBackward(g, (float[]) dy, dyOff, (float[]) dx, dxOff, countIncludePad);
        } else {
            PoolF64.avgBackward(g, (double[]) dy, dyOff, (double[]) dx, dxOff, countIncludePad);
        }
    }

    // ---- shared by PoolF32 and PoolF64 ----

    /**
     * Runs {@code body} over the {@code N*C} planes, split over threads in chunks of at least
     * {@link #MIN_PARALLEL_WORK} window reads; planes are independent, so no reduction is needed.
     */
    static void forPlanes(Pool2dGeometry g, Parallel.RangeBody body) {
        long perPlane = (long) g.outHeight() * g.outWidth() * g.kernelH() * g.kernelW();
        int grain = (int) Math.min(Integer.MAX_VALUE, Math.max(1, MIN_PARALLEL_WORK / Math.max(1, perPlane)));
        Parallel.forRange(g.batch() * g.channels(), grain, body);
    }

    /** The error for an argmax {@code idx} (of output i) outside its input plane: it would corrupt a neighbour. */
    static IllegalArgumentException argmaxOutside(Pool2dGeometry g, int i, int idx) {
        return new IllegalArgumentException("maxPool2d: backward argmax[" + i + "] = " + idx
                + " is outside the " + g.height() + "x" + g.width() + " input plane");
    }
}
