package org.fluxion.kernels;

/**
 * The window codes of 2x2 stride-2 max pooling ({@link MaxPool2x2F32#applies}), element by element: the reference of
 * {@link MaxPool2x2F32}'s vector loops and the path without the Vector API. A window's code is the position of its
 * maximum, {@code 0..3} for top-left, top-right, bottom-left, bottom-right (chosen by {@code PoolF32.maxScalar}'s
 * rule: the first maximum wins, a NaN beats everything and the last NaN wins), plus {@link #NOT_POSITIVE} when that
 * maximum is not {@code > 0}. One byte a window is what the gradient needs of the forward's input: it routes dy
 * from it instead of reading the input again (PyTorch's {@code max_pool2d_with_indices}), and a ReLU before the
 * pooling passes nothing where the flag is set.
 */
final class MaxPoolWindowsF32 {
    /** Added to a window's position when its maximum is not positive (zero, negative or NaN). */
    static final int NOT_POSITIVE = 4;

    private MaxPoolWindowsF32() {
    }

    /**
     * True when {@code g} is the 2x2, stride-2, unpadded, floor-mode pooling (every window inside the input) of this
     * class and {@link MaxPool2x2F32}; here, in a class without the Vector API, so that callers may ask without it.
     */
    static boolean applies(Pool2dGeometry g) {
        return g.kernelH() == 2 && g.kernelW() == 2 && g.strideH() == 2 && g.strideW() == 2
                && g.padH() == 0 && g.padW() == 0
                && 2 * g.outHeight() <= g.height() && 2 * g.outWidth() <= g.width();
    }

    /** Planes {@code [start, end)}: y and the window codes, as {@link MaxPool2x2F32#forward} lays out y and argmax. */
    static void forward(Pool2dGeometry g, float[] x, int xOff, float[] y, int yOff, byte[] win, int wOff, int start,
                        int end) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        for (int plane = start; plane < end; plane++) {
            int xp = xOff + plane * h * w;
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int a = xp + 2 * r * w + 2 * q;
                    float m = x[a];
                    int pos = 0;
                    for (int k = 1; k < 4; k++) { // top-right, bottom-left, bottom-right
                        float v = x[a + k / 2 * w + k % 2];
                        if (v > m || v != v) {
                            m = v;
                            pos = k;
                        }
                    }
                    int o = (plane * oh + r) * ow + q;
                    y[yOff + o] = m;
                    win[wOff + o] = (byte) (pos + (m > 0 ? 0 : NOT_POSITIVE));
                }
            }
        }
    }

    /**
     * Planes {@code [start, end)} of dx: each window's {@code dy + 0} at its coded position and zero at the other
     * three (none with {@code positiveOnly} and the flag set), and zero in the rows and columns no window covers.
     */
    static void backward(Pool2dGeometry g, byte[] win, int wOff, float[] dy, int dyOff, float[] dx, int dxOff,
                         int start, int end, boolean positiveOnly) {
        int h = g.height(), w = g.width(), oh = g.outHeight(), ow = g.outWidth();
        for (int plane = start; plane < end; plane++) {
            int gp = dxOff + plane * h * w;
            java.util.Arrays.fill(dx, gp, gp + h * w, 0f);
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int o = (plane * oh + r) * ow + q;
                    int code = win[wOff + o];
                    if (positiveOnly && (code & NOT_POSITIVE) != 0) {
                        continue;
                    }
                    int pos = code & 3;
                    dx[gp + (2 * r + pos / 2) * w + 2 * q + pos % 2] = dy[dyOff + o] + 0f;
                }
            }
        }
    }
}
