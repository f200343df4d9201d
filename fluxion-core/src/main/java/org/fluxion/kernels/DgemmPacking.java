package org.fluxion.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs blocks of A and B into the contiguous, zero-padded panel layouts the micro-kernel streams
 * through; the transposed storage orders are absorbed here so the kernel sees a single layout.
 *
 * <p>Packed A ({@code mc x kc} block): panels of {@link Dgemm#MR} rows; panel {@code q} starts at
 * {@code q * MR * kc} and holds, for each depth {@code p}, the MR values {@code A[row0 + i, p]}.
 * Packed B ({@code kc x nc} block): panels of {@link Dgemm#NR} columns; panel {@code q} starts at
 * {@code q * NR * kc} and holds, for each depth {@code p}, the NR values {@code B[p, col0 + j]}.
 * Rows/columns beyond the matrix edge are zero so that edge tiles can run the full kernel.
 */
final class DgemmPacking {
    private static final int MR = Dgemm.MR;
    private static final int NR = Dgemm.NR;
    private static final VectorSpecies<Double> S = DgemmMicroKernel.S;
    private static final int VL = S.length();

    private DgemmPacking() {
    }

    /** Packs {@code A[ic:ic+mc, pc:pc+kc]} into {@code ap}. */
    static void packA(boolean transA, double[] a, int aOff, int lda, int ic, int pc, int mc, int kc, double[] ap) {
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            int dst = ip * kc;
            if (!transA) {
                // A[r, c] = a[aOff + r * lda + c]: read each row along the depth, scatter with stride MR.
                for (int i = 0; i < mr; i++) {
                    int src = aOff + (ic + ip + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + i] = a[src + p];
                    }
                }
                for (int i = mr; i < MR; i++) {
                    for (int p = 0; p < kc; p++) {
                        ap[dst + p * MR + i] = 0.0;
                    }
                }
            } else {
                // A[r, c] = a[aOff + c * lda + r]: each depth step is a contiguous run of mr values.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + ip;
                    int d = dst + p * MR;
                    System.arraycopy(a, src, ap, d, mr);
                    for (int i = mr; i < MR; i++) {
                        ap[d + i] = 0.0;
                    }
                }
            }
        }
    }

    /** Packs {@code B[pc:pc+kc, jc:jc+nc]} into {@code bp}. */
    static void packB(boolean transB, double[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, double[] bp) {
        for (int jp = 0; jp < nc; jp += NR) {
            int nr = Math.min(NR, nc - jp);
            int dst = jp * kc;
            if (!transB) {
                // B[r, c] = b[bOff + r * ldb + c]: each depth step is a contiguous run of nr values.
                int src = bOff + pc * ldb + jc + jp;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = dst + p * NR;
                        for (int j = 0; j < NR; j += VL) {
                            DoubleVector.fromArray(S, b, s + j).intoArray(bp, d + j);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = dst + p * NR;
                        System.arraycopy(b, s, bp, d, nr);
                        for (int j = nr; j < NR; j++) {
                            bp[d + j] = 0.0;
                        }
                    }
                }
            } else {
                // B[r, c] = b[bOff + c * ldb + r]: read each column along the depth, scatter with stride NR.
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jp + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = b[src + p];
                    }
                }
                for (int j = nr; j < NR; j++) {
                    for (int p = 0; p < kc; p++) {
                        bp[dst + p * NR + j] = 0.0;
                    }
                }
            }
        }
    }
}
