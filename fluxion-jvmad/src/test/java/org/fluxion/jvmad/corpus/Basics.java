package org.fluxion.jvmad.corpus;

/** Small plain-Java methods, one construct each, that the tests differentiate. */
public final class Basics {
    private Basics() {
    }

    public static double square(double x) {
        return x * x;
    }

    public static double polynomial(double x, double y) {
        return 3 * x * x * y - 2 * y * y * y + x / y - 7;
    }

    public static double branches(double x) {
        if (x > 1) {
            return Math.sin(x) * x;
        } else if (x < -1) {
            return Math.exp(x);
        }
        return x * x * x;
    }

    public static double ternary(double x, double y) {
        return 2 * (x > y ? x * y : y - x) + 1;
    }

    public static double loopPolynomial(double[] c, double x) {
        double s = 0;
        for (int i = c.length - 1; i >= 0; i--) {
            s = s * x + c[i];
        }
        return s;
    }

    public static int choose(int k) {
        switch (k) {
            case 0:
                return 10;
            case 1:
                return 20;
            case 5:
                return 50;
            default:
                return -1;
        }
    }

    public static double switched(double x, int k) {
        return switch (k) {
            case 0 -> x * x;
            case 1 -> Math.cos(x);
            case 2 -> Math.sqrt(x);
            default -> x;
        };
    }

    public static long longs(long a, int b) {
        long r = a;
        for (int i = 0; i < b; i++) {
            r = r * 3 + (r >>> 2) - (i ^ 5);
        }
        return r;
    }

    public static double factorialLike(double x, int n) {
        return n <= 0 ? 1 : x * factorialLike(x - 1, n - 1);
    }

    public static double floats(float a, double b) {
        float c = a * a + 1.5f;
        return c * b + (float) b;
    }

    public static double prefixSum(double[] x) {
        double[] p = new double[x.length];
        double acc = 0;
        for (int i = 0; i < x.length; i++) {
            acc += x[i];
            p[i] = acc;
        }
        double s = 0;
        for (double v : p) {
            s += v * v;
        }
        return s;
    }

    public static double whileTolerance(double a) {
        // Newton's iteration for sqrt(a), to a tolerance: the trip count depends on the data.
        double x = a > 1 ? a : 1;
        while (Math.abs(x * x - a) > 1e-14 * a) {
            x = 0.5 * (x + a / x);
        }
        return x;
    }

    /**
     * Long enough that every tape stack outgrows its first capacity (1024 reals and ints, 64
     * references): a nonlinear update and a branch per iteration, and a new array replacing the last.
     */
    public static double deepStacks(double[] x, double s) {
        double y = s;
        double[] cur = x;
        for (int i = 0; i < 3000; i++) {
            double[] next = new double[cur.length];
            for (int j = 0; j < cur.length; j++) {
                next[j] = Math.sin(cur[j] * y);
            }
            y = i % 3 == 0 ? 0.999 * y + 1e-3 * next[0] : 0.5 * Math.cos(y) + 0.5 * y;
            cur = next;
        }
        return y + cur[1];
    }

    public static double stackGames(double[] a, int i) {
        a[i] += 2.0 * a[i + 1];
        a[i + 1] *= a[i];
        return a[i] - a[i + 1];
    }

    public static double nullableArray(double[] x, boolean copy) {
        double[] y = null;
        if (copy) {
            y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = 2 * x[i];
            }
        } else {
            y = x;
        }
        return y[0] * y[y.length - 1];
    }

    /** StrictMath: the derivative code computes the same bits as the method. */
    public static double strict(double x) {
        return StrictMath.sin(x) * StrictMath.exp(x) + StrictMath.pow(x, 1.7) + StrictMath.cbrt(x + 2);
    }

    /** Calls into two other classes. */
    public static double crossClass(double[] x) {
        return Mgh.rosenbrock(x) * 0.01 + Algorithms.logSumExp(x);
    }

    /** A long parameter and a long loop counter. */
    public static double longCounter(double x, long n) {
        double s = 0;
        for (long k = 0; k < n; k++) {
            s += Math.sin(x * k) / (k + 1);
        }
        return s;
    }

    /** A float[] parameter, written in place. */
    public static double floatArray(float[] a, double c) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i] * (float) c;
            s += a[i] * a[i];
        }
        return s;
    }
}
