package org.fluxion.kernels;

import static org.fluxion.kernels.Conv2dKernelsTest.naiveForward;
import static org.fluxion.kernels.Conv2dKernelsTest.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every Winograd forward owes, checked on its test's geometries: the direct convolution's values in float64
 * (within the kernel's bound), the epilogue's bits as the operations one by one, and the same bits on any thread
 * count. The kernel runs directly on some geometries, through the public dispatch on others.
 */
abstract class WinogradForwardContract {
    /** The kernel itself: y = conv2d(x, w), then the epilogue (or null). */
    @FunctionalInterface
    interface Kernel {
        void forward(Conv2dGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff,
                     Conv2dEpilogue epilogue);
    }

    private final List<Conv2dGeometry> shapes;
    private final List<Conv2dGeometry> dispatched;
    private final Kernel kernel;
    private final double relTol;
    private int savedThreads;

    /**
     * {@code shapes}: geometries the kernel is called on directly; {@code dispatched}: those
     * {@link Conv2dKernels#forward} sends to it; {@code relTol}: the error allowed relative to {@code sum |w| |x|} of
     * an output (plus 1e-2).
     */
    WinogradForwardContract(List<Conv2dGeometry> shapes, List<Conv2dGeometry> dispatched, Kernel kernel,
                            double relTol) {
        this.shapes = shapes;
        this.dispatched = dispatched;
        this.kernel = kernel;
        this.relTol = relTol;
    }

    @BeforeEach
    void saveThreads() {
        savedThreads = Parallel.threads();
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    @Test
    void forwardMatchesTheDirectConvolutionInFloat64() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(5);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (Conv2dGeometry g : all()) {
                double[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
                float[] y = new float[g.outputSize()];
                java.util.Arrays.fill(y, Float.NaN); // every output overwritten
                forward(g, toFloat(x), toFloat(w), y, null);
                assertClose("forward on " + threads + " threads", g, naiveForward(g, x, w, false),
                        naiveForward(g, x, w, true), y, relTol);
            }
        }
    }

    @Test
    void epilogueIsAppliedAsTheOperationsOneByOne() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(6);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (Conv2dGeometry g : all()) {
                float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
                float[] bias = toFloat(random(rnd, g.outChannels())), shortcut = toFloat(random(rnd, g.outputSize()));
                float[] plain = new float[g.outputSize()], fused = new float[g.outputSize()];
                forward(g, x, w, plain, null);
                forward(g, x, w, fused, new Conv2dEpilogue(bias, 0, shortcut, 0, true));
                int p = g.outHeight() * g.outWidth();
                for (int i = 0; i < plain.length; i++) {
                    plain[i] = Math.max(plain[i] + bias[(i / p) % g.outChannels()] + shortcut[i], 0f);
                }
                assertArrayEquals(plain, fused, threads + " threads: " + g);
            }
        }
    }

    @Test
    void sameBitsForAnyThreadCountAndAfterWarmUp() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(7);
        for (Conv2dGeometry g : all()) {
            float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
            float[] expected = null;
            for (int threads : new int[] {1, 2, 3, 2, 1}) {
                Parallel.setThreads(threads);
                float[] y = new float[g.outputSize()];
                forward(g, x, w, y, null);
                if (expected == null) {
                    expected = y;
                } else {
                    assertArrayEquals(expected, y, threads + " threads: " + g);
                }
            }
        }
    }

    List<Conv2dGeometry> all() {
        return java.util.stream.Stream.concat(shapes.stream(), dispatched.stream()).toList();
    }

    /** The kernel on the shapes it is called on directly, the public dispatch on those it is sent. */
    void forward(Conv2dGeometry g, float[] x, float[] w, float[] y, Conv2dEpilogue epilogue) {
        if (dispatched.contains(g)) {
            Conv2dKernels.forward(g, x, 0, w, 0, y, 0, epilogue == null ? new Conv2dEpilogue(null, 0, null, 0, false)
                    : epilogue);
        } else {
            kernel.forward(g, x, 0, w, 0, y, 0, epilogue);
        }
    }

    /** Each output within {@code relTol} of {@code sum |w| |x|} (plus 1e-2) of the float64 result. */
    static void assertClose(String what, Conv2dGeometry g, double[] expected, double[] scale, float[] got,
                            double relTol) {
        for (int i = 0; i < expected.length; i++) {
            double tol = relTol * (scale[i] + 1e-2);
            if (!(Math.abs(expected[i] - got[i]) <= tol)) {
                throw new AssertionError(what + " at " + i + ": expected " + expected[i] + ", got " + got[i] + " (tol "
                        + tol + ") for " + g);
            }
        }
    }

    /** Values in [-1, 1) that float32 holds exactly, so that both precisions see the same inputs. */
    static double[] random(Random rnd, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}
