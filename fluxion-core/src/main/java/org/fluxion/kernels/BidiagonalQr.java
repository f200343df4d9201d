package org.fluxion.kernels;

/**
 * Singular values and vectors of an upper bidiagonal matrix B (diagonal d, superdiagonal e) by implicit QR
 * sweeps (Demmel and Kahan, "Accurate singular values of bidiagonal matrices", 1990; LAPACK's {@code bdsqr}):
 * {@code B = U diag(d) V^T} on return. Each sweep chases a bulge through the unreduced block, top to bottom
 * or bottom to top (towards the larger end), with the shift from the trailing (or leading) 2x2 block, or
 * with no shift when the block is so graded that a shift would cost relative accuracy. Off-diagonal entries
 * are set to zero by the relative tests of the paper, so that every singular value, the smallest included,
 * comes with high relative accuracy.
 *
 * <p>The rotations of the sweeps are applied to the rows of {@code V^T} and {@code U^T}, on two threads when
 * the team has them: for large n gathered over several sweeps into small orthogonal matrices applied by GEMM
 * ({@link RotationBlocks}), else sweep by sweep as {@link RotationSequence}s. Either way each matrix sees the
 * same operations in the same order whatever the thread count.
 */
final class BidiagonalQr {
    /** LAPACK's relative machine precision (half an ulp of 1). */
    private static final double EPS = Math.ulp(1.0) / 2;
    /** {@code max(10, min(100, EPS^(-1/8)))} times EPS: the relative tolerance of the convergence tests. */
    private static final double TOL = Math.max(10, Math.min(100, Math.pow(EPS, -0.125))) * EPS;
    private static final int MAX_ITERATIONS_PER_ENTRY = 6;
    /** Rotations times columns of a sweep below which the two matrices are rotated on one thread. */
    private static final int PARALLEL_MIN = 1 << 14;
    /** Magnitudes whose squares can neither overflow nor underflow. */
    private static final double SAFE_LOW = 1e-150;
    private static final double SAFE_HIGH = 1e150;


    private BidiagonalQr() {
    }

