package org.fluxion.kernels;

/**
 * Eigendecomposition of a real symmetric matrix, {@code A = V diag(w) V^T} (LAPACK's {@code syev}, lower):
 * only the lower triangle of the row-major {@code n x n} A is read; eigenvalues come in ascending order,
 * eigenvectors as orthonormal columns of V.
 *
 * <p>Two stages (Golub and Van Loan, sections 8.3.1 and 8.3.3): Householder reflections reduce A to a
 * tridiagonal T = Q^T A Q; implicit symmetric QR steps with Wilkinson's shift (Givens rotations chasing a
 * bulge down the band) diagonalize T, deflating an off-diagonal entry once it is below {@code eps} times its
 * two diagonal neighbours. The kernel keeps V transposed, so that the rotations combine contiguous rows; the
 * reflectors are accumulated in blocks (two GEMMs each) and each QR sweep's rotations are applied to V as one
 * {@link RotationSequence}, column block by column block, or, from order {@link RotationBlocks#MIN_ORDER},
 * gathered over many sweeps into small orthogonal blocks applied by GEMM ({@link RotationBlocks}). Neither divide
 * and conquer nor MRRR is used yet: the rotations remain the largest cost at n = 1024.
 *
 * <p>Eigenvectors are defined up to sign: each is returned with its entry of largest magnitude positive
 * (the first such entry on ties). Within a repeated eigenvalue any orthonormal basis of its eigenspace is
 * as good; the one returned is what the iteration produced.
 */
public final class EighKernel {
    private static final double EPS = Math.ulp(1.0);

    private EighKernel() {
    }

