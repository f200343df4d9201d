package org.fluxion.kernels;

/**
 * General matrix multiplication on row-major arrays: {@code C = A·B} or {@code C += A·B}.
 *
 * <p>Shapes: A is {@code [m, k]} (or {@code [k, m]} stored when {@code transA}), B is {@code [k, n]}
 * (or {@code [n, k]} when {@code transB}), C is {@code [m, n]}. {@code lda}, {@code ldb}, {@code ldc}
 * are the row strides (leading dimensions) of the arrays as stored.
 *
 * <p>Tiny products run a plain loop; larger ones run a packed, cache-blocked, register-tiled Vector
 * API kernel ({@link Sgemm}; float64 uses plain loops), split over {@link Parallel} threads by independent
 * column (or row) ranges of C once the product is big enough to repay the hand-off.
 */
public final class Gemm {
    /** Below this many multiply-adds the packing set-up costs more than it saves. */
    private static final long TINY = Long.getLong("fluxion.gemm.tiny", 4096);
    /** Below this many multiply-adds one thread finishes before a second would start (~50 us). */
    private static final long PARALLEL_MIN = Long.getLong("fluxion.gemm.parallelMin", 96L * 96 * 96);

    private Gemm() {
    }

    /** Single-precision GEMM. When {@code accumulate} is false C is overwritten, else added to. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        checkDims(m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        long work = (long) m * n * k;
        if (n <= NARROW && work < PARALLEL_MIN) {
            narrow(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (work < TINY) {
            naive(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (work < PARALLEL_MIN || Parallel.threads() == 1) {
            Sgemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        int threads = Parallel.threads();
        if (m >= 2 * threads * Sgemm.MR) {
            // Enough rows: B packed once and shared, rows of C claimed dynamically by the threads.
            Sgemm.gemmRowsParallel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (n < threads * Sgemm.NR) {
            Sgemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            // Few rows: independent column ranges, each a serial GEMM on shifted offsets.
            int unit = Sgemm.NR;
            Parallel.forRange((n + unit - 1) / unit, 1, (s, e) -> {
                int j0 = s * unit;
                int j1 = Math.min(n, e * unit);
                Sgemm.gemm(transA, transB, m, j1 - j0, k, a, aOff, lda,
                        b, transB ? bOff + j0 * ldb : bOff + j0, ldb, c, cOff + j0, ldc, accumulate);
            });
        }
    }

    /** Double-precision GEMM, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda,
                             double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        checkDims(m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
                }
            }
            return;
        }
        // Float64 serves exactness (gradient checks, float64 models), not speed: plain loops whose
        // innermost access is contiguous, rows of C split over the threads.
        int grain = (int) Math.max(1, PARALLEL_MIN / Math.max(1L, (long) n * k));
        Parallel.forRange(m, grain, (r0, r1) -> naive(transA, transB, r1 - r0, n, k,
                a, transA ? aOff + r0 : aOff + r0 * lda, lda, b, bOff, ldb, c, cOff + r0 * ldc, ldc, accumulate));
    }

    private static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** Widest C handled by {@link #narrow}: small networks' layers (a hidden layer of 3, two classes). */
    private static final int NARROW = 4;

    /**
     * C = A B for a C at most {@link #NARROW} columns wide (any m and k): B is copied once into a [k, 4]
     * block padded with zeros, then each row of C is four register accumulators updated per element of
     * A's row, {@code c_j += A(i,p) B(p,j)}, without loops over a width of 2 or 3 that cost more than
     * their multiplications.
     */
    private static void narrow(boolean transA, boolean transB, int m, int n, int k,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float[] c, int cOff, int ldc, boolean accumulate) {
        float[] bl = new float[k * NARROW];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bl[p * NARROW + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
        }
        int rowStep = transA ? 1 : lda;
        int colStep = transA ? lda : 1;
        for (int i = 0; i < m; i++) {
            float c0 = 0;
            float c1 = 0;
            float c2 = 0;
            float c3 = 0;
            int ai = aOff + i * rowStep;
            for (int p = 0, q = 0; p < k; p++, q += NARROW) {
                float av = a[ai + p * colStep];
                c0 += av * bl[q];
                c1 += av * bl[q + 1];
                c2 += av * bl[q + 2];
                c3 += av * bl[q + 3];
            }
            int ci = cOff + i * ldc;
            if (accumulate) {
                c0 += c[ci];
                c1 += n > 1 ? c[ci + 1] : 0;
                c2 += n > 2 ? c[ci + 2] : 0;
                c3 += n > 3 ? c[ci + 3] : 0;
            }
            c[ci] = c0;
            if (n > 1) {
                c[ci + 1] = c1;
            }
            if (n > 2) {
                c[ci + 2] = c2;
            }
            if (n > 3) {
                c[ci + 3] = c3;
            }
        }
    }

    /** Plain loops for tiny products, ordered so the innermost loop walks C and B rows when it can. */
    private static void naive(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!transB) {
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bi = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bi + j];
                    }
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    float s = 0;
                    for (int p = 0; p < k; p++) {
                        float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        s += av * b[bj + p];
                    }
                    c[ci + j] = accumulate ? c[ci + j] + s : s;
                }
            }
        }
    }

    private static void naive(boolean transA, boolean transB, int m, int n, int k,
                              double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                              double[] c, int cOff, int ldc, boolean accumulate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!transB) {
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0.0);
                }
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    int bi = bOff + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += av * b[bi + j];
                    }
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        s += av * b[bj + p];
                    }
                    c[ci + j] = accumulate ? c[ci + j] + s : s;
                }
            }
        }
    }
}
