package org.fluxion.kernels;

/**
 * Special functions the JDK lacks, in double precision, deterministic (StrictMath only).
 */
public final class SpecialFunctions {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double SQRT_PI = 1.7724538509055159;

    private SpecialFunctions() {
    }

    /**
     * The error function {@code erf(x) = 2/sqrt(pi) * integral_0^x e^(-t^2) dt}, to about 1e-15 relative.
     * For {@code |x| < 2} its Maclaurin series {@code 2/sqrt(pi) * sum_n (-1)^n x^(2n+1) / (n! (2n+1))}, whose terms
     * stay small enough that cancellation costs under one digit (at 3 it would cost two); beyond, {@code 1 - erfc(x)} with erfc's
     * continued fraction {@code e^(-x^2) / (sqrt(pi) (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))))}, which
     * converges within 120 terms from 2 on; from |x| = 6, erf(x) rounds to +-1.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a >= 6) {
            return Math.signum(x);
        }
        if (a < 2) {
            double x2 = x * x;
            double term = x;   // (-1)^n x^(2n+1) / n!
            double sum = x;
            for (int n = 1; n < 100; n++) {
                term *= -x2 / n;
                double next = term / (2 * n + 1);
                sum += next;
                if (Math.abs(next) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        double t = a;
        for (int k = 120; k >= 1; k--) {
            t = a + (k / 2.0) / t;
        }
        double erfc = StrictMath.exp(-a * a) / (SQRT_PI * t);
        return Math.copySign(1 - erfc, x);
    }

    /** Beyond this magnitude {@code sqrt(x^2 + 1)} rounds to |x| and the inverse hyperbolic functions are log(2|x|). */
    private static final double LARGE = 0x1p28;
    private static final double LN2 = 0.6931471805599453;

    /**
     * {@code asinh(x) = log(x + sqrt(x^2 + 1))}, odd, computed as {@code sign(x) log1p(|x| + x^2 / (1 + sqrt(1 + x^2)))}
     * (the same value, without the cancellation of {@code x + sqrt(x^2 + 1)} for negative x or the rounding of
     * {@code log} near 1 for small x), and as {@code sign(x) (log|x| + ln 2)} where {@code x^2} would not add to 1.
     */
    public static double asinh(double x) {
        double a = Math.abs(x);
        double r = a > LARGE ? StrictMath.log(a) + LN2 : StrictMath.log1p(a + a * a / (1 + StrictMath.sqrt(1 + a * a)));
        return Math.copySign(r, x);
    }

    /**
     * {@code acosh(x) = log(x + sqrt(x^2 - 1))} for {@code x >= 1} (NaN below), computed as
     * {@code log1p(t + sqrt(2t + t^2))} with {@code t = x - 1}, accurate near 1, and as {@code log x + ln 2} for large x.
     */
    public static double acosh(double x) {
        if (x < 1) {
            return Double.NaN;
        }
        if (x > LARGE) {
            return StrictMath.log(x) + LN2;
        }
        double t = x - 1;
        return StrictMath.log1p(t + StrictMath.sqrt(2 * t + t * t));
    }

    /**
     * {@code atanh(x) = log((1 + x) / (1 - x)) / 2} for {@code |x| <= 1} (+-infinity at +-1, NaN beyond), odd, computed
     * as {@code sign(x) log1p(2|x| / (1 - |x|)) / 2}, accurate for small x.
     */
    public static double atanh(double x) {
        double a = Math.abs(x);
        if (a > 1) {
            return Double.NaN;
        }
        return Math.copySign(0.5 * StrictMath.log1p(2 * a / (1 - a)), x);
    }
}
