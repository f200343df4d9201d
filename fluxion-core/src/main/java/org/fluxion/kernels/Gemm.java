package org.fluxion.kernels;

/**
 * General matrix multiplication on row-major arrays: {@code C = A·B} or {@code C += A·B}.
 *
 * <p>Shapes: A is {@code [m, k]} (or {@code [k, m]} stored when {@code transA}), B is {@code [k, n]}
 * (or {@code [n, k]} when {@code transB}), C is {@code [m, n]}. {@code lda}, {@code ldb}, {@code ldc}
 * are the row strides (leading dimensions) of the arrays as stored.
 *
 * <p>Tiny products run unpacked vector loops ({@link SgemmSmall}); larger ones run a packed, cache-blocked, register-tiled Vector
 * API kernel ({@link Sgemm}, {@link Dgemm}; plain loops without the Vector API, see {@link Vectorization}),
 * split over {@link Parallel} threads by independent column (or row) ranges of C once the product is big
 * enough to repay the hand-off.
 */
public final class Gemm {
    /** Below this many multiply-adds the packing set-up costs more than it saves. */
    private static final long TINY = 4096;
    /** Below this many multiply-adds one thread finishes before a second would start (~50 us). */
    private static final long PARALLEL_MIN = 96L * 96 * 96;
    /**
     * Below this many multiply-adds (and at most {@link SgemmDirect#MAX_K} deep) a float32 product runs unpacked
     * ({@link SgemmDirect}): packing would cost as much as the product. Below {@link #PARALLEL_MIN}, so the choice
     * never depends on the thread count.
     */
    private static final long DIRECT_MAX = Math.min(PARALLEL_MIN, 1L << 19);

    /**
     * C at most this wide (float64, B as stored), or a tiny product, goes to {@link DgemmNarrow}; 0 without the
     * Vector API.
     */
    private static final int NARROW_DOUBLE_COLUMNS = Vectorization.ENABLED ? DgemmNarrow.MAX_N : 0;

    private Gemm() {
    }

    /**
     * The fewest multiply-adds a product must have for this class to split it over threads: a batch of smaller
     * products is split by products instead ({@code MatMul} over stacks).
     */
    public static long parallelMinWork() {
        return PARALLEL_MIN;
    }

