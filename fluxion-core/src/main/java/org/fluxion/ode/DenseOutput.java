package org.fluxion.ode;

import java.util.ArrayList;
import java.util.List;

/**
 * The continuous solution of a solve: one interpolating polynomial per accepted step,
 * {@code u(t_k + theta h_k) = u_k + sum_j theta^(j+1) q_kj}, of the method's dense-output order (4 for DP5
 * and Tsit5, 7 for DOP853, 3 for RK4 and Rodas4, 2 for Rosenbrock23). Evaluating it costs no RHS
 * evaluation. Steps are ordered in the direction of integration.
 */
public final class DenseOutput {
    private record Segment(double t, double h, double[] u, double[][] q) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final int n;

    DenseOutput(int n) {
        this.n = n;
    }

    void add(double t, double h, double[] u, double[][] q) {
        double[][] copy = new double[q.length][];
        for (int j = 0; j < q.length; j++) {
            copy[j] = q[j].clone();
        }
        segments.add(new Segment(t, h, u.clone(), copy));
    }

    /** The number of steps. */
    public int steps() {
        return segments.size();
    }

    /** The state's length. */
    public int size() {
        return n;
    }

    /** The first time covered. */
    public double start() {
        return segments.isEmpty() ? Double.NaN : segments.get(0).t;
    }

    /** The last time covered. */
    public double end() {
        if (segments.isEmpty()) {
            return Double.NaN;
        }
        Segment last = segments.get(segments.size() - 1);
        return last.t + last.h;
    }

    /** The state at time {@code t}, a new array. */
    public double[] at(double t) {
        double[] out = new double[n];
        at(t, out);
        return out;
    }

    /**
     * Writes the state at time {@code t} into {@code out}.
     *
     * @throws IllegalArgumentException when {@code t} is outside the solved span
     */
    public void at(double t, double[] out) {
        if (segments.isEmpty()) {
            throw new IllegalStateException("DenseOutput: empty (the solve took no step)");
        }
        Segment s = segments.get(find(t));
        evaluate(s.u, s.q, (t - s.t) / s.h, out);
    }

    /** {@code out = u + sum_j theta^(j+1) q[j]} by Horner's rule. */
    static void evaluate(double[] u, double[][] q, double theta, double[] out) {
        int degree = q.length;
        if (out != u && degree > 0) {
            // Horner's steps one coefficient at a time along the state (loops the JIT vectorizes), the same
            // operations in the same order for each component as below.
            System.arraycopy(q[degree - 1], 0, out, 0, u.length);
            for (int j = degree - 2; j >= 0; j--) {
                double[] qj = q[j];
                for (int m = 0; m < u.length; m++) {
                    out[m] = out[m] * theta + qj[m];
                }
            }
            for (int m = 0; m < u.length; m++) {
                out[m] = u[m] + theta * out[m];
            }
            return;
        }
        for (int m = 0; m < u.length; m++) {
            double acc = q[degree - 1][m];
            for (int j = degree - 2; j >= 0; j--) {
                acc = acc * theta + q[j][m];
            }
            out[m] = u[m] + theta * acc;
        }
    }

    /** The index of the step containing {@code t} (binary search in the direction of integration). */
    private int find(double t) {
        double start = start();
        double end = end();
        double dir = Math.signum(end - start);
        double slack = 1e-12 * Math.abs(end - start);
        if (dir * (t - start) < -slack || dir * (t - end) > slack || Double.isNaN(t)) {
            throw new IllegalArgumentException("DenseOutput: t = " + t + " is outside the solved span [" + start
                    + ", " + end + "]");
        }
        int lo = 0;
        int hi = segments.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            Segment s = segments.get(mid);
            if (dir * (t - (s.t + s.h)) > 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
