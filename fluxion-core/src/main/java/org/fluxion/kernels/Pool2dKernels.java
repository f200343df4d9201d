package org.fluxion.kernels;

/**
 * 2-D max and average pooling on contiguous NCHW arrays, float32 and float64 (see {@link Pool2dGeometry}
 * for the shapes and output size). x is {@code [N, C, H, W]}, y {@code [N, C, OH, OW]}; each method
 * overwrites its output. Arrays are read from the given offsets on; every method also has an
 * offset-free overload. Work is split over the {@code N*C} planes when it is large enough.
 *
 * <p>Max pooling: {@code y[n,c,r,q] = max} over the window {@code [r*sh - ph, +kh) x [q*sw - pw, +kw)}
 * (padding acts as -infinity); {@code argmax[n,c,r,q]} is the flat index {@code ih*W + iw} of that
 * maximum within the (n, c) input plane. Ties go to the first element in row-major order; if the window
 * holds a NaN the output is NaN (as in PyTorch). The backward pass scatter-adds dy at argmax.
 *
 * <p>Average pooling: {@code y = sum(window) / divisor}, the divisor being the window size clipped to the
 * padded input when {@code countIncludePad}, else the number of real input elements in the window.
 */
public final class Pool2dKernels {
    private Pool2dKernels() {
    }

    /** Max pooling: x {@code [N,C,H,W]}; y and argmax {@code [N,C,OH,OW]} are overwritten. */
    public static void maxForward(Pool2dGeometry g, float[] x, float[] y, int[] argmax) {
        maxForward(g, x, 0, y, 0, argmax, 0);
    }

    /** Max pooling with offsets; {@code argmax[aOff + i]} belongs to {@code y[yOff + i]}. */
    public static void maxForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, int[] argmax, int aOff) {
        KernelChecks.range("maxPool2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("maxPool2d", "y", y.length, yOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        PoolF32.maxForward(g, x, xOff, y, yOff, argmax, aOff);
    }

    /** Max pooling gradient: dx {@code [N,C,H,W]} is zeroed, then {@code dx[plane + argmax[i]] += dy[i]}. */
    public static void maxBackward(Pool2dGeometry g, float[] dy, int[] argmax, float[] dx) {
        maxBackward(g, dy, 0, argmax, 0, dx, 0);
    }

    /** Max pooling gradient with offsets; throws if an argmax lies outside its input plane. */
    public static void maxBackward(Pool2dGeometry g, float[] dy, int dyOff, int[] argmax, int aOff, float[] dx, int dxOff) {
        KernelChecks.range("maxPool2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        KernelChecks.range("maxPool2d", "dx", dx.length, dxOff, g.inputSize());
        PoolF32.maxBackward(g, dy, dyOff, argmax, aOff, dx, dxOff);
    }

    /** Average pooling: x {@code [N,C,H,W]}; y {@code [N,C,OH,OW]} is overwritten. */
    public static void avgForward(Pool2dGeometry g, float[] x, float[] y, boolean countIncludePad) {
        avgForward(g, x, 0, y, 0, countIncludePad);
    }

    /** Average pooling with offsets. */
    public static void avgForward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, boolean countIncludePad) {
        KernelChecks.range("avgPool2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("avgPool2d", "y", y.length, yOff, g.outputSize());
        PoolF32.avgForward(g, x, xOff, y, yOff, countIncludePad);
    }

    /** Average pooling gradient: dx {@code [N,C,H,W]} is overwritten with {@code sum dy/divisor} over the windows holding each element. */
    public static void avgBackward(Pool2dGeometry g, float[] dy, float[] dx, boolean countIncludePad) {
        avgBackward(g, dy, 0, dx, 0, countIncludePad);
    }

    /** Average pooling gradient with offsets. */
    public static void avgBackward(Pool2dGeometry g, float[] dy, int dyOff, float[] dx, int dxOff, boolean countIncludePad) {
        KernelChecks.range("avgPool2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("avgPool2d", "dx", dx.length, dxOff, g.inputSize());
        PoolF32.avgBackward(g, dy, dyOff, dx, dxOff, countIncludePad);
    }

    /** Max pooling: x {@code [N,C,H,W]}; y and argmax {@code [N,C,OH,OW]} are overwritten. */
    public static void maxForward(Pool2dGeometry g, double[] x, double[] y, int[] argmax) {
        maxForward(g, x, 0, y, 0, argmax, 0);
    }

    /** Max pooling with offsets; {@code argmax[aOff + i]} belongs to {@code y[yOff + i]}. */
    public static void maxForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, int[] argmax, int aOff) {
        KernelChecks.range("maxPool2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("maxPool2d", "y", y.length, yOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        PoolF64.maxForward(g, x, xOff, y, yOff, argmax, aOff);
    }

    /** Max pooling gradient: dx {@code [N,C,H,W]} is zeroed, then {@code dx[plane + argmax[i]] += dy[i]}. */
    public static void maxBackward(Pool2dGeometry g, double[] dy, int[] argmax, double[] dx) {
        maxBackward(g, dy, 0, argmax, 0, dx, 0);
    }

    /** Max pooling gradient with offsets; throws if an argmax lies outside its input plane. */
    public static void maxBackward(Pool2dGeometry g, double[] dy, int dyOff, int[] argmax, int aOff, double[] dx, int dxOff) {
        KernelChecks.range("maxPool2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("maxPool2d", "argmax", argmax.length, aOff, g.outputSize());
        KernelChecks.range("maxPool2d", "dx", dx.length, dxOff, g.inputSize());
        PoolF64.maxBackward(g, dy, dyOff, argmax, aOff, dx, dxOff);
    }

    /** Average pooling: x {@code [N,C,H,W]}; y {@code [N,C,OH,OW]} is overwritten. */
    public static void avgForward(Pool2dGeometry g, double[] x, double[] y, boolean countIncludePad) {
        avgForward(g, x, 0, y, 0, countIncludePad);
    }

    /** Average pooling with offsets. */
    public static void avgForward(Pool2dGeometry g, double[] x, int xOff, double[] y, int yOff, boolean countIncludePad) {
        KernelChecks.range("avgPool2d", "x", x.length, xOff, g.inputSize());
        KernelChecks.range("avgPool2d", "y", y.length, yOff, g.outputSize());
        PoolF64.avgForward(g, x, xOff, y, yOff, countIncludePad);
    }

    /** Average pooling gradient: dx {@code [N,C,H,W]} is overwritten with {@code sum dy/divisor} over the windows holding each element. */
    public static void avgBackward(Pool2dGeometry g, double[] dy, double[] dx, boolean countIncludePad) {
        avgBackward(g, dy, 0, dx, 0, countIncludePad);
    }

    /** Average pooling gradient with offsets. */
    public static void avgBackward(Pool2dGeometry g, double[] dy, int dyOff, double[] dx, int dxOff, boolean countIncludePad) {
        KernelChecks.range("avgPool2d", "dy", dy.length, dyOff, g.outputSize());
        KernelChecks.range("avgPool2d", "dx", dx.length, dxOff, g.inputSize());
        PoolF64.avgBackward(g, dy, dyOff, dx, dxOff, countIncludePad);
    }
}
