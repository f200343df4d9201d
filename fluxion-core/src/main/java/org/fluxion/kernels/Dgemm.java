package org.fluxion.kernels;

import static org.fluxion.kernels.DgemmMicroKernel.MR;
import static org.fluxion.kernels.DgemmMicroKernel.NR;

/**
 * Packed, cache-blocked float64 GEMM (the Goto/BLIS loop nest) for the blocked factorizations: B is packed
 * in {@code KC x NC} blocks of NR-column panels, A in {@code MC x KC} blocks of MR-row panels, and each
 * {@code MR x NR} tile of C is computed by {@link DgemmMicroKernel}; tiles at the edges of C go through a
 * small buffer. Every element of C sums its products in the same order whatever the blocking of rows and
 * columns, so results do not depend on how the caller splits C over threads. Same contract as
 * {@link Gemm#dgemm}; with {@code negate} A is negated as it is packed ({@link Gemm#dgemmSubtract}).
 */
final class Dgemm {
    private static final int KC = 256;
    private static final int MC = 96;
    private static final int NC = 512;

    private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(
            () -> new double[][] {new double[MC * KC], new double[KC * NC], new double[MR * NR]});

    private Dgemm() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k, double[] a, int aOff, int lda,
                     double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate,
                     boolean negate) {
        double[][] buf = BUFFERS.get();
        double[] ap = buf[0];
        double[] bp = buf[1];
        double[] edge = buf[2];
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                packB(transB, b, bOff, ldb, pc, jc, kc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, negate, a, aOff, lda, ic, pc, mc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int cTile = cOff + (ic + ir) * ldc + jc + jr;
                            if (mr == MR && nr == NR) {
                                DgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, c, cTile, ldc, add);
                            } else {
                                DgemmMicroKernel.kernel(kc, ap, ir * kc, bp, jr * kc, edge, 0, NR, false);
                                for (int i = 0; i < mr; i++) {
                                    for (int j = 0; j < nr; j++) {
                                        int ci = cTile + i * ldc + j;
                                        c[ci] = add ? c[ci] + edge[i * NR + j] : edge[i * NR + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** A[ic.., pc..] as MR-row panels: for each depth step p, the MR values of the panel's rows (zeros past m). */
    private static void packA(boolean transA, boolean negate, double[] a, int aOff, int lda, int ic, int pc, int mc,
                              int kc, double[] ap) {
        double sign = negate ? -1 : 1; // exact: only the sign bit changes
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            if (mr < MR) {
                java.util.Arrays.fill(ap, dst, dst + MR * kc, 0.0);
            }
            for (int i = 0; i < mr; i++) {
                int row = ic + ir + i;
                if (transA) {
                    int src = aOff + pc * lda + row;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + i] = sign * a[src + p * lda];
                    }
                } else {
                    int src = aOff + row * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + i] = sign * a[src + p];
                    }
                }
            }
        }
    }

    /** B[pc.., jc..] as NR-column panels: for each depth step p, the NR values of the panel's columns. */
    private static void packB(boolean transB, double[] b, int bOff, int ldb, int pc, int jc, int kc, int nc,
                              double[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
            if (nr < NR) {
                java.util.Arrays.fill(bp, dst, dst + NR * kc, 0.0);
            }
            if (transB) {
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int d = dst + p * NR;
                    for (int j = 0; j < nr; j++) {
                        bp[d + j] = b[src + j];
                    }
                }
            }
        }
    }
}
