package org.fluxion.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C[m, n] (+)= A[m, k] · B[k, n]} for a C of at most four rows and four columns over a long depth: the weight
 * gradient of a small layer on a batch ({@code x^T g}, {@code [2, 200] x [200, 3]}), where A is the batch's transposed
 * inputs, so neither A's rows nor B's columns are contiguous. Vector lanes run over the depth: each step takes
 * {@code VL} entries of each of A's rows and B's columns (out of interleaved vectors where A or B is stored
 * transposed, else by a gather) and adds their products into {@code m n} lane-wise partial
 * sums; the sums are added lane after lane at the end, then the scalar products of the depth's last {@code k % VL}
 * entries. One order for a given k, compiled or interpreted (not the order of the packed kernels).
 */
final class SgemmDeepTiny {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int VL = S.length();
    /** The most rows and columns of C. */
    static final int MAX = 4;
    /** {@link #interleaved}'s lane indices {@code l stride + part}, for strides 2 to 4 and parts 0 to 3, VL each. */
    private static final float[] INDEX = new float[3 * MAX * VL];

    static {
        for (int stride = 2; stride <= MAX; stride++) {
            for (int part = 0; part < MAX; part++) {
                for (int l = 0; l < VL; l++) {
                    INDEX[((stride - 2) * MAX + part) * VL + l] = l * stride + part;
                }
            }
        }
    }

    private SgemmDeepTiny() {
    }

    /** Whether it computes this product: C at most {@link #MAX} square and at least one vector of depth. */
    static boolean takes(int m, int n, int k) {
        return m <= MAX && n <= MAX && k >= VL;
    }

    /**
     * The product; A(i, p) is {@code a[aOff + i ai + p ap]}, B(p, j) is {@code b[bOff + p bp + j bj]}, C(i, j) is
     * {@code c[cOff + i ldc + j]}, plus its old value when {@code accumulate}. Requires {@link #takes}.
     */
    static void gemm(int m, int n, int k, float[] a, int aOff, int ai, int ap, float[] b, int bOff, int bp, int bj,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        int[] aStep = new int[VL];
        int[] bStep = new int[VL];
        for (int l = 0; l < VL; l++) {
            aStep[l] = l * ap;
            bStep[l] = l * bp;
        }
        // A's rows are interleaved when A is stored transposed (x^T: ap = x's row length, ai = 1), and B's columns
        // likewise (bp = g's row length, bj = 1): then a step's entries are in ap (bp) consecutive vectors, and
        // selectFrom takes them out of those faster than a gather does.
        boolean aSplit = ai == 1 && ap > 1 && ap <= MAX && m <= ap;
        boolean bSplit = bj == 1 && bp > 1 && bp <= MAX && n <= bp;
        float[] partial = new float[m * n * VL]; // (i, j) -> lanes of sum_p A(i, p) B(p, j)
        float[] columns = new float[n * VL]; // this step's entries of B's columns, gathered once for all rows
        int full = k - k % VL;
        for (int p = 0; p < full; p += VL) {
            int bBase = bOff + p * bp;
            boolean bWhole = bSplit && bBase + VL * bp <= b.length;
            for (int j = 0; j < n; j++) {
                (bp == 1 ? FloatVector.fromArray(S, b, bOff + p + j * bj)
                        : bWhole ? interleaved(b, bBase, bp, j)
                        : FloatVector.fromArray(S, b, bBase + j * bj, bStep, 0)).intoArray(columns, j * VL);
            }
            int aBase = aOff + p * ap;
            boolean aWhole = aSplit && aBase + VL * ap <= a.length;
            for (int i = 0; i < m; i++) {
                FloatVector ar = ap == 1 ? FloatVector.fromArray(S, a, aOff + i * ai + p)
                        : aWhole ? interleaved(a, aBase, ap, i)
                        : FloatVector.fromArray(S, a, aBase + i * ai, aStep, 0);
                for (int j = 0; j < n; j++) {
                    int t = (i * n + j) * VL;
                    ar.fma(FloatVector.fromArray(S, columns, j * VL), FloatVector.fromArray(S, partial, t))
                            .intoArray(partial, t);
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                // Lanes added in lane order: reduceLanes(ADD) has no fixed order, and its intrinsic and its Java
                // fallback differ, so the sum would change when C2 compiles the caller.
                int t = (i * n + j) * VL;
                float s = partial[t];
                for (int l = 1; l < VL; l++) {
                    s += partial[t + l];
                }
                for (int p = full; p < k; p++) {
                    s += a[aOff + i * ai + p * ap] * b[bOff + p * bp + j * bj];
                }
                int ci = cOff + i * ldc + j;
                c[ci] = accumulate ? s + c[ci] : s;
            }
        }
    }

    /**
     * Lanes {@code x[base + l stride + part]}, {@code l < VL}: one of {@code stride} (2 to 4) interleaved sequences,
     * taken out of the {@code stride} vectors from {@code base}, two at a time, by {@code selectFrom} (whose indices
     * wrap modulo two vectors), then blended.
     */
    private static FloatVector interleaved(float[] x, int base, int stride, int part) {
        FloatVector index = FloatVector.fromArray(S, INDEX, ((stride - 2) * MAX + part) * VL);
        FloatVector low = index.selectFrom(FloatVector.fromArray(S, x, base), FloatVector.fromArray(S, x, base + VL));
        if (stride == 2) {
            return low;
        }
        FloatVector v2 = FloatVector.fromArray(S, x, base + 2 * VL);
        FloatVector high = index.selectFrom(v2, stride == 4 ? FloatVector.fromArray(S, x, base + 3 * VL) : v2);
        return low.blend(high, index.compare(VectorOperators.GE, 2 * VL));
    }
}
