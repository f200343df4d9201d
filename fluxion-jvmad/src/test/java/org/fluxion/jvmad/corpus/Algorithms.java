package org.fluxion.jvmad.corpus;

import java.util.Arrays;

/** Numerical algorithms as plain Java: iterations to a tolerance, in-place array updates, recursion. */
public final class Algorithms {
    private Algorithms() {
    }

    /** A static final table: constants of the derivative. */
    private static final double[] WEIGHTS = {0.5, -1.25, 2.0, 0.75, 1.5, -0.5};

    /** Sum of square roots, each by Newton's iteration to a tolerance (data-dependent trip counts). */
    public static double newtonSqrtSum(double[] x) {
        double s = 0;
        for (double a : x) {
            double r = a > 1 ? a : 1;
            int steps = 0;
            while (Math.abs(r * r - a) > 1e-15 * a && steps < 100) {
                r = 0.5 * (r + a / r);
                steps++;
            }
            s += r;
        }
        return s;
    }

    /** The root in [0, 2] of {@code r^3 + p0 r - p1} by bisection: piecewise constant in p, derivative 0. */
    public static double bisection(double[] p) {
        double lo = 0;
        double hi = 2;
        while (hi - lo > 1e-13) {
            double mid = 0.5 * (lo + hi);
            if (mid * mid * mid + p[0] * mid - p[1] > 0) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** Bisection, then one Newton step: the step carries the implicit derivative {@code -dg/dp / g'(r)}. */
    public static double bisectionThenNewton(double[] p) {
        double r = bisection(p);
        double g = r * r * r + p[0] * r - p[1];
        return r - g / (3 * r * r + p[0]);
    }

    /**
     * Thomas's algorithm for the tridiagonal system with sub-diagonal a, diagonal b, super-diagonal c
     * and right-hand side d, all packed in x (n each), overwriting copies in place; returns a weighted sum
     * of the solution.
     */
    public static double thomas(double[] x) {
        int n = x.length / 4;
        double[] a = Arrays.copyOfRange(x, 0, n);
        double[] b = Arrays.copyOfRange(x, n, 2 * n);
        double[] c = Arrays.copyOfRange(x, 2 * n, 3 * n);
        double[] d = Arrays.copyOfRange(x, 3 * n, 4 * n);
        for (int i = 1; i < n; i++) {
            double w = a[i] / b[i - 1];
            b[i] -= w * c[i - 1];
            d[i] -= w * d[i - 1];
        }
        d[n - 1] /= b[n - 1];
        for (int i = n - 2; i >= 0; i--) {
            d[i] = (d[i] - c[i] * d[i + 1]) / b[i];
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (i + 1) * d[i];
        }
        return s;
    }

    /** Sorts a copy, then weights by rank: each value's derivative moves with it. */
    public static double sortedWeights(double[] x) {
        double[] y = x.clone();
        Arrays.sort(y);
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += (i + 1) * y[i] * y[i];
        }
        return s;
    }

    /** Prefix sums in place on a copy (System.arraycopy), then a nonlinear read-out. */
    public static double prefixSums(double[] x) {
        double[] p = new double[x.length];
        System.arraycopy(x, 0, p, 0, x.length);
        for (int i = 1; i < p.length; i++) {
            p[i] += p[i - 1];
        }
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += Math.sin(p[i]) * WEIGHTS[i % WEIGHTS.length];
        }
        return s;
    }

    /** Log-sum-exp with the max trick (Math.max in a loop, then exp and log). */
    public static double logSumExp(double[] x) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            m = Math.max(m, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - m);
        }
        return m + Math.log(s);
    }

    /** A recursive evaluation: Horner's rule from coefficient i on. */
    public static double hornerFrom(double[] c, double x, int i) {
        if (i == c.length - 1) {
            return c[i];
        }
        return c[i] + x * hornerFrom(c, x, i + 1);
    }

    /** A polynomial in x[0] with coefficients x[1..], by the recursive Horner rule. */
    public static double recursivePolynomial(double[] x) {
        double[] c = Arrays.copyOfRange(x, 1, x.length);
        return hornerFrom(c, x[0], 0);
    }

    /** Lotka-Volterra right-hand side: dy = (a y0 - b y0 y1, d y0 y1 - g y1), writing into dy. */
    static void lotkaVolterra(double[] y, double[] p, double[] dy) {
        dy[0] = p[0] * y[0] - p[1] * y[0] * y[1];
        dy[1] = p[3] * y[0] * y[1] - p[2] * y[1];
    }

    /**
     * A classic RK4 integrator that mutates its state, over 50 steps of 0.02; parameters and initial
     * state packed as x = (a, b, g, d, y0, y1); returns y0 + 2 y1 at the end.
     */
    public static double rk4(double[] x) {
        double[] p = Arrays.copyOf(x, 4);
        double[] y = {x[4], x[5]};
        double[] k1 = new double[2];
        double[] k2 = new double[2];
        double[] k3 = new double[2];
        double[] k4 = new double[2];
        double[] tmp = new double[2];
        double h = 0.02;
        for (int step = 0; step < 50; step++) {
            lotkaVolterra(y, p, k1);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + 0.5 * h * k1[i];
            }
            lotkaVolterra(tmp, p, k2);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + 0.5 * h * k2[i];
            }
            lotkaVolterra(tmp, p, k3);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + h * k3[i];
            }
            lotkaVolterra(tmp, p, k4);
            for (int i = 0; i < 2; i++) {
                y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        return y[0] + 2 * y[1];
    }

    /** The data of the small network below: 8 points in 2-D and their targets. */
    static final double[] INPUTS = {0.1, 0.9, -0.5, 0.3, 0.8, -0.7, -0.2, -0.4, 0.6, 0.1, -0.9, 0.5, 0.3, 0.3, 0.0, -1.0};
    static final double[] TARGETS = {1, 0, 1, 0, 1, 0, 1, 0};

    /** Sizes of the network: 2 inputs, 5 hidden tanh units, 1 sigmoid output; 21 parameters. */
    public static final int HIDDEN = 5;
    public static final int PARAMETERS = 2 * HIDDEN + HIDDEN + HIDDEN + 1;

    /**
     * A 2-5-1 tanh/sigmoid network in nested loops over flat parameter arrays
     * (W1 [5][2], b1 [5], W2 [5], b2), with the mean binary cross-entropy over the 8 points.
     */
    public static double mlpLoss(double[] params) {
        int n = TARGETS.length;
        double[] h = new double[HIDDEN];
        double loss = 0;
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < HIDDEN; j++) {
                double z = params[2 * HIDDEN + j];
                for (int i = 0; i < 2; i++) {
                    z += params[2 * j + i] * INPUTS[2 * s + i];
                }
                h[j] = Math.tanh(z);
            }
            double o = params[PARAMETERS - 1];
            for (int j = 0; j < HIDDEN; j++) {
                o += params[3 * HIDDEN + j] * h[j];
            }
            // log(sigmoid(o)) = -log1p(exp(-o)), log(1 - sigmoid(o)) = -o - log1p(exp(-o))
            double softplus = Math.log1p(Math.exp(-o));
            loss += TARGETS[s] * softplus + (1 - TARGETS[s]) * (o + softplus);
        }
        return loss / n;
    }

    /** The Lorenz system's right-hand side: a vector function for Jacobians. */
    public static void lorenz(double[] y, double[] dy) {
        double sigma = 10;
        double rho = 28;
        double beta = 8.0 / 3;
        dy[0] = sigma * (y[1] - y[0]);
        dy[1] = y[0] * (rho - y[2]) - y[1];
        dy[2] = y[0] * y[1] - beta * y[2];
    }

    /** One explicit Euler step of the Lorenz system, h = 0.01, into out. */
    public static void eulerStep(double[] y, double[] out) {
        double[] dy = new double[3];
        lorenz(y, dy);
        for (int i = 0; i < 3; i++) {
            out[i] = y[i] + 0.01 * dy[i];
        }
    }

    /** Every Math function with a derivative rule, composed over a vector. */
    public static double mathZoo(double[] x) {
        double a = x[0];
        double b = x[1];
        double c = x[2];
        double s = Math.sin(a) + Math.cos(b) + Math.tan(0.3 * c) + Math.asin(0.5 * a) + Math.acos(0.4 * b)
                + Math.atan(c) + Math.sinh(0.5 * a) + Math.cosh(0.3 * b) + Math.tanh(c);
        s += Math.exp(0.2 * a) + Math.expm1(0.1 * b) + Math.log(2 + c) + Math.log10(3 + a) + Math.log1p(b * b);
        s += Math.sqrt(4 + a * b) + Math.cbrt(2 + c) + Math.abs(a - b) + Math.pow(1.5 + c * c, a)
                + Math.atan2(a, 1 + b * b) + Math.hypot(a, c) + Math.max(a, c) + Math.min(b, c)
                + Math.toRadians(a) + Math.toDegrees(b) + Math.floor(a) + Math.signum(c) * c;
        return s;
    }
}
