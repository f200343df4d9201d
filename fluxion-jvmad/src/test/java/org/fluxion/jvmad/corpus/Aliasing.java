package org.fluxion.jvmad.corpus;

/**
 * Arrays read by one method and written later by another: a reverse sweep that read them again
 * instead of recording would see the later values. Each case writes after the read.
 */
public final class Aliasing {
    private Aliasing() {
    }

    static double readsNonlinearly(double[] a) {
        return a[0] * a[1] + Math.sin(a[1]) * a[2];
    }

    /** The entry's own input, read by a callee, then overwritten by the entry. */
    public static double entryInputWrittenAfterACall(double[] x) {
        double s = readsNonlinearly(x);
        x[0] = 2 * x[1] * x[2];
        x[1] = -x[0];
        return s * x[0] + readsNonlinearly(x);
    }

    /** A copy read by a callee, then overwritten in a loop. */
    public static double copyWrittenAfterACall(double[] x) {
        double[] y = x.clone();
        double s = readsNonlinearly(y);
        for (int i = 0; i < y.length; i++) {
            y[i] = y[i] * s;
        }
        return readsNonlinearly(y) + s;
    }

    static void scale(double[] a, double c) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= c;
        }
    }

    /** A read-only-looking loop, then a callee that writes the same input. */
    public static double inputWrittenByACallee(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
        }
        scale(x, s);
        for (int i = 0; i < x.length; i++) {
            s += Math.exp(0.1 * x[i]) * x[i];
        }
        return s;
    }

    /** Read-only input next to a written scratch array: only the scratch is recorded. */
    public static double readOnlyBesideScratch(double[] x) {
        double[] h = new double[x.length];
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            h[i] = Math.tanh(x[i] * x[(i + 1) % x.length]);
            s += h[i] * x[i];
        }
        return s;
    }

    /** A float array and float arithmetic mixed with doubles. */
    public static double floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i] * 1.5f;
        }
        double s = 0;
        for (int i = 0; i < f.length; i++) {
            s += f[i] * f[i] + Math.abs(f[i]);
        }
        return s;
    }
}
