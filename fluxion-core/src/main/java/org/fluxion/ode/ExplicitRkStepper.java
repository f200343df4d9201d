package org.fluxion.ode;

/**
 * A step of an explicit Runge–Kutta method given by a {@link ButcherTableau}, on preallocated
 * {@code double[]} stages: no allocation per step. The tableau's zero coefficients are skipped.
 */
final class ExplicitRkStepper implements Stepper {
    private final ButcherTableau tableau;
    private final Rhs rhs;
    private final Tolerances tolerances;
    private final boolean adaptive;
    private final int n;
    private final int s;
    /** Per stage i: the indices j and values of its nonzero a[i][j]. */
    private final int[][] aIndex;
    private final double[][] aValue;
    private final double[][] k;
    private final double[] stage;
    private final double[] err;
    private final double[] sum;
    /** Whether k[0] holds f at the current point (false after accepting a step of a non-FSAL method). */
    private boolean firstStageValid;
    /** Whether the FSAL stage of the accepted step must still move to k[0]. */
    private boolean fsalPending;
    private double lastH;

    ExplicitRkStepper(ButcherTableau tableau, Rhs rhs, Tolerances tolerances, int n, boolean adaptive) {
        if (adaptive && tableau.e() == null) {
            throw new IllegalArgumentException(tableau.name() + " has no error estimate: it is a fixed-step method");
        }
        this.tableau = tableau;
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.adaptive = adaptive;
        this.n = n;
        this.s = tableau.stages();
        this.aIndex = new int[s][];
        this.aValue = new double[s][];
        for (int i = 0; i < s; i++) {
            double[] row = tableau.a()[i];
            int nz = 0;
            for (double v : row) {
                nz += v != 0 ? 1 : 0;
            }
            aIndex[i] = new int[nz];
            aValue[i] = new double[nz];
            for (int j = 0, m = 0; j < row.length; j++) {
                if (row[j] != 0) {
                    aIndex[i][m] = j;
                    aValue[i][m++] = row[j];
                }
            }
        }
        this.k = new double[s][n];
        this.stage = new double[n];
        this.err = new double[n];
        this.sum = new double[n];
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        System.arraycopy(f0, 0, k[0], 0, n);
        firstStageValid = true;
        fsalPending = false;
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        if (fsalPending) {
            double[] tmp = k[0];
            k[0] = k[s - 1];
            k[s - 1] = tmp;
            fsalPending = false;
        } else if (!firstStageValid) {
            rhs.evaluate(k[0], u, t);
            firstStageValid = true;
        }
        double[] c = tableau.c();
        int last = tableau.fsal() ? s - 1 : s;
        for (int i = 1; i < last; i++) {
            combine(u, h, aIndex[i], aValue[i], stage);
            rhs.evaluate(k[i], stage, t + c[i] * h);
        }
        double[] b = tableau.b();
        // sum_j b_j k_j stage by stage (loops along the state, which the JIT vectorizes), in the same order
        // for each component as one sum per component.
        weightedSum(b, last, sum);
        for (int m = 0; m < n; m++) {
            uNew[m] = u[m] + h * sum[m];
        }
        if (tableau.fsal()) {
            rhs.evaluate(k[s - 1], uNew, t + h);
        }
        if (!adaptive) {
            return allFinite(uNew) ? 0 : Double.NaN;
        }
        weightedSum(tableau.e(), s, err);
        for (int m = 0; m < n; m++) {
            err[m] *= h;
        }
        double norm = tolerances.normOverwriting(err, u, uNew);
        return Double.isNaN(norm) ? Double.POSITIVE_INFINITY : norm;
    }

    /**
     * Hairer's stiffness estimate {@code |h lambda|} after an attempt of an FSAL method (DOPRI5's test):
     * {@code h ||f(u_new) - f(U_{s-1})|| / ||u_new - U_{s-1}||}, the last two stages being evaluated at nearby
     * points, so their difference quotient estimates the dominant eigenvalue met along the step. The norms are
     * weighted by the error control's scales {@code w_i}: {@code W J W^-1} has J's eigenvalues, and the
     * weighting lets small components with tight atol (Robertson's y2, where the stiffness lives) count as much
     * as they do in the step-size control. 0 when the two points coincide.
     */
    double stiffnessEstimate(double h, double[] u, double[] uNew) {
        if (!tableau.fsal()) {
            throw new IllegalStateException(tableau.name() + ": the stiffness estimate needs an FSAL method");
        }
        double num = 0;
        double den = 0;
        double[] fNew = k[s - 1];
        double[] fStage = k[s - 2];
        for (int i = 0; i < n; i++) {
            if (!tolerances.isControlled(i)) {
                continue;
            }
            double w = 1 / tolerances.scale(i, u, uNew);
            double df = (fNew[i] - fStage[i]) * w;
            double du = (uNew[i] - stage[i]) * w;
            num += df * df;
            den += du * du;
        }
        return den > 0 ? Math.abs(h) * Math.sqrt(num / den) : 0;
    }

    /** The FSAL stage {@code f(u_new)} of the last attempt (valid until the next attempt). */
    double[] lastDerivative() {
        return k[s - 1];
    }

    /** {@code out = sum_{j < count} w[j] k[j]}, zero weights included (the order of a per-component sum). */
    private void weightedSum(double[] w, int count, double[] out) {
        java.util.Arrays.fill(out, 0);
        for (int j = 0; j < count; j++) {
            double wj = w[j];
            double[] kj = k[j];
            for (int m = 0; m < n; m++) {
                out[m] += wj * kj[m];
            }
        }
    }

    /** {@code out = u + h sum_m value[m] k[index[m]]}. */
    private void combine(double[] u, double h, int[] index, double[] value, double[] out) {
        System.arraycopy(u, 0, out, 0, n);
        for (int m = 0; m < index.length; m++) {
            double hv = h * value[m];
            double[] kj = k[index[m]];
            for (int i = 0; i < n; i++) {
                out[i] += hv * kj[i];
            }
        }
    }

    static boolean allFinite(double[] x) {
        for (double v : x) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        lastH = h;
        if (tableau.fsal()) {
            fsalPending = true;
        } else {
            firstStageValid = false;
        }
    }

    @Override
    public int denseDegree() {
        return tableau.denseDegree();
    }

    @Override
    public void denseCoefficients(double[][] q) {
        double[][] r = tableau.dense();
        int degree = denseDegree();
        for (int j = 0; j < degree; j++) {
            double[] qj = q[j];
            java.util.Arrays.fill(qj, 0);
            for (int i = 0; i < s; i++) {
                double w = lastH * r[i][j];
                if (w != 0) {
                    double[] ki = k[i];
                    for (int m = 0; m < n; m++) {
                        qj[m] += w * ki[m];
                    }
                }
            }
        }
    }

    @Override
    public StepController controller() {
        return tableau.controller();
    }

    @Override
    public int order() {
        return tableau.order();
    }

    @Override
    public boolean adaptive() {
        return adaptive;
    }
}