    /**
     * Diagonalizes {@code (d, e)} of order n in place: d becomes the singular values (non-negative, unsorted),
     * e zero. {@code vt} and {@code ut} (each row-major {@code [n, n]}, or both null) are multiplied from the left
     * by the transposed right and left rotations: starting from the identity, they end as {@code V^T} and
     * {@code U^T}.
     *
     * @return 0, or the number of superdiagonal entries not yet zero when {@code 6 n^2} inner steps are spent
     */
    static int diagonalize(double[] d, double[] e, int n, double[] vt, double[] ut) {
        double smax = 0;
        for (int i = 0; i < n; i++) {
            smax = Math.max(smax, Math.abs(d[i]));
        }
        for (int i = 0; i < n - 1; i++) {
            smax = Math.max(smax, Math.abs(e[i]));
        }
        // Threshold for negligible e: TOL times an estimate of the smallest singular value (bdsqr's sminoa).
        double sminoa = n == 0 ? 0 : Math.abs(d[0]);
        double mu = sminoa;
        for (int i = 1; i < n && sminoa != 0; i++) {
            mu = Math.abs(d[i]) * (mu / (mu + Math.abs(e[i - 1])));
            sminoa = Math.min(sminoa, mu);
        }
        sminoa /= Math.sqrt(Math.max(1, n));
        double thresh = Math.max(TOL * sminoa, (double) MAX_ITERATIONS_PER_ENTRY * n * n * Double.MIN_NORMAL);
        long maxIterations = (long) MAX_ITERATIONS_PER_ENTRY * n * n;
        long iterations = 0;
        double[] cr = new double[n];
        double[] sr = new double[n];
        double[] cl = new double[n];
        double[] sl = new double[n];
        double[] cs = new double[2];
        RotationBlocks[] blocks = vt == null || n < RotationBlocks.MIN_ORDER ? null
                : new RotationBlocks[] {new RotationBlocks(vt, n, n), new RotationBlocks(ut, n, n)};
        int oldLo = -1;
        int oldHi = -1;
        boolean down = true;
        int hi = n - 1;
        sweeps:
        while (hi > 0) {
            if (iterations > maxIterations) {
                int left = 0;
                for (int i = 0; i < n - 1; i++) {
                    left += e[i] != 0 ? 1 : 0;
                }
                apply(blocks);
                return left;
            }
            // The unreduced block d[lo..hi], e[lo..hi-1] at the bottom of what is left.
            int lo = 0;
            double blockMax = Math.abs(d[hi]);
            for (int j = hi - 1; j >= 0; j--) {
                if (Math.abs(e[j]) <= thresh) {
                    e[j] = 0;
                    lo = j + 1;
                    break;
                }
                blockMax = Math.max(blockMax, Math.max(Math.abs(d[j]), Math.abs(e[j])));
            }
            if (lo == hi) {
                hi--;
                continue;
            }
            if (lo == hi - 1) {
                twoByTwo(d, e, hi - 1, blocks, vt, ut, n, cr, sr, cl, sl);
                hi -= 2;
                continue;
            }
            if (lo > oldHi || hi < oldLo) { // a new block: chase towards its larger end
                down = Math.abs(d[lo]) >= Math.abs(d[hi]);
            }
            // Relative convergence tests (Demmel and Kahan's criterion), and the estimate sminl they give.
            double sminl;
            if (down) {
                if (Math.abs(e[hi - 1]) <= TOL * Math.abs(d[hi])) {
                    e[hi - 1] = 0;
                    continue;
                }
                mu = Math.abs(d[lo]);
                sminl = mu;
                for (int j = lo; j < hi; j++) {
                    if (Math.abs(e[j]) <= TOL * mu) {
                        e[j] = 0;
                        continue sweeps;
                    }
                    mu = Math.abs(d[j + 1]) * (mu / (mu + Math.abs(e[j])));
                    sminl = Math.min(sminl, mu);
                }
            } else {
                if (Math.abs(e[lo]) <= TOL * Math.abs(d[lo])) {
                    e[lo] = 0;
                    continue;
                }
                mu = Math.abs(d[hi]);
                sminl = mu;
                for (int j = hi - 1; j >= lo; j--) {
                    if (Math.abs(e[j]) <= TOL * mu) {
                        e[j] = 0;
                        continue sweeps;
                    }
                    mu = Math.abs(d[j]) * (mu / (mu + Math.abs(e[j])));
                    sminl = Math.min(sminl, mu);
                }
            }
            oldLo = lo;
            oldHi = hi;
            // The shift: the smaller singular value of the 2x2 block at the end the chase heads for, or zero
            // where it would not change the leading digits (or would cost relative accuracy).
            double shift = 0;
            if (n * TOL * (sminl / blockMax) > Math.max(EPS, 0.01 * TOL)) {
                double sll = down ? Math.abs(d[lo]) : Math.abs(d[hi]);
                shift = down ? smallerSingularValue(d[hi - 1], e[hi - 1], d[hi])
                        : smallerSingularValue(d[lo], e[lo], d[lo + 1]);
                if (sll > 0 && (shift / sll) * (shift / sll) < EPS) {
                    shift = 0;
                }
            }
            iterations += hi - lo;
            if (down) {
                if (shift == 0) {
                    zeroShiftDown(d, e, lo, hi, cr, sr, cl, sl, cs);
                } else {
                    shiftedDown(d, e, lo, hi, shift, cr, sr, cl, sl, cs);
                }
                rotate(blocks, vt, cr, sr, ut, cl, sl, n, lo, hi, true);
                if (Math.abs(e[hi - 1]) <= thresh) {
                    e[hi - 1] = 0;
                }
            } else {
                if (shift == 0) {
                    zeroShiftUp(d, e, lo, hi, cr, sr, cl, sl, cs);
                } else {
                    shiftedUp(d, e, lo, hi, shift, cr, sr, cl, sl, cs);
                }
                rotate(blocks, vt, cl, sl, ut, cr, sr, n, lo, hi, false);
                if (Math.abs(e[lo]) <= thresh) {
                    e[lo] = 0;
                }
            }
        }
        apply(blocks);
        for (int i = 0; i < n; i++) {
            if (d[i] < 0) {
                d[i] = -d[i];
                if (vt != null) {
                    for (int j = 0; j < n; j++) {
                        vt[i * n + j] = -vt[i * n + j];
                    }
                }
            }
        }
        return 0;
    }

