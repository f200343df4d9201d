package org.fluxion.jvmad.corpus;

/**
 * Moré, Garbow and Hillstrom's test functions for unconstrained optimization (ACM TOMS 7, 1981), as
 * sums of squares {@code f(x) = sum_i f_i(x)^2} written as plain loops.
 */
public final class Mgh {
    private Mgh() {
    }

    /** Extended Rosenbrock, n even: {@code sum 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2}. */
    public static double rosenbrock(double[] x) {
        double f = 0;
        for (int i = 0; i < x.length / 2; i++) {
            double a = x[2 * i];
            double b = x[2 * i + 1];
            double t1 = b - a * a;
            double t2 = 1 - a;
            f += 100 * t1 * t1 + t2 * t2;
        }
        return f;
    }

    /** Extended Powell singular, n a multiple of 4. */
    public static double powell(double[] x) {
        double f = 0;
        for (int j = 0; j < x.length; j += 4) {
            double f1 = x[j] + 10 * x[j + 1];
            double f2 = Math.sqrt(5) * (x[j + 2] - x[j + 3]);
            double d = x[j + 1] - 2 * x[j + 2];
            double f3 = d * d;
            double e = x[j] - x[j + 3];
            double f4 = Math.sqrt(10) * e * e;
            f += f1 * f1 + f2 * f2 + f3 * f3 + f4 * f4;
        }
        return f;
    }

    /** Wood, n = 4. */
    public static double wood(double[] x) {
        double a = x[1] - x[0] * x[0];
        double b = x[3] - x[2] * x[2];
        return 100 * a * a + (1 - x[0]) * (1 - x[0]) + 90 * b * b + (1 - x[2]) * (1 - x[2])
                + 10.1 * ((x[1] - 1) * (x[1] - 1) + (x[3] - 1) * (x[3] - 1)) + 19.8 * (x[1] - 1) * (x[3] - 1);
    }

    /** Helical valley, n = 3: theta has a branch on the sign of x1. */
    public static double helicalValley(double[] x) {
        double theta = Math.atan(x[1] / x[0]) / (2 * Math.PI);
        if (x[0] < 0) {
            theta += 0.5;
        }
        double f1 = 10 * (x[2] - 10 * theta);
        double f2 = 10 * (Math.sqrt(x[0] * x[0] + x[1] * x[1]) - 1);
        double f3 = x[2];
        return f1 * f1 + f2 * f2 + f3 * f3;
    }

    /** Watson, 2 <= n <= 31, m = 31. */
    public static double watson(double[] x) {
        int n = x.length;
        double f = 0;
        for (int i = 1; i <= 29; i++) {
            double t = i / 29.0;
            double s1 = 0;
            double dx = 1;
            for (int j = 1; j < n; j++) {
                s1 += j * x[j] * dx;
                dx *= t;
            }
            double s2 = 0;
            dx = 1;
            for (int j = 0; j < n; j++) {
                s2 += x[j] * dx;
                dx *= t;
            }
            double fi = s1 - s2 * s2 - 1;
            f += fi * fi;
        }
        double f31 = x[1] - x[0] * x[0] - 1;
        return f + x[0] * x[0] + f31 * f31;
    }

    /** Chebyquad, m = n: the shifted Chebyshev polynomials by their three-term recurrence, in an array. */
    public static double chebyquad(double[] x) {
        int n = x.length;
        double[] fvec = new double[n];
        for (int j = 0; j < n; j++) {
            double t1 = 1;
            double t2 = 2 * x[j] - 1;
            double t = 2 * t2;
            for (int i = 0; i < n; i++) {
                fvec[i] += t2;
                double th = t * t2 - t1;
                t1 = t2;
                t2 = th;
            }
        }
        double f = 0;
        for (int i = 0; i < n; i++) {
            double fi = fvec[i] / n;
            if ((i + 1) % 2 == 0) {
                fi += 1.0 / ((i + 1) * (i + 1) - 1);
            }
            f += fi * fi;
        }
        return f;
    }
}
