package org.fluxion.kernels;

import static org.fluxion.kernels.DgemmMicroKernel.MR;
import static org.fluxion.kernels.DgemmMicroKernel.NR;

/**
 * Packed, cache-blocked float64 GEMM (the Goto/BLIS loop nest) for the blocked factorizations: B is packed
 * in {@code KC x NC} blocks of NR-column panels, A in {@code MC x KC} blocks of MR-row panels, and each
 * {@code MR x NR} tile of C is computed by {@link DgemmMicroKernel}; tiles at the edges of C go through a
 * small buffer. Every element of C sums its products in the same order whatever the blocking of rows and
 * columns, so results do not depend on how the caller splits C over threads. Same contract as
 * {@link Gemm#dgemm}.
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
                     double[] b, int bOff, int ldb, double[] c, int cOff, int ldc, boolean accumulate) {
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
                    packA(transA, a, aOff, lda, ic, pc, mc, kc, ap);
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
    private static void packA(boolean transA, double[] a, int aOff, int lda, int ic, int pc, int mc, int kc, double[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = ir * kc;
            for (int p = 0; p < kc; p++) {
                for (int i = 0; i < MR; i++) {
                    double v = 0;
                    if (i < mr) {
                        int row = ic + ir + i;
                        int col = pc + p;
                        v = transA ? a[aOff + col * lda + row] : a[aOff + row * lda + col];
                    }
                    ap[dst++] = v;
                }
            }
        }
    }

    /** B[pc.., jc..] as NR-column panels: for each depth step p, the NR values of the panel's columns. */
    private static void packB(boolean transB, double[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, double[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
            for (int p = 0; p < kc; p++) {
                int row = pc + p;
                if (!transB && nr == NR) {
                    System.arraycopy(b, bOff + row * ldb + jc + jr, bp, dst, NR);
                    dst += NR;
                    continue;
                }
                for (int j = 0; j < NR; j++) {
                    int col = jc + jr + j;
                    bp[dst++] = j >= nr ? 0 : transB ? b[bOff + col * ldb + row] : b[bOff + row * ldb + col];
                }
            }
        }
    }
}
