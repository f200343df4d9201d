package org.fluxion.kernels;

import static org.fluxion.kernels.Conv2dKernelsTest.abs;
import static org.fluxion.kernels.Conv2dKernelsTest.naiveForward;
import static org.fluxion.kernels.Conv2dKernelsTest.toFloat;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(2x2, 3x3) forward ({@link ConvWinogradF32}) against the direct convolution in float64, with the
 * epilogue, on 1 to 3 threads; and the gradient kernels (which keep im2col) against the same reference for the
 * geometries it takes.
 */
class ConvWinogradF32Test extends WinogradForwardContract {
    /**
     * Error allowed relative to {@code sum |w| |x|} of an output: float32's 6e-8 times the few roundings of the
     * transforms, the GEMM's sum over C and the largest transformed magnitudes (4 inputs, 9/4 of the weights); the
     * float32 tolerance of {@code Conv2dKernelsTest}. These shapes measured under 2e-6.
     */
    private static final double REL_TOL = 2e-5;

    /** Odd planes, padding 0 to 2, batch 1 and more, channels not whole vectors; run by the kernel itself. */
    private static final List<Conv2dGeometry> SHAPES = List.of(
            Conv2dGeometry.of(1, 64, 8, 8, 64, 3, 1, 1, 1, 1),       // ResNet's 128-channel stage, narrower
            Conv2dGeometry.of(3, 67, 7, 5, 65, 3, 1, 1, 1, 1),       // odd plane: tiles past the last row and column
            Conv2dGeometry.of(2, 64, 9, 6, 70, 3, 1, 0, 1, 1),       // no padding, OH = 7 odd
            Conv2dGeometry.of(9, 64, 12, 12, 64, 3, 1, 1, 1, 1),     // several chunks: threads claim them (1 thread)
            Conv2dGeometry.of(4, 130, 4, 4, 96, 3, 1, 1, 1, 1),      // a deep stage: one chunk, shared by the threads
            Conv2dGeometry.of(3, 5, 6, 6, 3, 3, 1, 1, 1, 1),         // few channels, a 1-column GEMM block
            Conv2dGeometry.of(1, 64, 3, 30, 64, 3, 1, 1, 1, 1),      // the widest rows split by vector permutes
            Conv2dGeometry.of(2, 64, 5, 35, 64, 3, 1, 1, 1, 1),      // wider rows: split by scalar moves
            new Conv2dGeometry(2, 64, 5, 8, 64, 3, 3, 1, 1, 2, 0, 1, 1, 1)); // padding 2 by 0

    /**
     * Geometries {@link Conv2dKernels#forward} sends to the kernel: planes whose 4x4 tiles would mostly stick out,
     * which {@link ConvWinograd4F32} leaves to it.
     */
    private static final List<Conv2dGeometry> DISPATCHED = List.of(
            Conv2dGeometry.of(32, 64, 6, 6, 64, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(29, 66, 5, 5, 67, 3, 1, 1, 1, 1));

    ConvWinogradF32Test() {
        super(SHAPES, DISPATCHED, ConvWinogradF32::forward, REL_TOL);
    }

    @Test
    void takesOnlyThreeByThreeStrideOneUngroupedConvolutionsWithManyChannelsAndTiles() {
        for (Conv2dGeometry g : SHAPES) {
            assertTrue(ConvWinogradF32.supports(g), g.toString());
        }
        for (Conv2dGeometry g : DISPATCHED) {
            assertTrue(ConvWinogradF32.applies(g), g.toString());
            assertFalse(ConvWinograd4F32.applies(g), g.toString());
        }
        assertFalse(ConvWinogradF32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 3, 2, 1, 1, 1)));  // stride 2
        assertFalse(ConvWinogradF32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 3, 1, 2, 2, 1)));  // dilated
        assertFalse(ConvWinogradF32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 3, 1, 1, 1, 2)));  // grouped
        assertFalse(ConvWinogradF32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 1, 1, 0, 1, 1)));  // 1x1
        assertFalse(ConvWinogradF32.applies(Conv2dGeometry.of(8, 32, 16, 16, 64, 3, 1, 1, 1, 1))); // few channels
        assertFalse(ConvWinogradF32.applies(Conv2dGeometry.of(1, 64, 16, 16, 64, 3, 1, 1, 1, 1))); // 64 tiles
        assertFalse(ConvWinogradF32.applies(Conv2dGeometry.of(32, 512, 2, 2, 512, 3, 1, 1, 1, 1))); // 32 tiles
    }

    @Test
    void switchedOffTheForwardKeepsIm2colAndAgrees() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(8);
        ConvF32.Tuning off = ConvF32.Tuning.TUNED.withWinograd(false);
        assertFalse(off.winograd());
        for (Conv2dGeometry g : DISPATCHED) {
            double[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
            float[] winograd = new float[g.outputSize()], im2col = new float[g.outputSize()];
            ConvF32.forward(g, toFloat(x), 0, toFloat(w), 0, winograd, 0, ConvF32.Tuning.TUNED);
            ConvF32.forward(g, toFloat(x), 0, toFloat(w), 0, im2col, 0, off);
            double[] scale = naiveForward(g, x, w, true);
            assertClose("im2col", g, naiveForward(g, x, w, false), scale, im2col, REL_TOL);
            assertClose("Winograd", g, naiveForward(g, x, w, false), scale, winograd, REL_TOL);
        }
    }

    /** The backward keeps the im2col kernels; checked here on the geometries whose forward is Winograd's. */
    @Test
    void gradientsOfTheseGeometriesMatchTheDirectConvolution() {
        Random rnd = new Random(9);
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (Conv2dGeometry g : all()) {
                double[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
                double[] dy = random(rnd, g.outputSize());
                float[] dx = new float[g.inputSize()], dw = new float[g.weightSize()];
                Conv2dKernels.inputGrad(g, toFloat(dy), toFloat(w), dx);
                Conv2dKernels.weightGrad(g, toFloat(x), toFloat(dy), dw);
                // the adjoints of the float64 forward: <conv(x, w), dy> = <x, dx> = <w, dw> for all x, w
                double[] dxRef = new double[g.inputSize()], dwRef = new double[g.weightSize()];
                double[] dxScale = new double[g.inputSize()], dwScale = new double[g.weightSize()];
                ConvF64.inputGrad(g, dy, 0, w, 0, dxRef, 0);
                ConvF64.inputGrad(g, abs(dy), 0, abs(w), 0, dxScale, 0);
                ConvF64.weightGrad(g, x, 0, dy, 0, dwRef, 0);
                ConvF64.weightGrad(g, abs(x), 0, abs(dy), 0, dwScale, 0);
                assertClose("inputGrad", g, dxRef, dxScale, dx, REL_TOL);
                assertClose("weightGrad", g, dwRef, dwScale, dw, REL_TOL);
            }
        }
    }
}
