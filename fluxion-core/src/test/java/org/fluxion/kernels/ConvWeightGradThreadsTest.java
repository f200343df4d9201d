package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The float32 weight gradient of a convolution sums over the batch; its bits must not depend on the thread
 * count nor on which worker claims which samples (issue 9, item 8: the partial sums used to be added in the
 * order the workers finished).
 */
class ConvWeightGradThreadsTest {
    @Test
    void sameBitsForOneAndTwoThreadsAndEveryRun() {
        // The packed-GEMM path (a CNN's second layer) and the dot-product path (its first layer).
        check(Conv2dGeometry.of(16, 8, 14, 14, 16, 3, 1, 1, 1, 1));
        check(Conv2dGeometry.of(64, 1, 28, 28, 32, 3, 1, 1, 1, 1));
        // the CNN's second layer at batch 64: several sub-batches in each of several lanes
        check(Conv2dGeometry.of(64, 32, 13, 13, 64, 3, 1, 0, 1, 1));
    }

    private static void check(Conv2dGeometry g) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = random(r, g.batch() * g.inChannels() * g.height() * g.width());
        float[] dy = random(r, g.batch() * g.outChannels() * g.outHeight() * g.outWidth());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] serial = weightGrad(g, x, dy);
            for (int threads : new int[] {2, 3}) {
                Parallel.setThreads(threads);
                for (int run = 0; run < 5; run++) {
                    assertArrayEquals(serial, weightGrad(g, x, dy), "run " + run + " with " + threads + " threads, " + g);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static float[] weightGrad(Conv2dGeometry g, float[] x, float[] dy) {
        float[] dw = new float[g.weightSize()];
        Conv2dKernels.weightGrad(g, x, dy, dw);
        return dw;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }
}
