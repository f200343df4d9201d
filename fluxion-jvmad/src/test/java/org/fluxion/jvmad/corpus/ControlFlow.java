package org.fluxion.jvmad.corpus;

/** Loops and jumps in every shape javac produces: the reverse sweep must retrace each of them. */
public final class ControlFlow {
    private ControlFlow() {
    }

    /** A return from inside a loop. */
    public static double earlyReturnInLoop(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] > 2) {
                return s * x[i] * x[i];
            }
            s += Math.sin(x[i]) * (i + 1);
        }
        return s;
    }

    /** A return from inside an inner loop of two. */
    public static double returnFromNested(double[] x) {
        double s = 1;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j <= i; j++) {
                s = s * 0.9 + x[i] * x[j];
                if (s > 40) {
                    return Math.log(s);
                }
            }
        }
        return s;
    }

    /** A labeled break out of both loops, and a continue. */
    public static double breakAndContinue(double[] x) {
        double s = 0;
        outer:
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x.length; j++) {
                if (j == i) {
                    continue;
                }
                s += x[i] * Math.cos(x[j]);
                if (s > 3) {
                    break outer;
                }
            }
        }
        return s * s;
    }

    /** A while loop whose continue jumps straight back to its condition (two back edges). */
    public static double whileWithContinue(double[] x) {
        int i = 0;
        double s = 0;
        while (i < x.length) {
            double v = x[i++];
            if (v < 0) {
                s -= v * v;
                continue;
            }
            s += Math.exp(0.3 * v);
        }
        return s;
    }

    /** A do-while loop that starts at the method's first instruction, and a single-block loop. */
    public static double doWhileAtEntry(double a) {
        do {
            a = a * 0.5 + 0.25;
        } while (a > 1);
        int k = 0;
        double b = a;
        do {
            b = b * b * 0.5 + 0.1;
            k++;
        } while (k < 5);
        return b;
    }

    /** A switch inside a loop, with fall-through. */
    public static double switchInLoop(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            switch (i % 4) {
                case 0:
                    s += x[i] * x[i];
                    break;
                case 1:
                    s *= 1 + 0.1 * x[i];
                    // falls through
                case 2:
                    s += Math.tanh(x[i]);
                    break;
                default:
                    s -= x[i] / (1 + s * s);
            }
        }
        return s;
    }

    /** Nested loops whose inner trip count depends on data (while to a tolerance inside a for). */
    public static double dataDependentNesting(double[] x) {
        double s = 0;
        for (double a : x) {
            double r = 1;
            while (Math.abs(r * r * r - a) > 1e-14 * Math.abs(a)) {
                r = r - (r * r * r - a) / (3 * r * r);
            }
            s += r * a;
        }
        return s;
    }
}