    /** Single-precision GEMM. When {@code accumulate} is false C is overwritten, else added to. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, null, 0, c, cOff, ldc, accumulate);
    }

    /**
     * {@code C = bias + A·B}, the row {@code bias[biasOff .. biasOff + n)} added to every row of the product (a
     * linear layer's {@code x W + b}): each element is {@code bias_j + sum}, the bits of filling C with the bias
     * rows and accumulating, for a depth of at most one block. The packed kernels add the bias as they store the
     * first depth block, so C is written once instead of filled first; the others fill C first.
     */
    public static void sgemmBias(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb, float[] bias, int biasOff,
                                 float[] c, int cOff, int ldc) {
        KernelChecks.range("sgemm", "bias", bias.length, biasOff, n);
        sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc, false);
    }

    private static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                              float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] bias, int biasOff,
                              float[] c, int cOff, int ldc, boolean accumulate) {
        checkDims(m, n, k);
        if (m == 0 || n == 0) {
            return;
        }
        if (tallNarrow(transA, m, n, k, lda, ldc)) {
            int bp = transB ? 1 : ldb;
            int bj = transB ? ldb : 1;
            long work = (long) m * n * k;
            if (work < PARALLEL_MIN || Parallel.threads() == 1) {
                SgemmTallNarrow.gemm(m, n, k, a, aOff, b, bOff, bp, bj, bias, biasOff, c, cOff, accumulate);
                return;
            }
            // Rows are independent: blocks of rows over the threads, the same bits as one call.
            int unit = 16 * Sgemm.MR;
            Parallel.forRange((m + unit - 1) / unit, 1, (s0, s1) -> {
                int r0 = s0 * unit;
                int r1 = Math.min(m, s1 * unit);
                SgemmTallNarrow.gemm(r1 - r0, n, k, a, aOff + r0 * lda, b, bOff, bp, bj, bias, biasOff, c,
                        cOff + r0 * ldc, accumulate);
            });
            return;
        }
        if (Vectorization.ENABLED && SgemmDeepTiny.takes(m, n, k)) {
            fillWithBias(m, n, bias, biasOff, c, cOff, ldc);
            SgemmDeepTiny.gemm(m, n, k, a, aOff, transA ? 1 : lda, transA ? lda : 1, b, bOff, transB ? 1 : ldb,
                    transB ? ldb : 1, c, cOff, ldc, accumulate || bias != null);
            return;
        }
        if (!packed(transB, m, n, k)) {
            unpacked(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc, accumulate);
            return;
        }
        sgemmPacked(transA, m, n, k, a, aOff, lda, Sgemm.BPacker.of(transB, b, bOff, ldb), transB ? 4 : 1, bias,
                biasOff, c, cOff, ldc, accumulate);
    }

    /**
     * The packed kernels' product {@code C (+)= A·B} (plus the bias rows) for a B that {@code packB} packs, split
     * over the threads once it is large enough; {@code packCost} as {@link Sgemm#gemmRowsParallel}. The bits do not
     * depend on the thread count: every split keeps the depth blocks, so each element sums in the same order.
     * Requires {@code m, n, k > 0}.
     */
    static void sgemmPacked(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, Sgemm.BPacker packB,
                            int packCost, float[] bias, int biasOff, float[] c, int cOff, int ldc,
                            boolean accumulate) {
        long work = (long) m * n * k;
        int threads = Parallel.threads();
        if (work < PARALLEL_MIN || threads == 1 || (m < 2 * threads * Sgemm.MR && n < threads * Sgemm.NR)) {
            Sgemm.gemm(transA, m, n, k, a, aOff, lda, packB, bias, biasOff, c, cOff, ldc, accumulate);
        } else if (m >= 2 * threads * Sgemm.MR && (m >= n || n < threads * Sgemm.NR)) {
            // Enough rows, and B no wider than A is tall: B packed once and shared, rows of C claimed dynamically
            // by the threads (each reads all of B, a part of A).
            Sgemm.gemmRowsParallel(transA, m, n, k, a, aOff, lda, packB, packCost, bias, biasOff, c, cOff, ldc,
                    accumulate);
        } else {
            // Few rows, or a B wider than A is tall (a batch-1 sequence through a wide layer): independent column
            // ranges, each a serial GEMM packing only its part of B.
            int unit = Sgemm.NR;
            Parallel.forRange((n + unit - 1) / unit, 1, (s, e) -> {
                int j0 = s * unit;
                int j1 = Math.min(n, e * unit);
                Sgemm.gemm(transA, m, j1 - j0, k, a, aOff, lda, packB.fromColumn(j0), bias, biasOff + j0, c,
                        cOff + j0, ldc, accumulate);
            });
        }
    }

    /**
     * Fills the m rows of C with the bias row (when there is one), for the kernels that accumulate into C rather than
     * add a bias as they store: the bits of {@code bias_j + sum}.
     */
    private static void fillWithBias(int m, int n, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (bias != null) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
            }
        }
    }

    /**
     * Whether {@link SgemmTallNarrow} computes this product: a tall C of at most four columns from at most four terms
     * per element, whose packed GEMM would compute a block of 32 columns for it.
     */
    private static boolean tallNarrow(boolean transA, int m, int n, int k, int lda, int ldc) {
        return SgemmTallNarrow.takes(transA, m, n, k, lda, ldc);
    }

    /**
     * Whether {@link #sgemm} runs this product in the packed kernels ({@link Sgemm}, which can add a bias as they
     * store); {@link #unpacked} runs all the others.
     */
    private static boolean packed(boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        return Vectorization.ENABLED && k > 0 && work >= TINY && !(fewRowsAgainstBT(transB, m, k))
                && !(work < DIRECT_MAX && SgemmDirect.takes(n, k));
    }

    /** Whether a product is a few rows against B^T, deep enough for {@link #dotRows}. */
    private static boolean fewRowsAgainstBT(boolean transB, int m, int k) {
        return transB && m <= DOT_ROWS && k >= 4 * SgemmDotNT.VL;
    }

    /**
     * The products {@link #packed} leaves out: direct (a small product more than two vectors wide, at most one block
     * deep, which adds the bias as it stores), or, C filled with the bias rows first, empty, narrow, tiny, plain-Java
     * or few rows against B^T.
     */
    private static void unpacked(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb, float[] bias, int biasOff,
                                 float[] c, int cOff, int ldc, boolean accumulate) {
        if (Vectorization.ENABLED && k > 0 && (long) m * n * k >= TINY && !fewRowsAgainstBT(transB, m, k)) {
            SgemmDirect.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc,
                    accumulate);
            return;
        }
        fillWithBias(m, n, bias, biasOff, c, cOff, ldc);
        unpackedSmall(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate || bias != null);
    }

    /** {@link #unpacked}'s products other than direct ones. */
    private static void unpackedSmall(boolean transA, boolean transB, int m, int n, int k,
                                      float[] a, int aOff, int lda,
                                      float[] b, int bOff, int ldb,
                                      float[] c, int cOff, int ldc, boolean accumulate) {
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        long work = (long) m * n * k;
        if (n <= NARROW && work < TINY) {
            narrow(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        if (work < TINY) {
            if (Vectorization.ENABLED) {
                SgemmSmall.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            } else {
                naive(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            }
            return;
        }
        if (!Vectorization.ENABLED) {
            // Without the Vector API: the plain loops, rows of C split over the threads.
            int grain = (int) Math.max(1, PARALLEL_MIN / Math.max(1L, (long) n * k));
            Parallel.forRange(m, grain, (r0, r1) -> naive(transA, transB, r1 - r0, n, k,
                    a, transA ? aOff + r0 : aOff + r0 * lda, lda, b, bOff, ldb, c, cOff + r0 * ldc, ldc, accumulate));
            return;
        }
        // What remains (the direct products went before): a few rows against B^T.
        if (transA) {
            // A is a few columns of an [k, m] array (a plan's im2col in its reader's layout): copying its
            // m*k values row-major costs far less than the packed GEMM's gather of all of B.
            dotRows(m, n, k, SgemmPacking.transpose(k, m, a, aOff, lda, new float[m * k]), 0, k, b, bOff, ldb, c,
                    cOff, ldc, accumulate);
        } else {
            dotRows(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /** Double-precision GEMM, same contract as {@link #sgemm}. */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda,
                             double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, false);
    }

    /**
     * {@code C -= op(A)·op(B)} in float64 (BLAS's {@code alpha = -1, beta = 1}), the update of the blocked
     * factorizations and triangular solves; A's entries are negated as they are packed, so no copy of A is
     * made and each element rounds as {@code c + (-a)·b}.
     */
    public static void dgemmSubtract(boolean transA, boolean transB, int m, int n, int k,
                                     double[] a, int aOff, int lda,
                                     double[] b, int bOff, int ldb,
                                     double[] c, int cOff, int ldc) {
        dgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, true, true);
    }

    private static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                              double[] a, int aOff, int lda,
                              double[] b, int bOff, int ldb,
                              double[] c, int cOff, int ldc, boolean accumulate, boolean negate) {
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
        long work = (long) m * n * k;
        if (!transB && (n <= NARROW_DOUBLE_COLUMNS || work < TINY && NARROW_DOUBLE_COLUMNS > 0)) {
            // A narrow or tiny C: vector rows without packing (DgemmNarrow), rows split over the threads.
            int grain = work < PARALLEL_MIN ? Integer.MAX_VALUE : (int) Math.max(1, PARALLEL_MIN / ((long) n * k));
            Parallel.forRange(m, grain, (r0, r1) -> DgemmNarrow.gemm(transA, r1 - r0, n, k, a,
                    transA ? aOff + r0 : aOff + r0 * lda, lda, b, bOff, ldb, c, cOff + r0 * ldc, ldc, accumulate,
                    negate));
            return;
        }
        if (work < TINY) {
            naive(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, negate);
            return;
        }
        if (!Vectorization.ENABLED) {
            // Without the Vector API: the plain loops, rows of C split over the threads.
            int grain = (int) Math.max(1, PARALLEL_MIN / Math.max(1L, (long) n * k));
            Parallel.forRange(m, grain, (r0, r1) -> naive(transA, transB, r1 - r0, n, k,
                    a, transA ? aOff + r0 : aOff + r0 * lda, lda, b, bOff, ldb, c, cOff + r0 * ldc, ldc, accumulate,
                    negate));
            return;
        }
        // The packed kernel (the blocked factorizations' updates), C split over the threads by columns when it
        // is wide enough, else by rows; either split leaves each element's order of summation unchanged.
        int unit = DgemmMicroKernel.NR;
        int threads = work < PARALLEL_MIN ? 1 : Parallel.threads();
        int grain = threads == 1 ? Integer.MAX_VALUE : 1;
        if (n >= threads * unit * 2) {
            Parallel.forRange((n + unit - 1) / unit, grain, (s, e) -> {
                int j0 = s * unit;
                int j1 = Math.min(n, e * unit);
                Dgemm.gemm(transA, transB, m, j1 - j0, k, a, aOff, lda, b, transB ? bOff + j0 * ldb : bOff + j0, ldb,
                        c, cOff + j0, ldc, accumulate, negate);
            });
        } else {
            int rows = DgemmMicroKernel.MR;
            Parallel.forRange((m + rows - 1) / rows, grain, (s, e) -> {
                int r0 = s * rows;
                int r1 = Math.min(m, e * rows);
                Dgemm.gemm(transA, transB, r1 - r0, n, k, a, transA ? aOff + r0 : aOff + r0 * lda, lda, b, bOff, ldb,
                        c, cOff + r0 * ldc, ldc, accumulate, negate);
            });
        }
    }

    private static void checkDims(int m, int n, int k) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative GEMM size m=" + m + " n=" + n + " k=" + k);
        }
    }

    /** Widest C handled by {@link #narrow}: small networks' layers (a hidden layer of 3, two classes). */
    /**
     * The most rows of C computed as dot products ({@link #dotRows}): a batch-1 dense layer or a convolution
     * with a 2x2 output plane, whose packed GEMM would repack the whole of B (the weights) on every call for
     * a handful of rows.
     */
    private static final int DOT_ROWS = 8;

    /**
     * {@code C[m, n] (+)= A[m, k] · B[n, k]^T} for few rows m, both operands row-major along k: B read once,
     * unpacked, its rows split over the threads, each C element a vector dot product.
     */
    private static void dotRows(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float[] c, int cOff, int ldc, boolean accumulate) {
        int vl = SgemmDotNT.VL;
        int grain = (int) Math.max(3, PARALLEL_MIN / Math.max(1L, (long) m * k));
        Parallel.forRange(n, grain, (j0, j1) -> {
            int cols = j1 - j0;
            float[] part = new float[m * cols * vl];
            SgemmDotNT.accumulate(m, cols, k, a, aOff, lda, b, bOff + j0 * ldb, ldb, part, 0);
            if (!accumulate) {
                SgemmDotNT.reduce(m, cols, part, 0, c, cOff + j0, ldc);
                return;
            }
            float[] sums = new float[m * cols];
            SgemmDotNT.reduce(m, cols, part, 0, sums, 0, cols);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < cols; j++) {
                    c[cOff + i * ldc + j0 + j] += sums[i * cols + j];
                }
            }
        });
    }


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
        int rowStep = transA ? 1 : lda;
        int colStep = transA ? lda : 1;
        if (m <= NARROW) {
            narrowSmall(m, n, k, a, aOff, rowStep, colStep, b, bOff, transB ? 1 : ldb, transB ? ldb : 1,
                    c, cOff, ldc, accumulate);
            return;
        }
        float[] bl = new float[Math.max(k, NARROW) * NARROW]; // rows past k stay zero
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bl[p * NARROW + j] = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
        }
        if (!transA && k <= NARROW) {
            // Small layers (2-D points in, a few hidden units): each row's products written out, no loop over k.
            for (int i = 0; i < m; i++) {
                int ai = aOff + i * lda;
                float a0 = a[ai];
                float a1 = k > 1 ? a[ai + 1] : 0;
                float a2 = k > 2 ? a[ai + 2] : 0;
                float a3 = k > 3 ? a[ai + 3] : 0;
                store(c, cOff + i * ldc, n, accumulate,
                        a0 * bl[0] + a1 * bl[4] + a2 * bl[8] + a3 * bl[12],
                        a0 * bl[1] + a1 * bl[5] + a2 * bl[9] + a3 * bl[13],
                        a0 * bl[2] + a1 * bl[6] + a2 * bl[10] + a3 * bl[14],
                        a0 * bl[3] + a1 * bl[7] + a2 * bl[11] + a3 * bl[15]);
            }
            return;
        }
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
            store(c, cOff + i * ldc, n, accumulate, c0, c1, c2, c3);
        }
    }

    /**
     * C = A B with m and n at most 4 (a small layer's weight gradient: a sum over the batch of outer
     * products), for any k: one pass over k with the whole 4 x 4 block of C in registers. A(i, p) is
     * {@code a[aOff + i * ai + p * ap]}, B(p, j) is {@code b[bOff + p * bp + j * bj]}.
     */
    private static void narrowSmall(int m, int n, int k, float[] a, int aOff, int ai, int ap,
                                    float[] b, int bOff, int bp, int bj,
                                    float[] c, int cOff, int ldc, boolean accumulate) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < k; p++) {
            int pa = aOff + p * ap;
            int pb = bOff + p * bp;
            float b0 = b[pb];
            float b1 = n > 1 ? b[pb + bj] : 0; // rows and columns past m, n stay zero and are not stored
            float b2 = n > 2 ? b[pb + 2 * bj] : 0;
            float b3 = n > 3 ? b[pb + 3 * bj] : 0;
            float a0 = a[pa];
            float a1 = m > 1 ? a[pa + ai] : 0;
            float a2 = m > 2 ? a[pa + 2 * ai] : 0;
            float a3 = m > 3 ? a[pa + 3 * ai] : 0;
            c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
            c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
            c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
            c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        store(c, cOff, n, accumulate, c00, c01, c02, c03);
        if (m > 1) {
            store(c, cOff + ldc, n, accumulate, c10, c11, c12, c13);
        }
        if (m > 2) {
            store(c, cOff + 2 * ldc, n, accumulate, c20, c21, c22, c23);
        }
        if (m > 3) {
            store(c, cOff + 3 * ldc, n, accumulate, c30, c31, c32, c33);
        }
    }

    /** Writes (or adds) the first n of four values of one row of C. */
    private static void store(float[] c, int ci, int n, boolean accumulate, float c0, float c1, float c2, float c3) {
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
                              double[] c, int cOff, int ldc, boolean accumulate, boolean negate) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!transB) {
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0.0);
                }
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    av = negate ? -av : av;
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
                        s += (negate ? -av : av) * b[bj + p];
                    }
                    c[ci + j] = accumulate ? c[ci + j] + s : s;
                }
            }
        }
    }
}
