package org.fluxion.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks {@link Gemm#sgemm} and {@link Gemm#dgemm} against a double-precision triple loop, over sizes
 * that hit every path: empty and unit dimensions, primes and non-multiples of the register tile and
 * cache blocks, the tiny, serial packed and parallel paths, all four transpose combinations, offsets,
 * padded leading dimensions, and both accumulate modes.
 */
class GemmTest {
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One problem: sizes, transposes, accumulate, and extra padding/offsets. */
    record Case(int m, int n, int k, boolean transA, boolean transB, boolean accumulate, int pad, int off) {
        @Override
        public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + (transA ? " At" : "") + (transB ? " Bt" : "")
                    + (accumulate ? " acc" : "") + " pad=" + pad + " off=" + off;
        }
    }

    static Stream<Arguments> cases() {
        int[][] sizes = {
                {0, 0, 0}, {0, 5, 3}, {5, 0, 3}, {4, 5, 0}, {1, 1, 1}, {1, 1, 7}, {1, 37, 1}, {37, 1, 1},
                {2, 3, 4}, {7, 13, 11}, {16, 16, 16}, {17, 33, 5}, {31, 1, 64}, {1, 97, 61}, {64, 64, 64},
                {13, 127, 29}, {131, 7, 67}, {97, 101, 103}, {128, 96, 300}, {300, 50, 70}, {257, 263, 269},
                {33, 515, 257}, {520, 47, 19}, {191, 193, 600}, {64, 1100, 256},
                // narrow C (at most 4 columns): a small network's layers and their gradients
                {200, 3, 2}, {200, 2, 3}, {3, 2, 200}, {2, 3, 200}, {4, 4, 9}, {1, 4, 300}, {5, 2, 2},
                // few rows against a transposed B, A as stored or transposed: the dot-product path
                {4, 70, 300}, {8, 131, 129}, {1, 600, 1000},
                // tiny products in vector lanes, with tails of the columns and the depth: a batch-1 dense layer,
                // its input cotangent and its weight gradient (an outer product)
                {1, 50, 50}, {50, 50, 1}, {3, 33, 40}, {2, 17, 100},
                // C one or two vectors wide (the LU's updates near its leaves), rows split over threads when large
                {250, 8, 8}, {251, 16, 64}, {1003, 9, 200}, {6, 15, 3},
                // unpacked products (SgemmDirect): a neural ODE's field and VJP, C 1 to 5 vectors wide and a bit,
                // row counts past a multiple of four
                {64, 50, 50}, {50, 50, 64}, {13, 16, 7}, {7, 8, 256}, {9, 83, 31}, {6, 40, 20}, {30, 72, 100},
                {64, 129, 60},
        };
        List<Arguments> out = new ArrayList<>();
        int idx = 0;
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                for (boolean acc : new boolean[] {false, true}) {
                    int pad = (idx % 3) * 3;   // 0, 3 or 6 spare elements per row
                    int off = (idx % 4) * 5;   // 0, 5, 10 or 15 leading elements
                    idx++;
                    out.add(Arguments.of(new Case(s[0], s[1], s[2], ta, tb, acc, pad, off)));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sgemmMatchesReference(Case cs) {
        runFloat(cs, new SplittableRandom(cs.hashCode()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dgemmMatchesReference(Case cs) {
        runDouble(cs, new SplittableRandom(cs.hashCode()));
    }

    /**
     * {@code C = bias + A B} is C filled with the bias rows then {@code C += A B}, to the bit, on every path (the
     * packed kernels add the bias as they store, the others fill first); elements outside C are untouched. Run on
     * one and on two threads (the rows and the column splits).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sgemmBiasIsFillThenAccumulate(Case cs) {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            SplittableRandom rnd = new SplittableRandom(cs.hashCode());
            Layout l = Layout.of(cs);
            int off = cs.off();
            float[] a = randomFloats(rnd, l.aLength());
            float[] b = randomFloats(rnd, l.bLength());
            float[] c = randomFloats(rnd, l.cLength());
            float[] bias = randomFloats(rnd, cs.n() + 7);
            float[] expected = c.clone();
            for (int i = 0; i < cs.m(); i++) {
                System.arraycopy(bias, 5, expected, off + i * l.ldc(), cs.n());
            }
            Gemm.sgemm(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), a, off, l.lda(), b, off, l.ldb(), expected,
                    off, l.ldc(), true);
            Gemm.sgemmBias(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), a, off, l.lda(), b, off, l.ldb(), bias,
                    5, c, off, l.ldc());
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c, cs + " on " + threads + " threads");
        }
    }

    /** {@code C -= A B} is {@code C += (-A) B} to the bit, on every path (tiny, packed, split, transposed). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dgemmSubtractAddsTheNegatedProduct(Case cs) {
        SplittableRandom rnd = new SplittableRandom(cs.hashCode());
        Layout l = Layout.of(cs);
        int off = cs.off();
        double[] a = randomDoubles(rnd, l.aLength());
        double[] b = randomDoubles(rnd, l.bLength());
        double[] c = randomDoubles(rnd, l.cLength());
        double[] negA = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            negA[i] = -a[i];
        }
        double[] expected = c.clone();
        Gemm.dgemm(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), negA, off, l.lda(), b, off, l.ldb(), expected,
                off, l.ldc(), true);
        Gemm.dgemmSubtract(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), a, off, l.lda(), b, off, l.ldb(), c,
                off, l.ldc());
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, c, cs.toString());
    }

    @Test
    void singleThreadAndRandomShapes() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int trial = 0; trial < 30; trial++) {
                int m = rnd.nextInt(1, 200);
                int n = rnd.nextInt(1, 200);
                int k = rnd.nextInt(1, 300);
                Case cs = new Case(m, n, k, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(),
                        rnd.nextInt(0, 9), rnd.nextInt(0, 20));
                runFloat(cs, rnd);
                runDouble(cs, rnd);
            }
        }
    }

    @Test
    void overwriteIgnoresGarbageInC() {
        // accumulate=false must not read C: NaN there must not leak into the result.
        int m = 70;
        int n = 90;
        int k = 50;
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 2f);
        float[] c = new float[m * n];
        java.util.Arrays.fill(c, Float.NaN);
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        for (float v : c) {
            assertEquals(2f * k, v);
        }
    }

    @Test
    void rejectsNegativeSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 1, 1, new float[1], 0, 1, new float[1], 0, 1, new float[1], 0, 1, false));
    }

    /** Leading dimensions and stored sizes of one case: A is [m, k] or [k, m]; B is [k, n] or [n, k]. */
    private record Layout(int lda, int ldb, int ldc, int aLength, int bLength, int cLength) {
        static Layout of(Case cs) {
            int m = cs.m(), n = cs.n(), k = cs.k();
            int aRows = cs.transA() ? k : m, aCols = cs.transA() ? m : k;
            int bRows = cs.transB() ? n : k, bCols = cs.transB() ? k : n;
            int lda = aCols + cs.pad(), ldb = bCols + cs.pad(), ldc = Math.max(1, n + cs.pad());
            return new Layout(lda, ldb, ldc, cs.off() + aRows * lda, cs.off() + bRows * ldb, cs.off() + m * ldc + 3);
        }
    }

    private static void runFloat(Case cs, SplittableRandom rnd) {
        Layout l = Layout.of(cs);
        int off = cs.off();
        float[] a = randomFloats(rnd, l.aLength());
        float[] b = randomFloats(rnd, l.bLength());
        float[] c = randomFloats(rnd, l.cLength());
        float[] c0 = c.clone();
        if (!cs.accumulate()) {
            for (int i = 0; i < cs.m(); i++) {
                java.util.Arrays.fill(c, off + i * l.ldc(), off + i * l.ldc() + cs.n(), Float.NaN);
            }
        }
        Gemm.sgemm(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), a, off, l.lda(), b, off, l.ldb(), c, off, l.ldc(),
                cs.accumulate());
        // float32 accumulation: error grows ~ sqrt(k) * 2^-24 of the absolute sum; 1e-5 is loose.
        verify(cs, l, toDoubles(a), toDoubles(b), toDoubles(c0), toDoubles(c), 1e-5);
    }

    private static void runDouble(Case cs, SplittableRandom rnd) {
        Layout l = Layout.of(cs);
        int off = cs.off();
        double[] a = randomDoubles(rnd, l.aLength());
        double[] b = randomDoubles(rnd, l.bLength());
        double[] c = randomDoubles(rnd, l.cLength());
        double[] c0 = c.clone();
        if (!cs.accumulate()) {
            for (int i = 0; i < cs.m(); i++) {
                java.util.Arrays.fill(c, off + i * l.ldc(), off + i * l.ldc() + cs.n(), Double.NaN);
            }
        }
        Gemm.dgemm(cs.transA(), cs.transB(), cs.m(), cs.n(), cs.k(), a, off, l.lda(), b, off, l.ldb(), c, off, l.ldc(),
                cs.accumulate());
        verify(cs, l, a, b, c0, c, 1e-13);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /**
     * C against a double-precision triple loop, within {@code relTol} of the sum of absolute terms;
     * elements outside C must be untouched bit for bit.
     */
    private static void verify(Case cs, Layout l, double[] a, double[] b, double[] c0, double[] c, double relTol) {
        int off = cs.off(), lda = l.lda(), ldb = l.ldb(), ldc = l.ldc();
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - off;
            int i = Math.floorDiv(rel, ldc), j = Math.floorMod(rel, ldc);
            boolean inside = rel >= 0 && i < cs.m() && j < cs.n();
            if (!inside) {
                if (Double.doubleToRawLongBits(c[idx]) != Double.doubleToRawLongBits(c0[idx])) {
                    fail(cs + ": element " + idx + " outside C was modified");
                }
                continue;
            }
            double sum = cs.accumulate() ? c0[idx] : 0;
            double abs = Math.abs(sum);
            for (int p = 0; p < cs.k(); p++) {
                double av = cs.transA() ? a[off + p * lda + i] : a[off + i * lda + p];
                double bv = cs.transB() ? b[off + j * ldb + p] : b[off + p * ldb + j];
                sum += av * bv;
                abs += Math.abs(av * bv);
            }
            double tol = relTol * abs + 1e-300;
            if (!(Math.abs(c[idx] - sum) <= tol)) {
                fail(cs + ": C[" + i + "," + j + "] = " + c[idx] + ", expected " + sum + " (tol " + tol + ")");
            }
        }
    }

    private static float[] randomFloats(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static double[] randomDoubles(SplittableRandom rnd, int size) {
        double[] x = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = rnd.nextDouble() * 2 - 1;
        }
        return x;
    }
}
