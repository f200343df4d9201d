package org.fluxion.jvmad.corpus;

/** Loops for checkpointing (reverse mode under a memory budget): long ones, and every state shape. */
public final class LongLoops {
    private LongLoops() {
    }

    /**
     * RK4 on Lotka-Volterra, mutating its state in place: x = (a, b, g, d, y0, y1, steps); steps of
     * 10 / steps; returns y0 + 2 y1 at the end.
     */
    public static double rk4(double[] x) {
        double[] p = {x[0], x[1], x[2], x[3]};
        double[] y = {x[4], x[5]};
        int steps = (int) x[6];
        double h = 10.0 / steps;
        double[] k1 = new double[2];
        double[] k2 = new double[2];
        double[] k3 = new double[2];
        double[] k4 = new double[2];
        double[] tmp = new double[2];
        for (int step = 0; step < steps; step++) {
            Algorithms.lotkaVolterra(y, p, k1);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + 0.5 * h * k1[i];
            }
            Algorithms.lotkaVolterra(tmp, p, k2);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + 0.5 * h * k2[i];
            }
            Algorithms.lotkaVolterra(tmp, p, k3);
            for (int i = 0; i < 2; i++) {
                tmp[i] = y[i] + h * k3[i];
            }
            Algorithms.lotkaVolterra(tmp, p, k4);
            for (int i = 0; i < 2; i++) {
                y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            }
        }
        return y[0] + 2 * y[1];
    }

    /** Real scalars carried from one iteration to the next (no arrays written): a damped map. */
    public static double scalarState(double[] x) {
        double u = x[0];
        double v = x[1];
        float w = (float) x[2];
        long k = 3;
        for (int i = 0; i < 500; i++) {
            double t = u;
            u = 0.9 * u + 0.1 * Math.sin(v) + 1e-3 * w;
            v = v * 0.95 + 0.05 * Math.exp(-t * t);
            w = w * 0.99f + (float) (1e-3 * u);
            k = k * 7 % 1000;
        }
        return u + 2 * v + w + k * 1e-6;
    }

    /** A while loop to a tolerance with a second exit (break), then code after it that reads its state. */
    public static double whileWithTwoExits(double[] x) {
        double a = x[0] * x[0] + 1;
        double r = a;
        int n = 0;
        while (Math.abs(r * r - a) > 1e-14 * a) {
            r = 0.5 * (r + a / r);
            if (++n > 100) {
                break;
            }
        }
        return r * x[1] + n;
    }

    /** The loop is the method's first block (a do-while at entry) writing an input array in place. */
    public static double doWhileAtEntry(double[] x) {
        int i = 0;
        do {
            x[i % x.length] = Math.tanh(x[(i + 1) % x.length] + x[i % x.length]);
            i++;
        } while (i < 3 * x.length);
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    /** A loop that reassigns array variables kept across iterations: recorded, not checkpointed. */
    public static double swapsBuffers(double[] x) {
        double[] a = x.clone();
        double[] b = new double[2];
        for (int t = 0; t < 4; t++) {
            b[0] = Math.sin(a[0]) + a[1];
            b[1] = a[0] * a[1];
            double[] swap = a;
            a = b;
            b = swap;
        }
        return a[0];
    }

    /** Returns from inside its only loop (the return is an exit of the loop, as a break). */
    public static double returnsInLoop(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * x[i];
            if (s > 10) {
                return s;
            }
        }
        return -s;
    }
}
