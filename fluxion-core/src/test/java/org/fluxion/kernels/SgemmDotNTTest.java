package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SgemmDotNT} against a plain double-precision loop: sizes around its 4 x 3 blocks and vector tails. */
class SgemmDotNTTest {
    @Test
    void matchesPlainLoopsForOddSizesStridesAndOffsets() {
        Random rnd = new Random(3);
        int vl = SgemmDotNT.VL;
        int[] ks = {1, vl - 1, vl, vl + 1, 3 * vl + 5, 676};
        for (int m = 1; m <= 9; m++) {
            for (int n = 1; n <= 7; n++) {
                for (int k : ks) {
                    int lda = k + rnd.nextInt(3), ldb = k + rnd.nextInt(3), aOff = rnd.nextInt(4), bOff = rnd.nextInt(4);
                    float[] a = new float[aOff + m * lda], b = new float[bOff + n * ldb];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = rnd.nextFloat() * 2 - 1;
                    }
                    for (int i = 0; i < b.length; i++) {
                        b[i] = rnd.nextFloat() * 2 - 1;
                    }
                    int partOff = rnd.nextInt(5);
                    float[] part = new float[partOff + m * n * vl];
                    // two accumulations: the partials must add up, not overwrite
                    SgemmDotNT.accumulate(m, n, k, a, aOff, lda, b, bOff, ldb, part, partOff);
                    SgemmDotNT.accumulate(m, n, k, a, aOff, lda, b, bOff, ldb, part, partOff);
                    float[] c = new float[2 + m * (n + 1)];
                    SgemmDotNT.reduce(m, n, part, partOff, c, 2, n + 1);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0, scale = 0;
                            for (int p = 0; p < k; p++) {
                                double t = (double) a[aOff + i * lda + p] * b[bOff + j * ldb + p];
                                s += t;
                                scale += Math.abs(t);
                            }
                            assertEquals(2 * s, c[2 + i * (n + 1) + j], 2e-6 * scale + 1e-7,
                                    "m=" + m + " n=" + n + " k=" + k + " at (" + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }
}