    /** Shifted sweep, bulge chased down: right rotations into (cr, sr), left ones into (cl, sl), index k for rows k, k+1. */
    private static void shiftedDown(double[] d, double[] e, int lo, int hi, double shift, double[] cr, double[] sr,
                                    double[] cl, double[] sl, double[] cs) {
        double f = (Math.abs(d[lo]) - shift) * (Math.copySign(1, d[lo]) + shift / d[lo]);
        double g = e[lo];
        for (int i = lo; i < hi; i++) {
            double r = rotation(f, g, cs);
            double cosr = cs[0];
            double sinr = cs[1];
            if (i > lo) {
                e[i - 1] = r;
            }
            f = cosr * d[i] + sinr * e[i];
            e[i] = cosr * e[i] - sinr * d[i];
            g = sinr * d[i + 1];
            d[i + 1] = cosr * d[i + 1];
            r = rotation(f, g, cs);
            double cosl = cs[0];
            double sinl = cs[1];
            d[i] = r;
            f = cosl * e[i] + sinl * d[i + 1];
            d[i + 1] = cosl * d[i + 1] - sinl * e[i];
            if (i < hi - 1) {
                g = sinl * e[i + 1];
                e[i + 1] = cosl * e[i + 1];
            }
            cr[i] = cosr;
            sr[i] = sinr;
            cl[i] = cosl;
            sl[i] = sinl;
        }
        e[hi - 1] = f;
    }

    /** Shifted sweep, bulge chased up; rotation of rows k, k+1 at index k, applied from k = hi - 1 down. */
    private static void shiftedUp(double[] d, double[] e, int lo, int hi, double shift, double[] cr, double[] sr,
                                  double[] cl, double[] sl, double[] cs) {
        double f = (Math.abs(d[hi]) - shift) * (Math.copySign(1, d[hi]) + shift / d[hi]);
        double g = e[hi - 1];
        for (int i = hi; i > lo; i--) {
            double r = rotation(f, g, cs);
            double cosr = cs[0];
            double sinr = cs[1];
            if (i < hi) {
                e[i] = r;
            }
            f = cosr * d[i] + sinr * e[i - 1];
            e[i - 1] = cosr * e[i - 1] - sinr * d[i];
            g = sinr * d[i - 1];
            d[i - 1] = cosr * d[i - 1];
            r = rotation(f, g, cs);
            double cosl = cs[0];
            double sinl = cs[1];
            d[i] = r;
            f = cosl * e[i - 1] + sinl * d[i - 1];
            d[i - 1] = cosl * d[i - 1] - sinl * e[i - 1];
            if (i > lo + 1) {
                g = sinl * e[i - 2];
                e[i - 2] = cosl * e[i - 2];
            }
            cr[i - 1] = cosr;
            sr[i - 1] = -sinr;
            cl[i - 1] = cosl;
            sl[i - 1] = -sinl;
        }
        e[lo] = f;
    }

    /** Zero-shift sweep down (Demmel and Kahan's, which keeps relative accuracy), rotations stored as in {@link #shiftedDown}. */
    private static void zeroShiftDown(double[] d, double[] e, int lo, int hi, double[] cr, double[] sr, double[] cl,
                                      double[] sl, double[] cs) {
        double c = 1;
        double oldc = 1;
        double olds = 0;
        for (int i = lo; i < hi; i++) {
            double r = rotation(d[i] * c, e[i], cs);
            c = cs[0];
            double s = cs[1];
            if (i > lo) {
                e[i - 1] = olds * r;
            }
            d[i] = rotation(oldc * r, d[i + 1] * s, cs);
            oldc = cs[0];
            olds = cs[1];
            cr[i] = c;
            sr[i] = s;
            cl[i] = oldc;
            sl[i] = olds;
        }
        double h = d[hi] * c;
        d[hi] = h * oldc;
        e[hi - 1] = h * olds;
    }

    /** Zero-shift sweep up, rotations stored as in {@link #shiftedUp}. */
    private static void zeroShiftUp(double[] d, double[] e, int lo, int hi, double[] cr, double[] sr, double[] cl,
                                    double[] sl, double[] cs) {
        double c = 1;
        double oldc = 1;
        double olds = 0;
        for (int i = hi; i > lo; i--) {
            double r = rotation(d[i] * c, e[i - 1], cs);
            c = cs[0];
            double s = cs[1];
            if (i < hi) {
                e[i] = olds * r;
            }
            d[i] = rotation(oldc * r, d[i - 1] * s, cs);
            oldc = cs[0];
            olds = cs[1];
            cr[i - 1] = c;
            sr[i - 1] = -s;
            cl[i - 1] = oldc;
            sl[i - 1] = -olds;
        }
        double h = d[lo] * c;
        d[lo] = h * oldc;
        e[lo] = h * olds;
    }

