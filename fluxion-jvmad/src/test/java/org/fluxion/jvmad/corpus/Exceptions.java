package org.fluxion.jvmad.corpus;

/** Differentiated code that throws: the exception propagates out of every derivative. */
public final class Exceptions {
    private Exceptions() {
    }

    /** A square root that refuses negative input, called in a loop. */
    public static double checkedSqrt(double v) {
        if (v < 0) {
            throw new ArithmeticException("negative argument");
        }
        return Math.sqrt(v);
    }

    /** sum_i sqrt(x_i) * x_{i+1}; throws (from a callee, in a loop) when an x_i is negative. */
    public static double sqrtChain(double[] x) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            s += checkedSqrt(x[i]) * x[i + 1];
        }
        if (x.length < 2) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    /** Throws from the method itself, before anything is written. */
    public static double validated(double[] x) {
        if (x.length == 0) {
            throw new IllegalArgumentException("empty");
        }
        return x[0] * x[0];
    }
}
