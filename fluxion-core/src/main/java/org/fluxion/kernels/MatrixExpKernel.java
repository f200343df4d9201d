package org.fluxion.kernels;

/**
 * The matrix exponential {@code e^A} of a dense row-major {@code n x n} matrix by scaling and squaring with
 * Padé approximants (Higham, "The scaling and squaring method for the matrix exponential revisited", SIAM J.
 * Matrix Anal. Appl. 26(4), 2005, Algorithm 2.3): with {@code ||A||_1} at most {@code theta_m}, the
 * {@code [m/m]} Padé approximant {@code r_m(A) = (V - U)^-1 (V + U)} (U the odd part, V the even part of its
 * numerator) is accurate to double precision for m = 3, 5, 7, 9; a larger A is scaled by {@code 2^-s} into
 * reach of {@code r_13} and the result squared s times.
 */
public final class MatrixExpKernel {
    /** {@code theta_m} for m = 3, 5, 7, 9, 13 (Higham 2005, Table 2.3). */
    private static final double[] THETA = {1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1,
            2.097847961257068e0, 5.371920351148152e0};
    private static final double[][] PADE = {
            {120, 60, 12, 1},
            {30240, 15120, 3360, 420, 30, 1},
            {17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1},
            {17643225600.0, 8821612800.0, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1},
            {64764752532480000.0, 32382376266240000.0, 7771770303897600.0, 1187353796428800.0, 129060195264000.0,
                    10559470521600.0, 670442572800.0, 33522128640.0, 1323241920, 40840800, 960960, 16380, 182, 1}};

    private MatrixExpKernel() {
    }

    /** Writes {@code e^A} for {@code a[off..]} into {@code out[outOff..]}, both row-major {@code [n, n]}. */
    public static void expm(double[] a, int off, int n, double[] out, int outOff) {
        KernelChecks.range("matrixExp", "a", a.length, off, n * n);
        double[] x = java.util.Arrays.copyOfRange(a, off, off + n * n);
        double norm = norm1(x, n);
        if (!(norm < Double.POSITIVE_INFINITY)) { // an infinite or NaN entry: no scaling reaches it
            java.util.Arrays.fill(out, outOff, outOff + n * n, Double.NaN);
            return;
        }
        int degree = -1;
        for (int d = 0; d < 4; d++) {
            if (norm <= THETA[d]) {
                degree = d;
                break;
            }
        }
        int squarings = 0;
        if (degree < 0) {
            degree = 4;
            if (norm > THETA[4]) {
                squarings = Math.max(0, (int) Math.ceil(Math.log(norm / THETA[4]) / Math.log(2)));
                double scale = Math.scalb(1.0, -squarings);
                for (int i = 0; i < x.length; i++) {
                    x[i] *= scale;
                }
            }
        }
        double[] r = pade(x, n, PADE[degree]);
        for (int k = 0; k < squarings; k++) {
            double[] sq = new double[n * n];
            Gemm.dgemm(false, false, n, n, n, r, 0, n, r, 0, n, sq, 0, n, false);
            r = sq;
        }
        System.arraycopy(r, 0, out, outOff, n * n);
    }

    /** The maximum absolute column sum. */
    private static double norm1(double[] x, int n) {
        double best = 0;
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.abs(x[i * n + j]);
            }
            best = Math.max(best, s);
        }
        return Double.isNaN(best) ? Double.POSITIVE_INFINITY : best; // NaN entries count as unbounded
    }

    /**
     * {@code (V - U)^-1 (V + U)} for the Padé coefficients {@code b}: {@code U = A sum_k b_(2k+1) A^(2k)},
     * {@code V = sum_k b_(2k) A^(2k)}; degree 13 groups the powers as Higham's (2.11) to need six products.
     */
    private static double[] pade(double[] a, int n, double[] b) {
        int nn = n * n;
        double[] a2 = product(a, a, n);
        double[] odd = new double[nn]; // U before the final multiplication by A
        double[] v = new double[nn];
        if (b.length == 14) {
            double[] a4 = product(a2, a2, n);
            double[] a6 = product(a4, a2, n);
            double[] t = new double[nn];
            for (int i = 0; i < nn; i++) {
                t[i] = b[13] * a6[i] + b[11] * a4[i] + b[9] * a2[i];
            }
            double[] w = product(a6, t, n);
            for (int i = 0; i < nn; i++) {
                odd[i] = w[i] + b[7] * a6[i] + b[5] * a4[i] + b[3] * a2[i];
                t[i] = b[12] * a6[i] + b[10] * a4[i] + b[8] * a2[i];
            }
            double[] z = product(a6, t, n);
            for (int i = 0; i < nn; i++) {
                v[i] = z[i] + b[6] * a6[i] + b[4] * a4[i] + b[2] * a2[i];
            }
        } else {
            // Powers A^2, A^4, ... accumulated into both sums.
            double[] power = a2;
            for (int k = 1; 2 * k < b.length; k++) {
                for (int i = 0; i < nn; i++) {
                    odd[i] += b[2 * k + 1] * power[i];
                    v[i] += b[2 * k] * power[i];
                }
                if (2 * (k + 1) < b.length) {
                    power = product(power, a2, n);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            odd[i * n + i] += b[1];
            v[i * n + i] += b[0];
        }
        double[] u = product(a, odd, n);
        double[] p = new double[nn];
        double[] q = new double[nn];
        for (int i = 0; i < nn; i++) {
            p[i] = v[i] + u[i];
            q[i] = v[i] - u[i];
        }
        int[] pivots = new int[n];
        LuKernel.factor(q, 0, n, pivots, 0); // V - U is well conditioned for ||A||_1 <= theta_m (Higham 2005, 2.1)
        LuKernel.solve(q, 0, pivots, 0, n, p, 0, n);
        return p;
    }

    private static double[] product(double[] x, double[] y, int n) {
        double[] z = new double[n * n];
        Gemm.dgemm(false, false, n, n, n, x, 0, n, y, 0, n, z, 0, n, false);
        return z;
    }
}