    /**
     * The rotations of rows lo..hi of vt (by (vc, vs)) and ut (by (uc, us)): recorded in {@code blocks} when
     * there are blocks (applied first when full), else applied now; one matrix per thread when worth it.
     */
    private static void rotate(RotationBlocks[] blocks, double[] vt, double[] vc, double[] vs, double[] ut,
                               double[] uc, double[] us, int n, int lo, int hi, boolean forward) {
        if (vt == null) {
            return;
        }
        if (blocks != null) {
            if (blocks[0].full(forward)) {
                apply(blocks);
            }
            blocks[0].add(lo, hi, vc, vs, forward);
            blocks[1].add(lo, hi, uc, us, forward);
            return;
        }
        int grain = (long) (hi - lo) * n >= PARALLEL_MIN ? 1 : 2;
        Parallel.forRange(2, grain, (from, to) -> {
            for (int which = from; which < to; which++) {
                double[] x = which == 0 ? vt : ut;
                double[] c = which == 0 ? vc : uc;
                double[] s = which == 0 ? vs : us;
                if (forward) {
                    RotationSequence.apply(x, n, lo, hi, c, s);
                } else {
                    RotationSequence.applyBackward(x, n, lo, hi, c, s);
                }
            }
        });
    }

    /** Applies what the two batches hold, one per thread when the team has two. */
    private static void apply(RotationBlocks[] blocks) {
        if (blocks != null) {
            Parallel.forRange(2, 1, (from, to) -> {
                for (int which = from; which < to; which++) {
                    blocks[which].apply();
                }
            });
        }
    }

    /**
     * The 2x2 block {@code [d_k e_k; 0 d_(k+1)]} diagonalized at once ({@link #twoBySvd}), its rotations
     * applied to rows k, k+1 of vt and ut (stored at index k of the rotation arrays).
     */
    private static void twoByTwo(double[] d, double[] e, int k, RotationBlocks[] blocks, double[] vt, double[] ut,
                                 int n, double[] cr, double[] sr, double[] cl, double[] sl) {
        double[] r = twoBySvd(d[k], e[k], d[k + 1]);
        d[k] = r[1];
        e[k] = 0;
        d[k + 1] = r[0];
        sr[k] = r[2];
        cr[k] = r[3];
        sl[k] = r[4];
        cl[k] = r[5];
        rotate(blocks, vt, cr, sr, ut, cl, sl, n, k, k + 1, true);
    }

    /**
     * Plane rotation {@code [c s; -s c]} with {@code [c s; -s c] [f; g] = [r; 0]} (LAPACK's {@code lartg}):
     * c, s into {@code cs}, r returned; the square root taken directly where the squares are safe.
     */
    private static double rotation(double f, double g, double[] cs) {
        if (g == 0) {
            cs[0] = 1;
            cs[1] = 0;
            return f;
        }
        if (f == 0) {
            cs[0] = 0;
            cs[1] = 1;
            return g;
        }
        double af = Math.abs(f);
        double ag = Math.abs(g);
        double r = af > SAFE_LOW && af < SAFE_HIGH && ag > SAFE_LOW && ag < SAFE_HIGH ? Math.sqrt(f * f + g * g)
                : Math.hypot(f, g);
        double c = f / r;
        double s = g / r;
        if (af > ag && c < 0) {
            c = -c;
            s = -s;
            r = -r;
        }
        cs[0] = c;
        cs[1] = s;
        return r;
    }

