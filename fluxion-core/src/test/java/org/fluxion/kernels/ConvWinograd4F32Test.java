package org.fluxion.kernels;

import static org.fluxion.kernels.Conv2dKernelsTest.naiveForward;
import static org.fluxion.kernels.Conv2dKernelsTest.toFloat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(4x4, 3x3) forward ({@link ConvWinograd4F32}) against the direct convolution in float64, with the
 * epilogue, on 1 to 3 threads, and the geometries the public dispatch sends to it.
 */
class ConvWinograd4F32Test extends WinogradForwardContract {
    /**
     * Error allowed relative to {@code sum |w| |x|} of an output: F(4x4, 3x3)'s transforms reach 8 (outputs) and 5
     * (inputs), and round 1/6 and 1/24, so about ten times {@link ConvWinogradF32Test}'s bound. These shapes measured
     * under 5e-6.
     */
    private static final double REL_TOL = 5e-5;

    /**
     * Planes not a multiple of 4 (tiles sticking out), padding 0 to 2, several chunks or one, channels not whole
     * vectors.
     */
    private static final List<Conv2dGeometry> SHAPES = List.of(
            Conv2dGeometry.of(2, 64, 16, 16, 64, 3, 1, 1, 1, 1),     // ResNet's first stage, two samples
            Conv2dGeometry.of(3, 67, 7, 5, 65, 3, 1, 1, 1, 1),       // tiles past the last row and column
            Conv2dGeometry.of(2, 64, 9, 6, 70, 3, 1, 0, 1, 1),       // no padding: 7 x 4 outputs
            Conv2dGeometry.of(9, 64, 12, 12, 64, 3, 1, 1, 1, 1),     // several chunks: threads claim them
            Conv2dGeometry.of(4, 130, 4, 4, 96, 3, 1, 1, 1, 1),      // one tile a sample, one chunk shared
            Conv2dGeometry.of(3, 5, 6, 6, 3, 3, 1, 1, 1, 1),         // few channels: fewer pairs than a vector
            new Conv2dGeometry(2, 64, 5, 8, 64, 3, 3, 1, 1, 2, 0, 1, 1, 1)); // padding 2 by 0

    /**
     * Geometries {@link Conv2dKernels#forward} sends to the kernel: one sample of 64 channels on a 32x32 plane, a deep
     * stage's 4x4 planes at batch 32, an odd one.
     */
    private static final List<Conv2dGeometry> DISPATCHED = List.of(
            Conv2dGeometry.of(1, 64, 32, 32, 64, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(32, 96, 4, 4, 96, 3, 1, 1, 1, 1),
            Conv2dGeometry.of(5, 96, 13, 15, 100, 3, 1, 1, 1, 1));

    ConvWinograd4F32Test() {
        super(SHAPES, DISPATCHED, ConvWinograd4F32::forward, REL_TOL);
    }

    @Test
    void takesThreeByThreeStrideOneConvolutionsWithManyChannelsAndTilesMostlyInside() {
        for (Conv2dGeometry g : SHAPES) {
            assertTrue(ConvWinograd4F32.supports(g), g.toString());
        }
        for (Conv2dGeometry g : DISPATCHED) {
            assertTrue(ConvWinograd4F32.applies(g), g.toString());
        }
        assertFalse(ConvWinograd4F32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 3, 2, 1, 1, 1)));  // stride 2
        assertFalse(ConvWinograd4F32.supports(Conv2dGeometry.of(2, 64, 8, 8, 64, 3, 1, 1, 1, 2)));  // grouped
        assertFalse(ConvWinograd4F32.applies(Conv2dGeometry.of(8, 32, 16, 16, 64, 3, 1, 1, 1, 1))); // few channels
        assertFalse(ConvWinograd4F32.applies(Conv2dGeometry.of(1, 256, 14, 14, 256, 3, 1, 1, 1, 1))); // 16 tiles
        assertFalse(ConvWinograd4F32.applies(Conv2dGeometry.of(32, 512, 2, 2, 512, 3, 1, 1, 1, 1))); // 2x2 of 4x4
        assertFalse(ConvWinograd4F32.applies(Conv2dGeometry.of(32, 64, 6, 6, 64, 3, 1, 1, 1, 1)));  // 36 of 64 inside
    }

    /** Nothing is written past the output: the planes around it keep their values. */
    @Test
    void writesOnlyTheOutput() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(10);
        for (Conv2dGeometry g : SHAPES) {
            float[] x = toFloat(random(rnd, g.inputSize())), w = toFloat(random(rnd, g.weightSize()));
            int margin = 100;
            float[] y = new float[g.outputSize() + 2 * margin];
            java.util.Arrays.fill(y, 7f);
            ConvWinograd4F32.forward(g, x, 0, w, 0, y, margin, null);
            for (int i = 0; i < margin; i++) {
                assertTrue(y[i] == 7f && y[y.length - 1 - i] == 7f, "written outside the output: " + g);
            }
        }
    }

    /** The public dispatch gives this kernel's bits on the geometries it sends here, and im2col's when switched off. */
    @Test
    void dispatchSendsTheseGeometriesHere() {
        assumeTrue(Vectorization.ENABLED, "ConvF32's own paths run only with the Vector API");
        Random rnd = new Random(8);
        ConvF32.Tuning off = ConvF32.Tuning.TUNED.withWinograd(false);
        for (Conv2dGeometry g : DISPATCHED) {
            double[] x = random(rnd, g.inputSize()), w = random(rnd, g.weightSize());
            float[] direct = new float[g.outputSize()], dispatched = new float[g.outputSize()];
            float[] im2col = new float[g.outputSize()];
            ConvWinograd4F32.forward(g, toFloat(x), 0, toFloat(w), 0, direct, 0, null);
            ConvF32.forward(g, toFloat(x), 0, toFloat(w), 0, dispatched, 0, ConvF32.Tuning.TUNED);
            ConvF32.forward(g, toFloat(x), 0, toFloat(w), 0, im2col, 0, off);
            assertArrayEquals(direct, dispatched, g.toString());
            assertClose("im2col", g, naiveForward(g, x, w, false), naiveForward(g, x, w, true), im2col, REL_TOL);
        }
    }
}
