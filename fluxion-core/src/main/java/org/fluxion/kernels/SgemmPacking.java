package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packs blocks of A and B into the contiguous, zero-padded panel layouts the micro-kernel streams
 * through; the transposed storage orders are absorbed here so the kernel sees a single layout.
 *
 * <p>Packed A ({@code mc x kc} block): panels of {@link Sgemm#MR} rows; panel {@code q} starts at
 * {@code q * MR * kc} and holds, for each depth {@code p}, the MR values {@code A[row0 + i, p]}.
 * Packed B ({@code kc x nc} block): panels of {@link Sgemm#NR} columns; panel {@code q} starts at
 * {@code q * NR * kc} and holds, for each depth {@code p}, the NR values {@code B[p, col0 + j]}.
 * Rows/columns beyond the matrix edge are zero so that edge tiles can run the full kernel.
 */
final class SgemmPacking {
    private static final int MR = Sgemm.MR;
    private static final int NR = Sgemm.NR;
    private static final VectorSpecies<Float> S = SgemmMicroKernel.S;
    private static final int VL = S.length();

    private SgemmPacking() {
    }

    /** Packs {@code A[ic:ic+mc, pc:pc+kc]} into {@code ap}. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int pc, int mc, int kc, float[] ap) {
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            int dst = ip * kc;
            if (!transA) {
                // A[r, c] = a[aOff + r * lda + c]: a transpose. Walk the depth once, gathering one value
                // from each of the MR rows, so the writes are sequential.
                int src = aOff + (ic + ip) * lda + pc;
                if (mr == MR) {
                    packRowsFull(a, src, lda, kc, ap, dst);
                } else {
                    for (int p = 0; p < kc; p++) {
                        int d = dst + p * MR;
                        for (int i = 0; i < mr; i++) {
                            ap[d + i] = a[src + i * lda + p];
                        }
                        for (int i = mr; i < MR; i++) {
                            ap[d + i] = 0f;
                        }
                    }
                }
            } else {
                // A[r, c] = a[aOff + c * lda + r]: each depth step is a contiguous run of mr values.
                int src = aOff + pc * lda + ic + ip;
                if (mr == MR) {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * MR;
                        // A fixed-count loop (unrolled by C2) beats System.arraycopy for 8 elements.
                        for (int i = 0; i < MR; i++) {
                            ap[d + i] = a[s + i];
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * lda;
                        int d = dst + p * MR;
                        for (int i = 0; i < mr; i++) {
                            ap[d + i] = a[s + i];
                        }
                        for (int i = mr; i < MR; i++) {
                            ap[d + i] = 0f;
                        }
                    }
                }
            }
        }
    }

    /** Transposes MR full rows of length kc (row stride lda, from src) into a packed A panel at dst. */
    private static void packRowsFull(float[] a, int src, int lda, int kc, float[] ap, int dst) {
        for (int p = 0; p < kc; p++) {
            int d = dst + p * MR;
            int s = src + p;
            for (int i = 0; i < MR; i++) {
                ap[d + i] = a[s + i * lda];
            }
        }
    }

    /** Packs {@code B[pc:pc+kc, jc:jc+nc]} into {@code bp}. */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int jc, int kc, int nc, float[] bp) {
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
                            FloatVector.fromArray(S, b, s + j).intoArray(bp, d + j);
                        }
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int s = src + p * ldb;
                        int d = dst + p * NR;
                        System.arraycopy(b, s, bp, d, nr);
                        for (int j = nr; j < NR; j++) {
                            bp[d + j] = 0f;
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
                        bp[dst + p * NR + j] = 0f;
                    }
                }
            }
        }
    }
}
