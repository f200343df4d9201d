package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RotationBlocks} against {@link RotationSequence}: the same sweeps, forward and backward, over
 * windows of every length (from one rotation to all), batches partly filled and full, give the same matrix
 * to rounding.
 */
class RotationBlocksTest {
    @Test
    void blocksMatchSweepBySweepRotations() {
        Random r = new Random(7);
        int n = 300;
        int cols = 70;
        double[] expected = new double[n * cols];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = r.nextGaussian();
        }
        double[] got = expected.clone();
        RotationBlocks blocks = new RotationBlocks(got, n, cols);
        double[] c = new double[n];
        double[] s = new double[n];
        boolean forward = true;
        for (int sweep = 0; sweep < 3 * RotationBlocks.SWEEPS + 5; sweep++) {
            if (sweep % 40 == 39) {
                forward = !forward; // a change of direction applies the batch first
            }
            int lo = sweep % 7 == 0 ? 0 : r.nextInt(n - 1);
            int hi = sweep % 5 == 0 ? n - 1 : lo + 1 + r.nextInt(n - 1 - lo);
            for (int k = lo; k < hi; k++) {
                double theta = 2 * Math.PI * r.nextDouble();
                c[k] = Math.cos(theta);
                s[k] = Math.sin(theta);
            }
            if (forward) {
                RotationSequence.apply(expected, cols, lo, hi, c, s);
            } else {
                RotationSequence.applyBackward(expected, cols, lo, hi, c, s);
            }
            if (blocks.full(forward)) {
                blocks.apply();
            }
            blocks.add(lo, hi, c, s, forward);
        }
        blocks.apply();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-12, "entry " + i);
        }
    }
}
