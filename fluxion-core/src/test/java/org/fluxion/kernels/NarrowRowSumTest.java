package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatReduce#sumRows} on rows of at most four columns (sums held in locals) gives the bits of the blocked
 * order every width uses: four rows added pairwise into a float block sum, block sums of 64 rows into the double
 * accumulator.
 */
class NarrowRowSumTest {
    /** The documented order, written out as the scalar loop. */
    private static double[] reference(float[] a, int off, int rows, int stride, int w, double[] acc0) {
        double[] acc = acc0.clone();
        for (int r = 0; r < rows; ) {
            int end = Math.min(rows, r + 64);
            float[] blk = new float[w];
            for (; r + 4 <= end; r += 4) {
                for (int j = 0; j < w; j++) {
                    int p = off + r * stride + j;
                    blk[j] += (a[p] + a[p + stride]) + (a[p + 2 * stride] + a[p + 3 * stride]);
                }
            }
            for (; r < end; r++) {
                for (int j = 0; j < w; j++) {
                    blk[j] += a[off + r * stride + j];
                }
            }
            for (int j = 0; j < w; j++) {
                acc[j] += blk[j];
            }
        }
        return acc;
    }

    @Test
    void sameBitsAsTheBlockedOrder() {
        SplittableRandom rnd = new SplittableRandom(9);
        for (int w = 1; w <= 4; w++) {
            for (int rows : new int[] {1, 3, 4, 63, 64, 65, 200, 1001}) {
                int stride = w + 2;
                float[] a = new float[3 + rows * stride];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) (rnd.nextDouble() * 2e3 - 1e3);
                }
                double[] acc = new double[w];
                for (int j = 0; j < w; j++) {
                    acc[j] = rnd.nextDouble();
                }
                double[] expected = reference(a, 3, rows, stride, w, acc);
                FloatReduce.sumRows(a, 3, rows, stride, w, acc, 0);
                for (int j = 0; j < w; j++) {
                    assertEquals(Double.doubleToLongBits(expected[j]), Double.doubleToLongBits(acc[j]),
                            "w=" + w + " rows=" + rows + " column " + j);
                }
            }
        }
    }
}