    /** The smaller singular value of {@code [f g; 0 h]} (LAPACK's {@code las2}), without overflow. */
    static double smallerSingularValue(double f, double g, double h) {
        double fa = Math.abs(f);
        double ga = Math.abs(g);
        double ha = Math.abs(h);
        double fhmn = Math.min(fa, ha);
        double fhmx = Math.max(fa, ha);
        if (fhmn == 0) {
            return 0;
        }
        if (ga < fhmx) {
            double as = 1 + fhmn / fhmx;
            double at = (fhmx - fhmn) / fhmx;
            double au = (ga / fhmx) * (ga / fhmx);
            double c = 2 / (Math.sqrt(as * as + au) + Math.sqrt(at * at + au));
            return fhmn * c;
        }
        double au = fhmx / ga;
        if (au == 0) {
            return fhmn * fhmx / ga;
        }
        double as = 1 + fhmn / fhmx;
        double at = (fhmx - fhmn) / fhmx;
        double c = 1 / (Math.sqrt(1 + (as * au) * (as * au)) + Math.sqrt(1 + (at * au) * (at * au)));
        return 2 * (fhmn * c) * au;
    }

    /**
     * SVD of {@code [f g; 0 h]} (LAPACK's {@code lasv2}): {@code {ssmin, ssmax, snr, csr, snl, csl}} with
     * {@code [csl snl; -snl csl] [f g; 0 h] [csr -snr; snr csr] = diag(ssmax, ssmin)}; |ssmax| >= |ssmin|,
     * signed so that the product of the signs is that of {@code f h}.
     */
    static double[] twoBySvd(double f, double g, double h) {
        double ft = f;
        double fa = Math.abs(ft);
        double ht = h;
        double ha = Math.abs(h);
        int pmax = 1; // which entry has the largest magnitude: 1 f, 2 g, 3 h
        boolean swap = ha > fa;
        if (swap) {
            pmax = 3;
            double t = ft;
            ft = ht;
            ht = t;
            t = fa;
            fa = ha;
            ha = t;
        }
        double gt = g;
        double ga = Math.abs(gt);
        double ssmin;
        double ssmax;
        double clt;
        double crt;
        double slt;
        double srt;
        if (ga == 0) {
            ssmin = ha;
            ssmax = fa;
            clt = 1;
            crt = 1;
            slt = 0;
            srt = 0;
        } else {
            boolean gasmal = true;
            ssmin = 0;
            ssmax = 0;
            clt = 1;
            crt = 1;
            slt = 0;
            srt = 0;
            if (ga > fa) {
                pmax = 2;
                if (fa / ga < EPS) { // g dominates: the values are g and f h / g to working precision
                    gasmal = false;
                    ssmax = ga;
                    ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
                    clt = 1;
                    slt = ht / gt;
                    srt = 1;
                    crt = ft / gt;
                }
            }
            if (gasmal) {
                double dd = fa - ha;
                double l = dd == fa ? 1 : dd / fa; // in [0, 1]
                double m = gt / ft;
                double t = 2 - l;
                double mm = m * m;
                double tt = t * t;
                double s = Math.sqrt(tt + mm);
                double r = l == 0 ? Math.abs(m) : Math.sqrt(l * l + mm);
                double a = 0.5 * (s + r);
                ssmin = ha / a;
                ssmax = fa * a;
                if (mm == 0) {
                    t = l == 0 ? Math.copySign(2, ft) * Math.copySign(1, gt) : gt / Math.copySign(dd, ft) + m / t;
                } else {
                    t = (m / (s + t) + m / (r + l)) * (1 + a);
                }
                l = Math.sqrt(t * t + 4);
                crt = 2 / l;
                srt = t / l;
                clt = (crt + srt * m) / a;
                slt = (ht / ft) * srt / a;
            }
        }
        double csl;
        double snl;
        double csr;
        double snr;
        if (swap) {
            csl = srt;
            snl = crt;
            csr = slt;
            snr = clt;
        } else {
            csl = clt;
            snl = slt;
            csr = crt;
            snr = srt;
        }
        double tsign = switch (pmax) {
            case 1 -> Math.copySign(1, csr) * Math.copySign(1, csl) * Math.copySign(1, f);
            case 2 -> Math.copySign(1, snr) * Math.copySign(1, csl) * Math.copySign(1, g);
            default -> Math.copySign(1, snr) * Math.copySign(1, snl) * Math.copySign(1, h);
        };
        ssmax = Math.copySign(ssmax, tsign);
        ssmin = Math.copySign(ssmin, tsign * Math.copySign(1, f) * Math.copySign(1, h));
        return new double[] {ssmin, ssmax, snr, csr, snl, csl};
    }
}
