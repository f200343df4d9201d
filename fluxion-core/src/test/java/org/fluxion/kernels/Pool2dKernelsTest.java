package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Checks the pooling kernels against direct loops, finite differences and PyTorch's documented semantics. */
class Pool2dKernelsTest {

    // ---- direct reference loops, in double ----

    /** Reference max pooling; returns y, and writes argmax. */
    private static double[] naiveMax(Pool2dGeometry g, double[] x, int[] argmax) {
        int oh = g.outHeight(), ow = g.outWidth(), h = g.height(), w = g.width();
        double[] y = new double[g.outputSize()];
        for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    double best = Double.NaN;
                    int bestIdx = -1, lastNaN = -1;
                    for (int i = 0; i < g.kernelH(); i++) {
                        for (int j = 0; j < g.kernelW(); j++) {
                            int ih = r * g.strideH() - g.padH() + i, iw = q * g.strideW() - g.padW() + j;
                            if (ih < 0 || ih >= h || iw < 0 || iw >= w) {
                                continue;
                            }
                            double v = x[plane * h * w + ih * w + iw];
                            if (Double.isNaN(v)) {
                                lastNaN = ih * w + iw;
                            } else if (bestIdx < 0 || v > best) {
                                best = v;
                                bestIdx = ih * w + iw;
                            }
                        }
                    }
                    int o = (plane * oh + r) * ow + q;
                    y[o] = lastNaN >= 0 ? Double.NaN : best;
                    argmax[o] = lastNaN >= 0 ? lastNaN : bestIdx;
                }
            }
        }
        return y;
    }

    private static double[] naiveAvg(Pool2dGeometry g, double[] x, boolean countIncludePad) {
        int oh = g.outHeight(), ow = g.outWidth(), h = g.height(), w = g.width();
        double[] y = new double[g.outputSize()];
        for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    double s = 0;
                    int real = 0, padded = 0;
                    for (int i = 0; i < g.kernelH(); i++) {
                        for (int j = 0; j < g.kernelW(); j++) {
                            int ih = r * g.strideH() - g.padH() + i, iw = q * g.strideW() - g.padW() + j;
                            if (ih < h + g.padH() && iw < w + g.padW()) {
                                padded++; // inside the padded input (ceil mode can overhang it)
                            }
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                s += x[plane * h * w + ih * w + iw];
                                real++;
                            }
                        }
                    }
                    y[(plane * oh + r) * ow + q] = s / (countIncludePad ? padded : real);
                }
            }
        }
        return y;
    }

    /** Reference gradient of {@code <avg(x), dy>}: each dy spread evenly, by its divisor, over its window. */
    private static double[] naiveAvgBackward(Pool2dGeometry g, double[] dy, boolean countIncludePad) {
        int oh = g.outHeight(), ow = g.outWidth(), h = g.height(), w = g.width();
        double[] dx = new double[g.inputSize()];
        for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    int real = 0, padded = 0;
                    for (int pass = 0; pass < 2; pass++) {
                        double share = pass == 0 ? 0 : dy[(plane * oh + r) * ow + q] / (countIncludePad ? padded : real);
                        for (int i = 0; i < g.kernelH(); i++) {
                            for (int j = 0; j < g.kernelW(); j++) {
                                int ih = r * g.strideH() - g.padH() + i, iw = q * g.strideW() - g.padW() + j;
                                boolean inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
                                if (pass == 0) {
                                    padded += ih < h + g.padH() && iw < w + g.padW() ? 1 : 0;
                                    real += inside ? 1 : 0;
                                } else if (inside) {
                                    dx[plane * h * w + ih * w + iw] += share;
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    // ---- helpers ----

    private static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    /** Distinct values at least 0.01 apart, shuffled: max pooling is then differentiable everywhere. */
    private static double[] distinct(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i - n / 2) * 0.01;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            double t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void assertClose(String what, double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= tol * (1 + Math.abs(expected[i])))) {
                throw new AssertionError(what + " at " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    private static void assertClose(String what, double[] expected, float[] actual, double tol) {
        double[] d = new double[actual.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = actual[i];
        }
        assertClose(what, expected, d, tol);
    }

    /** Central differences of {@code <f(x), dy>} with respect to every element of x. */
    private static double[] finiteDifferences(Function<double[], double[]> f, double[] x, double[] dy, double step) {
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double saved = x[i];
            x[i] = saved + step;
            double plus = dot(f.apply(x), dy);
            x[i] = saved - step;
            double minus = dot(f.apply(x), dy);
            x[i] = saved;
            grad[i] = (plus - minus) / (2 * step);
        }
        return grad;
    }

    private static Pool2dGeometry randomGeometry(Random rnd, int batch, int channels) {
        while (true) {
            int kh = 1 + rnd.nextInt(4), kw = 1 + rnd.nextInt(4);
            try {
                return new Pool2dGeometry(batch, channels, 1 + rnd.nextInt(10), 1 + rnd.nextInt(10), kh, kw,
                        1 + rnd.nextInt(3), 1 + rnd.nextInt(3), rnd.nextInt(kh / 2 + 1), rnd.nextInt(kw / 2 + 1),
                        rnd.nextBoolean());
            } catch (IllegalArgumentException tooSmall) {
                // kernel larger than the padded input: draw again
            }
        }
    }

    /** All eight kernels on {@code g} against the direct loops. */
    private static void checkAll(Pool2dGeometry g, Random rnd) {
        double[] x = random(rnd, g.inputSize()), dy = random(rnd, g.outputSize());
        int[] argRef = new int[g.outputSize()];
        double[] yRef = naiveMax(g, x, argRef);
        double[] dxRef = new double[g.inputSize()];
        int hw = g.height() * g.width();
        for (int o = 0; o < dy.length; o++) {
            dxRef[o / (g.outHeight() * g.outWidth()) * hw + argRef[o]] += dy[o];
        }

        double[] y = random(rnd, g.outputSize()), dx = random(rnd, g.inputSize());
        int[] arg = new int[g.outputSize()];
        Pool2dKernels.maxForward(g, x, y, arg);
        assertArrayEquals(yRef, y, "f64 max " + g);
        assertArrayEquals(argRef, arg, "f64 argmax " + g);
        Pool2dKernels.maxBackward(g, dy, arg, dx);
        assertClose("f64 maxBackward " + g, dxRef, dx, 1e-14);

        float[] yf = new float[g.outputSize()], dxf = toFloat(random(rnd, g.inputSize()));
        int[] argf = new int[g.outputSize()];
        Pool2dKernels.maxForward(g, toFloat(x), yf, argf);
        assertClose("f32 max " + g, yRef, yf, 0);
        assertArrayEquals(argRef, argf, "f32 argmax " + g);
        float[] values = new float[g.outputSize() + 3];
        Pool2dKernels.maxValues(g, toFloat(x), 0, values, 3);
        assertArrayEquals(yf, java.util.Arrays.copyOfRange(values, 3, values.length), "f32 max values " + g);
        double[] valuesF64 = new double[g.outputSize()];
        Pool2dKernels.maxValues(g, x, 0, valuesF64, 0);
        assertArrayEquals(yRef, valuesF64, "f64 max values " + g);
        Pool2dKernels.maxBackward(g, toFloat(dy), argf, dxf);
        assertClose("f32 maxBackward " + g, dxRef, dxf, 1e-6);
        // routed by x: garbage in dx beforehand, offsets; the same floats as the argmax path's
        float[] routed = toFloat(random(rnd, g.inputSize() + 5));
        float[] dyOff = new float[g.outputSize() + 2];
        System.arraycopy(toFloat(dy), 0, dyOff, 2, g.outputSize());
        float[] xOff = new float[g.inputSize() + 1];
        System.arraycopy(toFloat(x), 0, xOff, 1, g.inputSize());
        Pool2dKernels.maxBackwardFromInput(g, xOff, 1, dyOff, 2, routed, 5);
        assertArrayEquals(dxf, java.util.Arrays.copyOfRange(routed, 5, routed.length), "f32 maxBackwardFromInput " + g);
        double[] routedF64 = random(rnd, g.inputSize());
        Pool2dKernels.maxBackwardFromInput(g, x, 0, dy, 0, routedF64, 0);
        assertClose("f64 maxBackwardFromInput " + g, dxRef, routedF64, 1e-14);

        for (boolean include : new boolean[] {false, true}) {
            String what = (include ? " countIncludePad " : " ") + g;
            double[] avgRef = naiveAvg(g, x, include);
            double[] avgDxRef = naiveAvgBackward(g, dy, include);
            double[] ya = random(rnd, g.outputSize()), dxa = random(rnd, g.inputSize());
            Pool2dKernels.avgForward(g, x, ya, include);
            Pool2dKernels.avgBackward(g, dy, dxa, include);
            assertClose("f64 avg" + what, avgRef, ya, 1e-14);
            assertClose("f64 avgBackward" + what, avgDxRef, dxa, 1e-14);
            float[] yaf = new float[g.outputSize()], dxaf = toFloat(random(rnd, g.inputSize()));
            Pool2dKernels.avgForward(g, toFloat(x), yaf, include);
            Pool2dKernels.avgBackward(g, toFloat(dy), dxaf, include);
            assertClose("f32 avg" + what, avgRef, yaf, 1e-6);
            assertClose("f32 avgBackward" + what, avgDxRef, dxaf, 1e-6);
        }
    }

    @Test
    void randomGeometriesMatchDirectLoops() {
        Random rnd = new Random(5);
        for (int t = 0; t < 300; t++) {
            checkAll(randomGeometry(rnd, 1 + rnd.nextInt(3), 1 + rnd.nextInt(3)), rnd);
        }
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 28, 28, 2, 2, 0, false), rnd);   // the MNIST shape
        checkAll(Pool2dGeometry.maxPool2d(3, 5, 11, 13, 2, 2, 0, false), rnd);   // 2x2 fast path, odd sizes
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 5, 71, 2, 2, 0, false), rnd);    // 2x2 rows of several vectors
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 4, 33, 2, 2, 0, false), rnd);
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 11, 11, 2, 2, 0, true), rnd);    // ceil mode: not the fast path
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 7, 9, 3, 2, 1, true), rnd);
        checkAll(Pool2dGeometry.avgPool2d(1, 2, 2, 2, 3, 2, 0, true), rnd);      // kernel overhangs, ceil mode
        // rows wide enough for full vector steps, and their tails, at strides 1-3
        checkAll(Pool2dGeometry.maxPool2d(1, 2, 5, 70, 3, 2, 1, true), rnd);
        checkAll(Pool2dGeometry.maxPool2d(1, 2, 4, 41, 2, 1, 0, false), rnd);
        checkAll(new Pool2dGeometry(1, 2, 6, 103, 2, 4, 2, 3, 1, 2, true), rnd);
        checkAll(Pool2dGeometry.maxPool2d(2, 3, 32, 32, 3, 2, 1, false), rnd);   // ResNet's stem pool
        checkAll(Pool2dGeometry.maxPool2d(1, 2, 33, 35, 3, 2, 1, true), rnd);
    }

    @Test
    void specialValuesMatchDirectLoops() {
        Random rnd = new Random(8);
        double[] specials = {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0.5, 0.5, -0.0, 0.0};
        for (int t = 0; t < 200; t++) {
            // every third: the 2x2 stride-2 unpadded fast path, odd sizes and planes shorter than a vector
            Pool2dGeometry g = t % 3 == 2 ? Pool2dGeometry.maxPool2d(1 + rnd.nextInt(3), 1 + rnd.nextInt(3),
                    2 + rnd.nextInt(27), 2 + rnd.nextInt(t % 2 == 0 ? 27 : 80), 2, 2, 0, false)
                    : t % 4 == 0 ? new Pool2dGeometry(1, 2, 3, 40 + rnd.nextInt(30), 2, 2 + rnd.nextInt(3),
                    1, 1 + rnd.nextInt(3), 0, rnd.nextInt(2), rnd.nextBoolean()) : randomGeometry(rnd, 1, 2);
            double[] x = random(rnd, g.inputSize());
            for (int i = 0; i < x.length; i++) {
                if (rnd.nextInt(4) == 0) {
                    x[i] = specials[rnd.nextInt(specials.length)];
                }
            }
            int[] argRef = new int[g.outputSize()], arg = new int[g.outputSize()], argf = new int[g.outputSize()];
            double[] yRef = naiveMax(g, x, argRef), y = new double[g.outputSize()];
            float[] yf = new float[g.outputSize()];
            Pool2dKernels.maxForward(g, x, y, arg);
            Pool2dKernels.maxForward(g, toFloat(x), yf, argf);
            assertArrayEquals(yRef, y, "f64 " + g);
            assertArrayEquals(argRef, arg, "f64 argmax " + g);
            assertArrayEquals(toFloat(yRef), yf, "f32 " + g);
            assertArrayEquals(argRef, argf, "f32 argmax " + g);
            // the separable values-only path keeps the row-major rule: signed zeros and NaNs as the argmax path's
            float[] values = new float[g.outputSize()];
            Pool2dKernels.maxValues(g, toFloat(x), 0, values, 0);
            assertArrayEquals(yf, values, "f32 max values " + g);
            float[] dy = toFloat(random(rnd, g.outputSize()));
            float[] dx = new float[g.inputSize()];
            Pool2dKernels.maxBackward(g, dy, argf, dx);
            float[] routed = toFloat(random(rnd, g.inputSize()));
            Pool2dKernels.maxBackwardFromInput(g, toFloat(x), 0, dy, 0, routed, 0);
            assertArrayEquals(dx, routed, "f32 maxBackwardFromInput " + g);
            // through a ReLU before the pooling: where(x > 0, dx, 0), NaN windows passing nothing
            float[] xf = toFloat(x), masked = toFloat(random(rnd, g.inputSize()));
            Pool2dKernels.maxBackwardFromInput(g, xf, 0, dy, 0, masked, 0, true);
            float[] want = dx.clone();
            for (int i = 0; i < want.length; i++) {
                want[i] = xf[i] > 0 ? want[i] : 0f;
            }
            assertArrayEquals(want, masked, "f32 maxBackwardFromInput positive only " + g);
            double[] maskedF64 = random(rnd, g.inputSize()), dxF64 = new double[g.inputSize()];
            double[] dyF64 = random(rnd, g.outputSize());
            Pool2dKernels.maxBackward(g, dyF64, arg, dxF64);
            Pool2dKernels.maxBackwardFromInput(g, x, 0, dyF64, 0, maskedF64, 0, true);
            for (int i = 0; i < dxF64.length; i++) {
                dxF64[i] = x[i] > 0 ? dxF64[i] : 0d;
            }
            assertArrayEquals(dxF64, maskedF64, "f64 maxBackwardFromInput positive only " + g);
        }
    }

    @Test
    void parallelPathMatchesDirectLoops() {
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(9);
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                checkAll(Pool2dGeometry.maxPool2d(6, 64, 28, 28, 2, 2, 0, false), rnd);
                checkAll(Pool2dGeometry.avgPool2d(3, 40, 30, 26, 3, 2, 1, true), rnd);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void maxBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(1);
        for (int t = 0; t < 20; t++) {
            Pool2dGeometry g = randomGeometry(rnd, 2, 2);
            double[] x = distinct(rnd, g.inputSize()), dy = random(rnd, g.outputSize());
            Function<double[], double[]> f = in -> {
                double[] y = new double[g.outputSize()];
                Pool2dKernels.maxForward(g, in, y, new int[g.outputSize()]);
                return y;
            };
            double[] y = new double[g.outputSize()], dx = new double[g.inputSize()];
            int[] arg = new int[g.outputSize()];
            Pool2dKernels.maxForward(g, x, y, arg);
            Pool2dKernels.maxBackward(g, dy, arg, dx);
            assertClose("max finite differences " + g, finiteDifferences(f, x, dy, 1e-4), dx, 1e-8);
        }
    }

    @Test
    void avgBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(2);
        for (int t = 0; t < 20; t++) {
            Pool2dGeometry g = randomGeometry(rnd, 2, 2);
            boolean include = rnd.nextBoolean();
            double[] x = random(rnd, g.inputSize()), dy = random(rnd, g.outputSize());
            Function<double[], double[]> f = in -> {
                double[] y = new double[g.outputSize()];
                Pool2dKernels.avgForward(g, in, y, include);
                return y;
            };
            double[] dx = new double[g.inputSize()];
            Pool2dKernels.avgBackward(g, dy, dx, include);
            assertClose("avg finite differences " + g, finiteDifferences(f, x, dy, 1e-3), dx, 1e-8);
        }
    }

    /**
     * 2x2 stride-2 max pooling that records a code per window: the same maxima as {@link Pool2dKernels#maxValues},
     * the position of {@link Pool2dKernels#maxArgmax} with the flag for a maximum that is not positive, and a
     * gradient routed by the codes with the bits of {@link Pool2dKernels#maxBackwardFromInput}, with and without the
     * ReLU; over ties, zeros, negatives, NaN and infinities, odd sizes and rows longer than two vectors.
     */
    @Test
    void windowCodesRouteTheGradientAsTheInputDoes() {
        Random rnd = new Random(31);
        int saved = Parallel.threads();
        float[] specials = {0f, -0f, 1f, -1f, 2f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY};
        try {
            for (int[] d : new int[][] {{2, 3, 26, 26}, {1, 2, 11, 11}, {3, 1, 7, 70}, {1, 1, 2, 2}, {2, 2, 5, 35}}) {
                Pool2dGeometry g = Pool2dGeometry.maxPool2d(d[0], d[1], d[2], d[3], 2, 2, 0, false);
                assertTrue(Pool2dKernels.windowsApply(g), g.toString());
                float[] x = new float[g.inputSize() + 3];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextInt(4) == 0 ? specials[rnd.nextInt(specials.length)] : rnd.nextInt(5) - 2;
                }
                float[] dy = toFloat(random(rnd, g.outputSize() + 1));
                dy[1] = -0f;
                for (int threads : new int[] {1, 3}) {
                    Parallel.setThreads(threads);
                    float[] y = new float[g.outputSize()];
                    float[] yValues = new float[g.outputSize()];
                    byte[] win = new byte[g.outputSize() + 2];
                    Pool2dKernels.maxForwardWindows(g, x, 3, y, 0, win, 2);
                    Pool2dKernels.maxValues(g, x, 3, yValues, 0);
                    assertArrayEquals(yValues, y, "maxima " + g);
                    int[] argmax = Pool2dKernels.maxArgmax(g, x, 3);
                    for (int i = 0; i < argmax.length; i++) {
                        int r = i / g.outWidth() % g.outHeight(), q = i % g.outWidth();
                        int at = argmax[i] - (2 * r * g.width() + 2 * q);
                        int pos = at / g.width() * 2 + at % g.width();
                        assertEquals(pos + (y[i] > 0 ? 0 : 4), win[2 + i], "code of window " + i + " of " + g);
                    }
                    for (boolean relu : new boolean[] {false, true}) {
                        float[] expected = new float[g.inputSize() + 1];
                        float[] actual = new float[g.inputSize() + 1];
                        java.util.Arrays.fill(actual, 7f);
                        expected[0] = 7f;
                        Pool2dKernels.maxBackwardFromInput(g, x, 3, dy, 1, expected, 1, relu);
                        Pool2dKernels.maxBackwardFromWindows(g, win, 2, dy, 1, actual, 1, relu);
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                                    "dx[" + i + "] relu=" + relu + " " + g);
                        }
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
        Pool2dGeometry three = Pool2dGeometry.maxPool2d(1, 1, 6, 6, 3, 3, 0, false);
        assertRejected("maxPool2d", new String[] {"window codes", "2x2"},
                () -> Pool2dKernels.maxForwardWindows(three, new float[36], 0, new float[4], 0, new byte[4], 0));
    }

    @Test
    void argmaxSemantics() {
        Pool2dGeometry g = Pool2dGeometry.maxPool2d(1, 1, 3, 4, 2, 2, 0, false); // windows cols {0,1} and {2,3}
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        double[] x = {
            5, 5, nan, 1,
            1, 5, 2, nan,
            0, 0, 0, 0};
        double[] y = new double[2];
        int[] arg = new int[2];
        Pool2dKernels.maxForward(g, x, y, arg);
        assertEquals(5, y[0]);
        assertEquals(0, arg[0], "ties go to the first maximum");
        assertTrue(Double.isNaN(y[1]), "NaN propagates");
        assertEquals(7, arg[1], "the last NaN wins, as in PyTorch");

        double[] ninf = {-inf, -inf, -inf, -inf, -inf, -inf, -inf, -inf, 0, 0, 0, 0};
        Pool2dKernels.maxForward(g, ninf, y, arg);
        assertEquals(-inf, y[0]);
        assertArrayEquals(new int[] {0, 2}, arg, "an all -inf window points at its first element");

        // padding acts as -infinity: negative inputs beat the zero-looking padding
        Pool2dGeometry p = Pool2dGeometry.maxPool2d(1, 2, 2, 2, 3, 1, 1, false);
        float[] xf = {-4, -3, -2, -1, -8, -7, -6, -5};
        float[] yf = new float[8];
        int[] af = new int[8];
        Pool2dKernels.maxForward(p, xf, yf, af);
        assertArrayEquals(new float[] {-1, -1, -1, -1, -5, -5, -5, -5}, yf);
        assertArrayEquals(new int[] {3, 3, 3, 3, 3, 3, 3, 3}, af, "indices are within the (n, c) plane");

        // random planes: argmax always points at the output value
        Random rnd = new Random(4);
        Pool2dGeometry r = Pool2dGeometry.maxPool2d(2, 3, 9, 8, 3, 2, 1, true);
        double[] xr = random(rnd, r.inputSize()), yr = new double[r.outputSize()];
        int[] ar = new int[r.outputSize()];
        Pool2dKernels.maxForward(r, xr, yr, ar);
        int p2 = r.outHeight() * r.outWidth();
        for (int o = 0; o < yr.length; o++) {
            assertEquals(yr[o], xr[o / p2 * 72 + ar[o]]);
        }
    }

    @Test
    void avgDivisorWithAndWithoutPadding() {
        Pool2dGeometry g = Pool2dGeometry.avgPool2d(1, 1, 2, 2, 3, 1, 1, false);
        double[] x = {1, 2, 3, 4}, y = new double[4];
        Pool2dKernels.avgForward(g, x, y, true);
        assertArrayEquals(new double[] {10 / 9.0, 10 / 9.0, 10 / 9.0, 10 / 9.0}, y, 1e-15);
        Pool2dKernels.avgForward(g, x, y, false);
        assertArrayEquals(new double[] {2.5, 2.5, 2.5, 2.5}, y, 1e-15);
        // ceil mode: the last window overhangs the padded input, and is divided by its clipped size
        Pool2dGeometry c = Pool2dGeometry.avgPool2d(1, 1, 1, 5, 1, 2, 1, 2, 0, 1, true);
        assertEquals(3, c.outWidth());
        double[] row = {1, 2, 3, 4, 5}, yc = new double[3];
        Pool2dKernels.avgForward(c, row, yc, true);
        assertArrayEquals(new double[] {1 / 2.0, (2 + 3) / 2.0, (4 + 5) / 2.0}, yc, 1e-15);
    }

    @Test
    void outputSizeFollowsPyTorch() {
        assertEquals(2, Pool2dGeometry.maxPool2d(1, 1, 5, 5, 2, 2, 0, false).outHeight());
        assertEquals(3, Pool2dGeometry.maxPool2d(1, 1, 5, 5, 2, 2, 0, true).outHeight());
        assertEquals(4, Pool2dGeometry.maxPool2d(1, 1, 6, 6, 3, 2, 1, true).outHeight());
        assertEquals(3, Pool2dGeometry.maxPool2d(1, 1, 6, 6, 3, 2, 1, false).outHeight());
        // ceil mode drops a last window that would start in the padding
        assertEquals(3, Pool2dGeometry.maxPool2d(1, 1, 5, 5, 2, 2, 1, true).outWidth());
        assertEquals(1, Pool2dGeometry.maxPool2d(1, 1, 2, 2, 3, 2, 0, true).outWidth());
        assertEquals(14, Pool2dGeometry.maxPool2d(64, 32, 28, 28, 2, 2, 0, false).outWidth());
    }

    private static void assertRejected(String op, String[] fragments, Runnable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertTrue(e.getMessage().startsWith(op + ":"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void geometryErrorsNameTheOperationAndValues() {
        assertRejected("maxPool2d", new String[] {"kernel size", "0x0"},
                () -> Pool2dGeometry.maxPool2d(1, 1, 4, 4, 0, 1, 0, false));
        assertRejected("avgPool2d", new String[] {"stride", "0x0"},
                () -> Pool2dGeometry.avgPool2d(1, 1, 4, 4, 2, 0, 0, false));
        assertRejected("maxPool2d", new String[] {"padding 2x2", "half", "3x3"},
                () -> Pool2dGeometry.maxPool2d(1, 1, 4, 4, 3, 1, 2, false));
        assertRejected("avgPool2d", new String[] {"padding", "-1"},
                () -> Pool2dGeometry.avgPool2d(1, 1, 4, 4, 3, 1, -1, false));
        assertRejected("maxPool2d", new String[] {"kernel 5x5", "3x3", "empty"},
                () -> Pool2dGeometry.maxPool2d(1, 1, 3, 3, 5, 1, 0, false));
        assertRejected("avgPool2d", new String[] {"channels", "0"},
                () -> Pool2dGeometry.avgPool2d(1, 0, 3, 3, 2, 1, 0, false));
        assertRejected("pool2d", new String[] {"batch", "-2"},
                () -> new Pool2dGeometry(-2, 1, 3, 3, 2, 2, 1, 1, 0, 0, false));
        Pool2dGeometry g = Pool2dGeometry.maxPool2d(1, 1, 4, 4, 2, 2, 0, false);
        assertRejected("maxPool2d", new String[] {"argmax needs 4", "length 3"},
                () -> Pool2dKernels.maxForward(g, new float[16], new float[4], new int[3]));
        assertRejected("maxPool2d", new String[] {"argmax[1] = 16", "4x4"},
                () -> Pool2dKernels.maxBackward(g, new double[4], new int[] {0, 16, 0, 0}, new double[16]));
    }
}