    /**
     * Eigenvalues into {@code w[wOff .. wOff + n)}, ascending, and, when {@code v} is not null, eigenvectors as
     * the columns of the row-major {@code v[vOff ..]} {@code [n, n]}.
     *
     * @return 0, or the number of eigenvalues not yet found when the iteration limit ({@code 30 n} QR steps)
     *         is reached
     */
    public static int eigh(double[] a, int off, int n, double[] w, int wOff, double[] v, int vOff) {
        KernelChecks.range("eigh", "a", a.length, off, n * n);
        if (n == 0) {
            return 0;
        }
        if (!finiteLower(a, off, n)) { // NaN or infinity: no iteration converges; NaN out, as LAPACK
            java.util.Arrays.fill(w, wOff, wOff + n, Double.NaN);
            if (v != null) {
                java.util.Arrays.fill(v, vOff, vOff + n * n, Double.NaN);
            }
            return 0;
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                s[i * n + j] = a[off + i * n + j];
            }
        }
        double[] d = new double[n];
        double[] e = new double[Math.max(1, n - 1)];
        double[] tau = new double[n];
        tridiagonalize(s, n, d, e, tau);
        double[] vt = v == null ? null : reflectorsProduct(s, n, tau);
        int info = diagonalize(d, e, n, vt);
        if (info != 0) {
            return info;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(d[x], d[y]));
        for (int j = 0; j < n; j++) {
            w[wOff + j] = d[order[j]];
        }
        if (v != null) {
            for (int j = 0; j < n; j++) {
                int row = order[j] * n;
                double sign = SignConvention.ofLargest(vt, row, 1, n);
                for (int i = 0; i < n; i++) {
                    v[vOff + i * n + j] = sign * vt[row + i];
                }
            }
        }
        return 0;
    }

    /**
     * Householder tridiagonalization in place, reading and updating only the lower triangle of s: step k maps
     * column k below the diagonal to {@code (e_k, 0, ...)} with {@code H_k = I - tau_k u u^T} on indices
     * {@code k+1..n-1}, and updates the trailing block as {@code S -= u q^T + q u^T} with {@code p = tau S u},
     * {@code q = p - (tau p^T u / 2) u}. The vector u is left in row k, right of the diagonal.
     *
     * <p>Memory traffic, not flops, bounds this stage: the update of step k and the product {@code S u} of step
     * k+1 share one pass over the lower triangle (column k+1 is updated first, so that reflector k+1 is known
     * before the pass), and the symmetric product reads each row once: {@code p_i += s_i[..i] . u[..i]},
     * {@code p[..i) += s_i[..i) u_i}.
     */
    private static void tridiagonalize(double[] s, int n, double[] d, double[] e, double[] tau) {
        if (n < 3) {
            d[0] = s[0];
            if (n == 2) {
                e[0] = s[n];
                d[1] = s[n + 1];
            }
            return;
        }
        double[] p = new double[n];
        double[] q = new double[n];
        reflector(s, n, 0, d, e, tau);
        if (tau[0] != 0) {
            updateAndMultiply(s, n, 1, -1, q, 0, p);
            scaleRange(p, 1, n, tau[0]);
        }
        for (int k = 0; k < n - 2; k++) {
            int rowU = k * n;
            double t = tau[k];
            boolean update = t != 0;
            if (update) {
                double pu = 0;
                for (int i = k + 1; i < n; i++) {
                    pu += p[i] * s[rowU + i];
                }
                double half = t * pu / 2;
                for (int i = k + 1; i < n; i++) {
                    q[i] = p[i] - half * s[rowU + i];
                }
            }
            int next = k + 1;
            if (next < n - 2) {
                if (update) {
                    double qn = q[next];
                    double un = s[rowU + next];
                    for (int i = next; i < n; i++) {
                        s[i * n + next] -= s[rowU + i] * qn + q[i] * un;
                    }
                }
                reflector(s, n, next, d, e, tau);
                java.util.Arrays.fill(p, 0.0);
                updateAndMultiply(s, n, next + 1, update ? k : -1, q, tau[next] != 0 ? next : -1, p);
                scaleRange(p, next + 1, n, tau[next]);
            } else if (update) {
                for (int i = next; i < n; i++) {
                    int ri = i * n;
                    double ui = s[rowU + i];
                    double qi = q[i];
                    for (int j = next; j <= i; j++) {
                        s[ri + j] -= ui * q[j] + qi * s[rowU + j];
                    }
                }
            }
        }
        d[n - 2] = s[(n - 2) * n + n - 2];
        e[n - 2] = s[(n - 1) * n + n - 2];
        d[n - 1] = s[(n - 1) * n + n - 1];
    }

    /**
     * Reflector k from column k below the diagonal (copied into row k right of it, where u is left):
     * {@code d[k]}, {@code e[k] = beta}, {@code tau[k]} (0 when the column is already reduced).
     */
    private static void reflector(double[] s, int n, int k, double[] d, double[] e, double[] tau) {
        int row = k * n;
        for (int i = k + 1; i < n; i++) {
            s[row + i] = s[i * n + k];
        }
        double alpha = s[row + k + 1];
        double rest = norm(s, row + k + 2, n - k - 2);
        d[k] = s[row + k];
        if (rest == 0) {
            e[k] = alpha;
            tau[k] = 0;
            return;
        }
        double beta = -Math.copySign(Math.hypot(alpha, rest), alpha);
        e[k] = beta;
        tau[k] = 1 / (beta * (beta - alpha)); // 2 / u^T u for u = x - beta e_1
        s[row + k + 1] = alpha - beta;
    }

    /**
     * One pass over rows {@code lo..n-1}, columns {@code lo..i} of the lower triangle: when {@code uRow >= 0},
     * the rank-2 update {@code s_ij -= u_i q_j + q_i u_j} (u in row uRow); then, when {@code wRow >= 0}, the
     * symmetric product {@code p += S w} on those rows and columns (w in row wRow).
     */
    private static void updateAndMultiply(double[] s, int n, int lo, int uRow, double[] q, int wRow, double[] p) {
        int uOff = uRow * n;
        int wOff = wRow * n;
        boolean upd = uRow >= 0;
        boolean mul = wRow >= 0;
        for (int i = lo; i < n; i++) {
            int ri = i * n;
            double ui = upd ? s[uOff + i] : 0;
            double qi = upd ? q[i] : 0;
            double wi = mul ? s[wOff + i] : 0;
            int j = lo;
            double acc = 0;
            if (Vectorization.ENABLED) {
                acc = DoubleLanes.updateAndMultiplyRow(s, ri, lo, i - lo, upd, ui, qi, uOff, q, mul, wi, wOff, p);
                j += DoubleLanes.bound(i - lo);
            }
            for (; j <= i; j++) {
                double v = s[ri + j];
                if (upd) {
                    v -= ui * q[j] + qi * s[uOff + j];
                    s[ri + j] = v;
                }
                if (mul) {
                    acc += v * s[wOff + j];
                    if (j < i) {
                        p[j] += v * wi;
                    }
                }
            }
            if (mul) {
                p[i] += acc;
            }
        }
    }

    private static void scaleRange(double[] x, int from, int to, double f) {
        for (int i = from; i < to; i++) {
            x[i] *= f;
        }
    }

    /** Reflectors per block of the accumulation: its GEMMs have inner dimension BLOCK. */
    private static final int BLOCK = 32;

    /**
     * {@code Q^T = H_(n-3) ... H_1 H_0}, row-major, from the reflectors left in the rows of s. Accumulated
     * backwards in blocks of {@link #BLOCK} reflectors in compact WY form (LAPACK's {@code orgtr}):
     * {@code Q = B_0 (B_1 (... I))}, where block j only touches rows and columns past its first index, then
     * transposed. Each reflector is rescaled to LAPACK's unit leading entry: {@code v = u / u_0},
     * {@code tau' = tau u_0^2}.
     */
    private static double[] reflectorsProduct(double[] s, int n, double[] tau) {
        int count = n - 2; // reflectors 0 .. n-3; reflector k acts on indices k+1 .. n-1
        int m = n - 1;
        // Reflector k as column k of an [m, m] matrix, its index g at row g - 1 (the layout of QrKernel).
        double[] a = new double[m * m];
        double[] scaled = new double[m];
        for (int k = 0; k < count; k++) {
            int row = k * n;
            double u0 = s[row + k + 1];
            if (tau[k] == 0 || u0 == 0) {
                continue;
            }
            scaled[k] = tau[k] * u0 * u0;
            for (int g = k + 2; g < n; g++) {
                a[(g - 1) * m + k] = s[row + g] / u0;
            }
        }
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        int lastStart = count > 0 ? ((count - 1) / BLOCK) * BLOCK : -1;
        for (int j0 = lastStart; j0 >= 0; j0 -= BLOCK) {
            int nb = Math.min(BLOCK, count - j0);
            BlockReflector b = BlockReflector.of(a, 0, m, m, j0, nb, scaled, 0);
            // Rows and columns j0 + 1 .. n - 1 of Q (global indices; row g of the block is index g + 1).
            b.apply(q, (j0 + 1) * n + j0 + 1, n, n - j0 - 1);
        }
        double[] vt = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                vt[j * n + i] = q[i * n + j];
            }
        }
        return vt;
    }

    /**
     * Implicit QR steps with Wilkinson's shift on the tridiagonal {@code (d, e)} until e vanishes; each
     * sweep's rotations of rows k, k+1 are then applied to the rows of {@code vt} (when not null) as one
     * {@link RotationSequence}.
     */
    private static int diagonalize(double[] d, double[] e, int n, double[] vt) {
        RotationBlocks blocks = vt != null && n >= RotationBlocks.MIN_ORDER ? new RotationBlocks(vt, n, n) : null;
        int info = diagonalize(d, e, n, vt, blocks);
        if (blocks != null) {
            blocks.apply();
        }
        return info;
    }

    private static int diagonalize(double[] d, double[] e, int n, double[] vt, RotationBlocks blocks) {
        double[] rc = new double[n];
        double[] rs = new double[n];
        int hi = n - 1;
        int steps = 0;
        while (hi > 0) {
            if (negligible(e[hi - 1], d[hi - 1], d[hi])) {
                e[hi - 1] = 0;
                hi--;
                continue;
            }
            int lo = hi - 1;
            while (lo > 0 && !negligible(e[lo - 1], d[lo - 1], d[lo])) {
                lo--;
            }
            if (lo > 0) {
                e[lo - 1] = 0;
            }
            if (++steps > 30 * n) {
                return hi + 1;
            }
            double delta = (d[hi - 1] - d[hi]) / 2;
            double b = e[hi - 1];
            double mu = d[hi] - b * b / (delta + Math.copySign(Math.hypot(delta, b), delta));
            double x = d[lo] - mu;
            double z = e[lo];
            for (int k = lo; k < hi; k++) {
                double r = Math.hypot(x, z);
                double c = r == 0 ? 1 : x / r;
                double sn = r == 0 ? 0 : z / r;
                if (k > lo) {
                    e[k - 1] = r;
                }
                // [d_k e_k; e_k d_k+1] <- R [..] R^T with R = [c s; -s c].
                double dk = d[k];
                double ek = e[k];
                double dk1 = d[k + 1];
                d[k] = c * c * dk + 2 * c * sn * ek + sn * sn * dk1;
                d[k + 1] = sn * sn * dk - 2 * c * sn * ek + c * c * dk1;
                e[k] = c * sn * (dk1 - dk) + (c * c - sn * sn) * ek;
                if (k < hi - 1) {
                    z = sn * e[k + 1]; // the bulge at (k+2, k)
                    e[k + 1] *= c;
                    x = e[k];
                }
                rc[k] = c;
                rs[k] = sn;
            }
            if (blocks != null) {
                if (blocks.full(true)) {
                    blocks.apply();
                }
                blocks.add(lo, hi, rc, rs, true);
            } else if (vt != null) {
                RotationSequence.apply(vt, n, lo, hi, rc, rs);
            }
        }
        return 0;
    }

    private static boolean finiteLower(double[] a, int off, int n) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                if (!Double.isFinite(a[off + i * n + j])) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean negligible(double e, double d0, double d1) {
        return Math.abs(e) <= EPS * (Math.abs(d0) + Math.abs(d1)) || Math.abs(e) < Double.MIN_NORMAL;
    }

    /** The Euclidean norm of {@code x[from .. from + len)}, scaled so that squares neither overflow nor underflow. */
    static double norm(double[] x, int from, int len) {
        double scale = 0;
        for (int i = 0; i < len; i++) {
            scale = Math.max(scale, Math.abs(x[from + i]));
        }
        if (scale == 0 || Double.isNaN(scale)) {
            return scale;
        }
        double sum = 0;
        for (int i = 0; i < len; i++) {
            double v = x[from + i] / scale;
            sum += v * v;
        }
        return scale * Math.sqrt(sum);
    }
}
