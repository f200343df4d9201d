package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks the im2col/GEMM convolution kernels against direct loops, in float32 and float64, and the
 * gradient kernels against the adjoint identity {@code <conv(x,w), dy> = <x, dx> = <w, dw>}.
 */
class Conv2dKernelsTest {

    // ---- direct reference loops, in double; abs=true sums |terms| instead (the rounding-error scale) ----

    static double[] naiveForward(Conv2dGeometry g, double[] x, double[] w, boolean abs) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), oh = g.outHeight(), ow = g.outWidth();
        double[] y = new double[g.outputSize()];
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        double s = 0;
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < g.kernelH(); i++) {
                                for (int j = 0; j < g.kernelW(); j++) {
                                    int ih = r * g.strideH() - g.padH() + i * g.dilationH();
                                    int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                    if (ih < 0 || ih >= g.height() || iw < 0 || iw >= g.width()) {
                                        continue;
                                    }
                                    double t = w[((o * cg + c) * g.kernelH() + i) * g.kernelW() + j]
                                            * x[((n * g.inChannels() + (o / og) * cg + c) * g.height() + ih) * g.width() + iw];
                                    s += abs ? Math.abs(t) : t;
                                }
                            }
                        }
                        y[((n * g.outChannels() + o) * oh + r) * ow + q] = s;
                    }
                }
            }
        }
        return y;
    }

    /** Calls {@code term(xIndex, wIndex, yIndex)} for every multiply-add of the convolution. */
    private interface Term {
        void at(int xi, int wi, int yi);
    }

    private static void forEachTerm(Conv2dGeometry g, Term t) {
        int cg = g.inPerGroup(), og = g.outPerGroup(), oh = g.outHeight(), ow = g.outWidth();
        for (int n = 0; n < g.batch(); n++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int r = 0; r < oh; r++) {
                    for (int q = 0; q < ow; q++) {
                        for (int c = 0; c < cg; c++) {
                            for (int i = 0; i < g.kernelH(); i++) {
                                for (int j = 0; j < g.kernelW(); j++) {
                                    int ih = r * g.strideH() - g.padH() + i * g.dilationH();
                                    int iw = q * g.strideW() - g.padW() + j * g.dilationW();
                                    if (ih >= 0 && ih < g.height() && iw >= 0 && iw < g.width()) {
                                        t.at(((n * g.inChannels() + (o / og) * cg + c) * g.height() + ih) * g.width() + iw,
                                                ((o * cg + c) * g.kernelH() + i) * g.kernelW() + j,
                                                ((n * g.outChannels() + o) * oh + r) * ow + q);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static double[] naiveInputGrad(Conv2dGeometry g, double[] dy, double[] w, boolean abs) {
        double[] dx = new double[g.inputSize()];
        forEachTerm(g, (xi, wi, yi) -> dx[xi] += abs ? Math.abs(w[wi] * dy[yi]) : w[wi] * dy[yi]);
        return dx;
    }

    private static double[] naiveWeightGrad(Conv2dGeometry g, double[] x, double[] dy, boolean abs) {
        double[] dw = new double[g.weightSize()];
        forEachTerm(g, (xi, wi, yi) -> dw[wi] += abs ? Math.abs(x[xi] * dy[yi]) : x[xi] * dy[yi]);
        return dw;
    }

    // ---- helpers ----

    private static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rnd.nextDouble() * 2 - 1;
        }
        return a;
    }

    /** Rounds to float so that float and double kernels see the same inputs. */
    static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] abs(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.abs(a[i]);
        }
        return r;
    }

    private static void assertClose(String what, Conv2dGeometry g, double[] expected, double[] scale,
                                    double[] actual, double relTol) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * scale[i] + relTol * 1e-2;
            if (!(Math.abs(expected[i] - actual[i]) <= tol)) {
                throw new AssertionError(what + " mismatch at " + i + ": expected " + expected[i] + ", got "
                        + actual[i] + " (tol " + tol + ") for " + g);
            }
        }
    }

    /** Runs all six kernels on {@code g} with random data and checks them against the direct loops. */
    private static void checkAll(Conv2dGeometry g, Random rnd) {
        checkAll(g, rnd, ConvF32.Tuning.TUNED);
    }

    /** {@link #checkAll(Conv2dGeometry, Random)} with the float32 kernels run under {@code tuning}. */
    private static void checkAll(Conv2dGeometry g, Random rnd, ConvF32.Tuning tuning) {
        double[] x = toDouble(toFloat(random(rnd, g.inputSize())));
        double[] w = toDouble(toFloat(random(rnd, g.weightSize())));
        double[] dy = toDouble(toFloat(random(rnd, g.outputSize())));

        double[] yRef = naiveForward(g, x, w, false), yScale = naiveForward(g, abs(x), abs(w), false);
        double[] dxRef = naiveInputGrad(g, dy, w, false), dxScale = naiveInputGrad(g, dy, w, true);
        double[] dwRef = naiveWeightGrad(g, x, dy, false), dwScale = naiveWeightGrad(g, x, dy, true);

        // float64: outputs pre-filled with garbage to check they are overwritten
        double[] y = random(rnd, g.outputSize()), dx = random(rnd, g.inputSize()), dw = random(rnd, g.weightSize());
        Conv2dKernels.forward(g, x, w, y);
        Conv2dKernels.inputGrad(g, dy, w, dx);
        Conv2dKernels.weightGrad(g, x, dy, dw);
        assertClose("f64 forward", g, yRef, yScale, y, 1e-12);
        assertClose("f64 inputGrad", g, dxRef, dxScale, dx, 1e-12);
        assertClose("f64 weightGrad", g, dwRef, dwScale, dw, 1e-12);

        // adjoint identity, from the kernels alone
        double a = dot(y, dy), b = dot(x, dx), c = dot(w, dw);
        double scale = dot(yScale, abs(dy)) + 1e-300;
        assertTrue(Math.abs(a - b) <= 1e-12 * scale && Math.abs(a - c) <= 1e-12 * scale,
                "adjoint identity: <y,dy>=" + a + " <x,dx>=" + b + " <w,dw>=" + c + " for " + g);

        // float32
        float[] yf = toFloat(random(rnd, g.outputSize())), dxf = toFloat(random(rnd, g.inputSize()));
        float[] dwf = toFloat(random(rnd, g.weightSize()));
        if (tuning == ConvF32.Tuning.TUNED) { // through the public dispatch
            Conv2dKernels.forward(g, toFloat(x), toFloat(w), yf);
            Conv2dKernels.inputGrad(g, toFloat(dy), toFloat(w), dxf);
            Conv2dKernels.weightGrad(g, toFloat(x), toFloat(dy), dwf);
        } else {
            ConvF32.forward(g, toFloat(x), 0, toFloat(w), 0, yf, 0, tuning);
            ConvF32.inputGrad(g, toFloat(dy), 0, toFloat(w), 0, dxf, 0, tuning);
            ConvF32.weightGrad(g, toFloat(x), 0, toFloat(dy), 0, dwf, 0, tuning);
        }
        assertClose("f32 forward", g, yRef, yScale, toDouble(yf), 2e-5);
        assertClose("f32 inputGrad", g, dxRef, dxScale, toDouble(dxf), 2e-5);
        assertClose("f32 weightGrad", g, dwRef, dwScale, toDouble(dwf), 2e-5);
    }

    private static Conv2dGeometry randomGeometry(Random rnd) {
        while (true) {
            int[] groupChoices = {1, 1, 2, 4, -1};
            int gc = groupChoices[rnd.nextInt(groupChoices.length)];
            int groups = gc > 0 ? gc : 1 + rnd.nextInt(6);
            int inC = gc > 0 ? groups * (1 + rnd.nextInt(3)) : groups;       // gc < 0: depthwise
            int outC = groups * (1 + rnd.nextInt(3));
            try {
                return new Conv2dGeometry(1 + rnd.nextInt(3), inC, 1 + rnd.nextInt(10), 1 + rnd.nextInt(10), outC,
                        1 + rnd.nextInt(4), 1 + rnd.nextInt(4), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3),
                        rnd.nextInt(3), rnd.nextInt(3), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2), groups);
            } catch (IllegalArgumentException tooSmall) {
                // kernel larger than the padded input: draw again
            }
        }
    }

    @Test
    void randomGeometriesMatchDirectLoops() {
        Random rnd = new Random(42);
        for (int t = 0; t < 300; t++) {
            checkAll(randomGeometry(rnd), rnd);
        }
    }

    @Test
    void specificShapes() {
        Random rnd = new Random(7);
        List<Conv2dGeometry> shapes = new ArrayList<>();
        shapes.add(Conv2dGeometry.of(2, 1, 28, 28, 4, 3, 1, 1, 1, 1));          // MNIST layer 1, pad 1
        shapes.add(Conv2dGeometry.of(2, 1, 28, 28, 4, 3, 1, 0, 1, 1));          // pad 0
        shapes.add(Conv2dGeometry.of(2, 6, 14, 14, 8, 3, 1, 1, 1, 1));          // MNIST layer 2 (scaled down)
        shapes.add(new Conv2dGeometry(2, 3, 7, 11, 5, 2, 5, 1, 2, 0, 2, 2, 1, 1));  // non-square everything
        shapes.add(Conv2dGeometry.of(3, 8, 5, 7, 4, 1, 1, 0, 1, 1));            // pointwise
        shapes.add(Conv2dGeometry.of(3, 8, 5, 7, 4, 1, 1, 0, 1, 4));            // pointwise, grouped
        shapes.add(Conv2dGeometry.of(2, 6, 9, 9, 6, 1, 2, 0, 1, 1));            // 1x1 strided
        shapes.add(Conv2dGeometry.of(2, 6, 9, 9, 6, 1, 1, 1, 1, 2));            // 1x1 padded
        shapes.add(Conv2dGeometry.of(2, 6, 8, 8, 12, 3, 1, 1, 1, 6));           // depthwise, multiplier 2
        shapes.add(Conv2dGeometry.of(1, 2, 3, 3, 2, 3, 1, 0, 1, 1));            // 1x1 output
        shapes.add(Conv2dGeometry.of(1, 2, 1, 1, 3, 3, 1, 1, 1, 1));            // 1x1 input, all padding
        shapes.add(Conv2dGeometry.of(1, 1, 4, 4, 1, 2, 3, 2, 2, 1));            // stride > kernel span
        // stride-1 rows around one vector width (whole vectors plus masked tails in im2col/col2im)
        shapes.add(Conv2dGeometry.of(2, 3, 5, 16, 4, 3, 1, 1, 2, 1));
        shapes.add(Conv2dGeometry.of(2, 3, 5, 17, 4, 3, 1, 0, 1, 1));
        shapes.add(new Conv2dGeometry(2, 3, 6, 37, 4, 3, 4, 1, 1, 1, 2, 1, 2, 1));
        shapes.add(new Conv2dGeometry(2, 3, 9, 13, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1)); // strided rows only
        // stride-2 rows of one vector and more (a stem's im2col, copied by vector permutes; the last ones near x's end)
        shapes.add(Conv2dGeometry.of(2, 3, 12, 70, 5, 7, 2, 3, 1, 1));
        shapes.add(new Conv2dGeometry(1, 2, 5, 67, 3, 3, 3, 1, 2, 0, 0, 1, 1, 1));
        shapes.add(new Conv2dGeometry(1, 1, 2, 64, 2, 1, 2, 1, 2, 0, 0, 1, 1, 1)); // the last vector would pass x's end
        for (Conv2dGeometry g : shapes) {
            checkAll(g, rnd);
        }
    }

    @Test
    void parallelPathMatchesDirectLoops() {
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(3);
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                // enough work per sample for a grain of 1, so the batch splits over all threads
                checkAll(Conv2dGeometry.of(7, 8, 14, 14, 16, 3, 1, 1, 1, 1), rnd);
                checkAll(Conv2dGeometry.of(6, 16, 12, 10, 16, 3, 2, 1, 2, 2), rnd);
                checkAll(Conv2dGeometry.of(5, 64, 12, 12, 32, 1, 1, 0, 1, 1), rnd);
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void batchSplitInSeveralSubBatchesMatchesDirectLoops() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(11);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                List<Conv2dGeometry> shapes = List.of(
                        Conv2dGeometry.of(11, 6, 9, 8, 8, 3, 1, 1, 1, 2),                 // grouped, padded
                        Conv2dGeometry.of(9, 1, 6, 6, 8, 5, 1, 0, 1, 1),                  // one input channel
                        Conv2dGeometry.of(10, 8, 3, 2, 12, 1, 1, 0, 1, 4),                // pointwise, grouped
                        new Conv2dGeometry(7, 3, 9, 11, 4, 2, 3, 2, 1, 1, 0, 1, 2, 1));  // strided, dilated
                for (Conv2dGeometry g : shapes) {
                    long perSample = Math.max((long) g.inChannels() * g.kernelH() * g.kernelW(), g.outChannels())
                            * g.outHeight() * g.outWidth();
                    // buffers of 1, 2 and 3 samples: several float32 sub-batches per chunk, the last one
                    // short, and one-sample sub-batches (the direct path)
                    for (int samples = 1; samples <= 3; samples++) {
                        int floats = (int) (samples * perSample);
                        assertEquals(Math.min(samples, g.batch()), ConvF32.subBatch(g, samples, floats));
                        checkAll(g, rnd, subBatchFloats(floats));
                    }
                }
                assertTrue(ConvF32.subBatch(Conv2dGeometry.of(64, 32, 13, 13, 64, 3, 1, 0, 1, 1), 32,
                        ConvF32.Tuning.TUNED.subBatchFloats()) > 1);
                checkAll(Conv2dGeometry.of(5, 1, 12, 12, 6, 3, 1, 0, 1, 1), rnd);  // small weights: one sample at a time
            }
            Random geo = new Random(5);
            for (int t = 0; t < 60; t++) {
                checkAll(randomGeometry(geo), rnd, subBatchFloats(2000));
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void weightBoundLayersRunTheBatchAsOneParallelGemm() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(19);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(5, 48, 2, 3, 64, 3, 1, 1, 1, 1),                 // a deep stage's small plane
                    new Conv2dGeometry(7, 24, 5, 4, 40, 3, 2, 2, 1, 1, 0, 1, 1, 1),    // strided, odd sizes
                    Conv2dGeometry.of(3, 32, 3, 3, 32, 3, 1, 1, 1, 2));                // grouped
            for (Conv2dGeometry g : shapes) {
                assertTrue(ConvF32.weightBound(g), "weight-bound: " + g);
                assertEquals(g.batch(), ConvF32.weightBoundSubBatch(g), "one sub-batch: " + g);
            }
            assertFalse(ConvF32.weightBound(Conv2dGeometry.of(32, 64, 16, 16, 64, 3, 1, 1, 1, 1)));
            assertFalse(ConvF32.weightBound(Conv2dGeometry.of(1, 512, 2, 2, 512, 3, 1, 1, 1, 1))); // one sample
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    checkAll(g, rnd);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void sameSizeGeometriesCopyShiftedPlanes() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(29);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(3, 4, 2, 2, 8, 3, 1, 1, 1, 1),                   // a 2x2 plane: wraps every row
                    Conv2dGeometry.of(2, 5, 4, 7, 6, 3, 1, 1, 1, 1),                   // not square
                    Conv2dGeometry.of(2, 4, 6, 5, 4, 3, 1, 2, 2, 2),                   // dilated, grouped
                    Conv2dGeometry.of(2, 3, 5, 5, 4, 5, 1, 2, 1, 1),                   // 5x5: shifts of two
                    new Conv2dGeometry(2, 3, 3, 8, 5, 1, 3, 1, 1, 0, 1, 1, 1, 1),      // 1x3 window
                    Conv2dGeometry.of(1, 2, 1, 1, 3, 3, 1, 1, 1, 1),                   // a 1x1 plane: all but the centre 0
                    Conv2dGeometry.of(40, 16, 2, 2, 16, 3, 1, 1, 1, 1));              // several sub-batches
            for (Conv2dGeometry g : shapes) {
                assertTrue(Im2ColF32.isSameSize(g), g.toString());
            }
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    checkAll(g, rnd);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void epilogueEqualsTheOperationsOneByOne() {
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(23);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(1, 6, 9, 8, 8, 3, 1, 1, 1, 2),                   // batch 1, grouped
                    Conv2dGeometry.of(7, 8, 5, 6, 12, 1, 1, 0, 1, 4),                  // pointwise, grouped
                    Conv2dGeometry.of(9, 4, 7, 7, 6, 3, 1, 1, 1, 1),                   // sub-batches
                    Conv2dGeometry.of(5, 48, 2, 3, 64, 3, 1, 1, 1, 1),                 // weight-bound
                    Conv2dGeometry.of(3, 5, 18, 18, 11, 3, 1, 1, 1, 1),                // shifted planes
                    Conv2dGeometry.of(1, 512, 2, 2, 64, 3, 1, 1, 1, 1));               // dot products
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
                    float[] bias = toFloat(random(rnd, g.outChannels() + 2));
                    float[] residual = toFloat(random(rnd, g.outputSize() + 1));
                    int p = g.outHeight() * g.outWidth();
                    for (int variant = 0; variant < 8; variant++) {
                        boolean b = (variant & 1) != 0, r = (variant & 2) != 0, relu = (variant & 4) != 0;
                        float[] want = new float[g.outputSize()];
                        Conv2dKernels.forward(g, x, 0, w, 0, want, 0);
                        for (int i = 0; i < want.length; i++) {
                            float v = want[i];
                            v = b ? v + bias[2 + i / p % g.outChannels()] : v;
                            v = r ? v + residual[1 + i] : v;
                            want[i] = relu ? (v > 0 || v != v ? v : 0f) : v;
                        }
                        float[] got = toFloat(random(rnd, g.outputSize() + 3));
                        Conv2dKernels.forward(g, x, 0, w, 0, got, 3, new Conv2dEpilogue(b ? bias : null, 2,
                                r ? residual : null, 1, relu));
                        assertArrayEquals(want, java.util.Arrays.copyOfRange(got, 3, got.length),
                                "variant " + variant + " " + g);
                    }
                    // float64: the same rule after the plain loops
                    double[] yd = new double[g.outputSize()], xd = toDouble(x), wd = toDouble(w);
                    double[] bd = toDouble(bias), rd = toDouble(residual);
                    Conv2dKernels.forward(g, xd, 0, wd, 0, yd, 0);
                    double[] got = new double[g.outputSize()];
                    Conv2dKernels.forward(g, xd, 0, wd, 0, got, 0, new Conv2dEpilogue(bd, 2, rd, 1, true));
                    for (int i = 0; i < yd.length; i++) {
                        assertEquals(Math.max(yd[i] + bd[2 + i / p % g.outChannels()] + rd[1 + i], 0.0), got[i]);
                    }
                }
            }
            Conv2dGeometry g = shapes.get(0);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv2dKernels.forward(g,
                    new float[g.inputSize()], 0, new float[g.weightSize()], 0, new float[g.outputSize()], 0,
                    new Conv2dEpilogue(new float[g.outChannels() - 1], 0, null, 0, false)));
            assertTrue(e.getMessage().contains("bias"), e.getMessage());
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** The tuned choices with sub-batch buffers of at most {@code floats}. */
    private static ConvF32.Tuning subBatchFloats(int floats) {
        ConvF32.Tuning t = ConvF32.Tuning.TUNED;
        return new ConvF32.Tuning(t.packedOperands(), t.transposedDw(), floats);
    }

    @Test
    void smallWeightGradientsGoThroughDotProducts() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(13);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(5, 1, 28, 28, 32, 3, 1, 0, 1, 1),               // the CNN's first layer
                    Conv2dGeometry.of(3, 1, 20, 21, 7, 3, 1, 1, 1, 1),                // padded, odd sizes
                    Conv2dGeometry.of(3, 4, 9, 9, 6, 1, 1, 0, 1, 2),                  // pointwise, grouped
                    new Conv2dGeometry(2, 2, 20, 17, 5, 3, 2, 2, 1, 1, 2, 1, 1, 1),   // strided, dilated
                    Conv2dGeometry.of(2, 3, 16, 16, 9, 2, 1, 0, 1, 1));               // P = 225, k = 12
            for (Conv2dGeometry g : shapes) {
                assertTrue(ConvF32.useDotWeightGrad(g), "dot path for " + g);
            }
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    checkAll(g, rnd);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void fewPixelsManyWeightsGoThroughDotProducts() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(17);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(1, 64, 4, 4, 64, 3, 2, 1, 1, 1),                 // 2x2 output, batch 1
                    Conv2dGeometry.of(2, 48, 2, 2, 80, 3, 1, 1, 1, 1),                 // a deep stage, batch 2
                    Conv2dGeometry.of(1, 37, 5, 3, 100, 3, 1, 0, 1, 1),                // K = 333, not whole vectors
                    Conv2dGeometry.of(1, 128, 4, 4, 128, 3, 1, 1, 1, 2),               // grouped, 16 pixels
                    new Conv2dGeometry(1, 40, 7, 6, 160, 3, 2, 2, 1, 1, 0, 2, 1, 1),   // strided, dilated
                    Conv2dGeometry.of(1, 256, 4, 4, 160, 1, 2, 0, 1, 1));              // pointwise, strided
            for (Conv2dGeometry g : shapes) {
                assertTrue(ConvDotF32.applies(g), "dot path for " + g);
            }
            assertFalse(ConvDotF32.applies(Conv2dGeometry.of(1, 8, 4, 4, 8, 3, 1, 1, 1, 1)));    // small weights
            assertFalse(ConvDotF32.applies(Conv2dGeometry.of(2, 64, 4, 4, 64, 3, 1, 1, 1, 1)));  // 32 pixels
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    checkAll(g, rnd);
                }
            }
            for (Conv2dGeometry g : shapes) {
                assertSameBitsForAnyThreadCount(g, (x, w, y) -> Conv2dKernels.forward(g, x, w, y));
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void wideStrideOneForwardsReadShiftedPlanes() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        try {
            Random rnd = new Random(29);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(3, 1, 28, 28, 32, 3, 1, 0, 1, 1),                 // the CNN's first layer
                    Conv2dGeometry.of(2, 32, 18, 18, 64, 3, 1, 0, 1, 1),                // its second, wider planes
                    Conv2dGeometry.of(2, 16, 16, 16, 24, 3, 1, 1, 1, 1),                // ResNet's 16x16 stage
                    new Conv2dGeometry(3, 5, 19, 23, 13, 3, 2, 1, 1, 2, 0, 1, 1, 1),    // O = 13, pads differ
                    new Conv2dGeometry(2, 6, 21, 30, 18, 3, 3, 1, 1, 1, 2, 2, 1, 2),    // grouped, dilated
                    new Conv2dGeometry(2, 3, 12, 40, 9, 5, 1, 1, 1, 0, 0, 1, 1, 1),     // 5x1 kernel
                    Conv2dGeometry.of(2, 4, 15, 15, 8, 2, 1, 0, 1, 1),                  // even kernel, O = MR
                    Conv2dGeometry.of(4, 2, 6, 30, 17, 3, 1, 1, 1, 1));                 // short planes, O = 2*MR + 1
            for (Conv2dGeometry g : shapes) {
                assertTrue(ConvShiftedF32.applies(g), "shifted path for " + g);
            }
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(2, 8, 8, 8, 8, 3, 1, 1, 1, 1)));    // 8x8: 2/3 used
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(2, 32, 13, 13, 64, 3, 1, 0, 1, 1))); // 3/4 used
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(2, 8, 28, 28, 8, 3, 2, 1, 1, 1)));  // strided
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(1, 8, 28, 28, 8, 3, 1, 1, 1, 1)));  // one sample
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(2, 8, 28, 28, 4, 3, 1, 1, 1, 1)));  // O < MR
            assertFalse(ConvShiftedF32.applies(Conv2dGeometry.of(2, 64, 56, 56, 64, 3, 1, 1, 1, 1))); // past L2
            // input gradients as shifted forwards: a CNN's 32 -> 64 layer; padded, dilated, grouped
            List<Conv2dGeometry> gradShapes = List.of(Conv2dGeometry.of(2, 32, 18, 18, 64, 3, 1, 0, 1, 1),
                    new Conv2dGeometry(2, 16, 20, 27, 6, 3, 2, 1, 1, 1, 0, 2, 1, 2));
            for (Conv2dGeometry g : gradShapes) {
                assertTrue(ConvShiftedF32.applies(ConvShiftedF32.inputGradGeometry(g)), "shifted input gradient for " + g);
            }
            List<Conv2dGeometry> all = new ArrayList<>(shapes);
            all.addAll(gradShapes);
            for (int threads : new int[] {1, 2, 3}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : all) {
                    checkAll(g, rnd);
                }
            }
            for (Conv2dGeometry g : shapes) {
                assertSameBitsForAnyThreadCount(g, (x, w, y) -> Conv2dKernels.forward(g, x, w, y));
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    /** The float32 forward of {@code g} run by {@code forward} on 1, 2 and 3 threads, and twice: the same bits. */
    private static void assertSameBitsForAnyThreadCount(Conv2dGeometry g, Forward forward) {
        Random rnd = new Random(23);
        float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
        float[] expected = null;
        for (int threads : new int[] {1, 2, 3, 2}) {
            Parallel.setThreads(threads);
            float[] y = new float[g.outputSize()];
            forward.run(x, w, y);
            if (expected == null) {
                expected = y;
            } else {
                assertArrayEquals(expected, y, threads + " threads: " + g);
            }
        }
    }

    /** A float32 forward {@code y = conv2d(x, w)} under test. */
    private interface Forward {
        void run(float[] x, float[] w, float[] y);
    }

    @Test
    void packedOperandsGiveTheSameFloatsAsTheirMatrices() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        int saved = Parallel.threads();
        ConvF32.Tuning plainOperands = new ConvF32.Tuning(false, ConvF32.Tuning.TUNED.transposedDw(),
                ConvF32.Tuning.TUNED.subBatchFloats());
        // the im2col paths (ConvShiftedF32 takes some of these geometries under TUNED)
        ConvF32.Tuning packedOperands = new ConvF32.Tuning(true, ConvF32.Tuning.TUNED.transposedDw(),
                ConvF32.Tuning.TUNED.subBatchFloats());
        assertTrue(ConvF32.Tuning.TUNED.packedOperands());
        try {
            Random rnd = new Random(17);
            List<Conv2dGeometry> shapes = List.of(
                    Conv2dGeometry.of(5, 32, 13, 13, 64, 3, 1, 0, 1, 1),                // the CNN's second layer
                    // batches whose weight gradient is split over two threads, its GEMMs serial: their im2col
                    // packed straight into A (Im2ColPackA), runs of 11 and of 36 (two vectors and a part)
                    Conv2dGeometry.of(16, 32, 13, 13, 64, 3, 1, 0, 1, 1),
                    Conv2dGeometry.of(16, 4, 9, 40, 5, 3, 1, 0, 2, 1),
                    new Conv2dGeometry(16, 16, 31, 21, 16, 2, 3, 2, 1, 0, 0, 2, 1, 2), // and grouped, strided rows
                    Conv2dGeometry.of(3, 1, 28, 28, 32, 3, 1, 0, 1, 1),                 // its first: runs of 26
                    Conv2dGeometry.of(3, 3, 9, 40, 5, 3, 1, 0, 2, 1),                   // runs longer than a panel
                    new Conv2dGeometry(3, 8, 11, 9, 16, 2, 3, 2, 1, 0, 0, 2, 1, 2),     // strided rows, grouped
                    Conv2dGeometry.of(4, 4, 5, 5, 16, 5, 1, 0, 1, 1),                   // 1x1 output
                    // padded, width stride 1, split over two threads: the weight gradient's A packed from
                    // zero-padded copies of the sub-batch's planes (plain: im2col of the padded geometry)
                    Conv2dGeometry.of(16, 32, 13, 13, 64, 3, 1, 1, 1, 1),
                    new Conv2dGeometry(16, 8, 9, 11, 8, 3, 3, 2, 1, 1, 2, 1, 1, 2),     // uneven padding, grouped
                    // padded: zero-padded planes first; k > 256, so the plain path's GEMM is the packed one too
                    Conv2dGeometry.of(3, 32, 12, 12, 32, 3, 2, 1, 1, 1),                // stride 2: even lanes
                    Conv2dGeometry.of(2, 3, 30, 30, 16, 7, 2, 3, 1, 1),                 // a ResNet stem
                    Conv2dGeometry.of(8, 64, 2, 2, 64, 3, 1, 1, 1, 1),                  // weight-bound, 2x2 planes
                    Conv2dGeometry.of(2, 32, 13, 13, 16, 3, 3, 1, 1, 1),                // stride 3: float by float
                    new Conv2dGeometry(2, 64, 11, 10, 32, 3, 3, 2, 2, 2, 1, 2, 2, 2));  // dilated, grouped
            assertTrue(ConvF32.weightBound(shapes.get(12)));
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                for (Conv2dGeometry g : shapes) {
                    float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
                    float[] dy = toFloat(random(rnd, g.outputSize()));
                    float[] packed = new float[g.outputSize()], plain = new float[g.outputSize()];
                    float[] dxPacked = new float[g.inputSize()], dxPlain = new float[g.inputSize()];
                    ConvF32.forward(g, x, 0, w, 0, packed, 0, packedOperands);
                    ConvF32.inputGrad(g, dy, 0, w, 0, dxPacked, 0, packedOperands);
                    ConvF32.forward(g, x, 0, w, 0, plain, 0, plainOperands);
                    ConvF32.inputGrad(g, dy, 0, w, 0, dxPlain, 0, plainOperands);
                    float[] dwPacked = new float[g.weightSize()], dwPlain = new float[g.weightSize()];
                    ConvF32.weightGrad(g, x, 0, dy, 0, dwPacked, 0, packedOperands);
                    ConvF32.weightGrad(g, x, 0, dy, 0, dwPlain, 0, plainOperands);
                    // same packed values, same GEMM (these products are above its tiny-size cutoff): the same floats
                    assertTrue(java.util.Arrays.equals(plain, packed), "packed im2col differs for " + g);
                    assertTrue(java.util.Arrays.equals(dxPlain, dxPacked), "packed dy differs for " + g);
                    assertTrue(java.util.Arrays.equals(dwPlain, dwPacked), "packed weight-gradient im2col differs for "
                            + g + " with " + threads + " threads");
                    checkAll(g, rnd);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void offsetsAreHonoured() {
        Random rnd = new Random(11);
        Conv2dGeometry g = new Conv2dGeometry(2, 4, 6, 5, 6, 3, 2, 1, 2, 1, 0, 1, 1, 2);
        double[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize()), dy = random(rnd, g.outputSize());
        int off = 5;
        double[] xo = pad(x, off), wo = pad(w, off), dyo = pad(dy, off);
        double[] y = new double[g.outputSize() + off + 3], dx = new double[g.inputSize() + off + 3];
        double[] dw = new double[g.weightSize() + off + 3];
        Conv2dKernels.forward(g, xo, off, wo, off, y, off);
        Conv2dKernels.inputGrad(g, dyo, off, wo, off, dx, off);
        Conv2dKernels.weightGrad(g, xo, off, dyo, off, dw, off);
        assertClose("forward+off", g, pad(naiveForward(g, x, w, false), off), new double[y.length], y, 1e-12);
        assertClose("inputGrad+off", g, pad(naiveInputGrad(g, dy, w, false), off), new double[dx.length], dx, 1e-12);
        assertClose("weightGrad+off", g, pad(naiveWeightGrad(g, x, dy, false), off), new double[dw.length], dw, 1e-12);
    }

    /** {@code a} placed at {@code off} in a zero array with 3 spare elements at the end. */
    private static double[] pad(double[] a, int off) {
        double[] r = new double[a.length + off + 3];
        System.arraycopy(a, 0, r, off, a.length);
        return r;
    }

    @Test
    void emptyBatchZeroesWeightGrad() {
        Conv2dGeometry g = Conv2dGeometry.of(0, 2, 5, 5, 3, 3, 1, 1, 1, 1);
        float[] dw = {1, 2, 3};
        dw = new float[g.weightSize()];
        java.util.Arrays.fill(dw, 7f);
        Conv2dKernels.forward(g, new float[0], new float[g.weightSize()], new float[0]);
        Conv2dKernels.weightGrad(g, new float[0], new float[0], dw);
        for (float v : dw) {
            assertEquals(0f, v);
        }
    }

    @Test
    void geometryOutputSizeFollowsPyTorch() {
        Conv2dGeometry g = new Conv2dGeometry(1, 1, 28, 27, 1, 3, 5, 2, 3, 1, 2, 2, 1, 1);
        assertEquals((28 + 2 - 2 * 2 - 1) / 2 + 1, g.outHeight());
        assertEquals((27 + 4 - 1 * 4 - 1) / 3 + 1, g.outWidth());
        assertEquals(28, Conv2dGeometry.of(1, 1, 28, 28, 1, 3, 1, 1, 1, 1).outHeight());
        assertEquals(26, Conv2dGeometry.of(1, 1, 28, 28, 1, 3, 1, 0, 1, 1).outWidth());
    }

    private static void assertRejected(String[] fragments, Runnable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::run);
        assertTrue(e.getMessage().contains("conv2d"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void geometryErrorsNameTheValues() {
        assertRejected(new String[] {"inChannels (3)", "groups (2)"}, () -> Conv2dGeometry.of(1, 3, 8, 8, 4, 3, 1, 1, 1, 2));
        assertRejected(new String[] {"outChannels (5)", "groups (2)"}, () -> Conv2dGeometry.of(1, 4, 8, 8, 5, 3, 1, 1, 1, 2));
        assertRejected(new String[] {"stride", "0"}, () -> Conv2dGeometry.of(1, 1, 8, 8, 1, 3, 0, 1, 1, 1));
        assertRejected(new String[] {"dilation", "0"}, () -> Conv2dGeometry.of(1, 1, 8, 8, 1, 3, 1, 1, 0, 1));
        assertRejected(new String[] {"kernel size", "0x0"}, () -> Conv2dGeometry.of(1, 1, 8, 8, 1, 0, 1, 1, 1, 1));
        assertRejected(new String[] {"padding", "-1"}, () -> Conv2dGeometry.of(1, 1, 8, 8, 1, 3, 1, -1, 1, 1));
        assertRejected(new String[] {"groups", "0"}, () -> Conv2dGeometry.of(1, 1, 8, 8, 1, 3, 1, 1, 1, 0));
        assertRejected(new String[] {"channels", "0"}, () -> Conv2dGeometry.of(1, 0, 8, 8, 1, 3, 1, 1, 1, 1));
        assertRejected(new String[] {"batch", "-1"}, () -> Conv2dGeometry.of(-1, 1, 8, 8, 1, 3, 1, 1, 1, 1));
        assertRejected(new String[] {"5x5", "4x4", "empty"}, () -> Conv2dGeometry.of(1, 1, 4, 4, 1, 5, 1, 0, 1, 1));
        assertRejected(new String[] {"dilation 3x3", "effective 7x7", "6x6"},
                () -> Conv2dGeometry.of(1, 1, 4, 4, 1, 3, 1, 1, 3, 1));
        Conv2dGeometry g = Conv2dGeometry.of(1, 2, 4, 4, 2, 3, 1, 1, 1, 1);
        assertRejected(new String[] {"x needs 32", "length 31"},
                () -> Conv2dKernels.forward(g, new float[31], new float[g.weightSize()], new float[32]));
        assertRejected(new String[] {"dw needs 36", "offset 1"},
                () -> Conv2dKernels.weightGrad(g, new double[32], 0, new double[32], 0, new double[36], 1));
        // the dispatch between the float32 and float64 bodies names what it got
        assertRejected(new String[] {"all float[]", "got float[], double[], float[]"},
                () -> Conv2dKernels.forward(g, new float[32], new double[g.weightSize()], new float[32]));
        assertRejected(new String[] {"got int[], int[], int[]"},
                () -> Conv2dKernels.inputGrad(g, new int[32], new int[g.weightSize()], new int[32]));
    }
}
