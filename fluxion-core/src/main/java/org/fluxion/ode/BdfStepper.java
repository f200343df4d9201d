package org.fluxion.ode;

import java.util.Arrays;

/**
 * Variable-order (1 to 5) backward differentiation formulas in Shampine and Reichelt's NDF form (The MATLAB
 * ODE Suite, 1997; MATLAB's ode15s, SciPy's BDF), quasi-constant step size, for stiff problems at loose to
 * moderate tolerances, where one Newton iteration costs a single n x n solve.
 *
 * <p>State: the modified divided differences {@code D_j = nabla^j y_n}, {@code j <= order + 2}, of the
 * solution at equally spaced points {@code t_n - i h}. A change of step size by {@code r} re-interpolates them
 * on the new grid, {@code D <- (R(r) U)^T D} with {@code R(r)_ij = prod_{m=1..i} (m - 1 - r j)/m} and
 * {@code U = R(1)}. The order-k NDF step solves, for {@code y_{n+1} = y_pred + d},
 * {@code d = c f(t_{n+1}, y_{n+1}) - psi} with {@code y_pred = sum_{j<=k} D_j},
 * {@code psi = (1/alpha_k) sum_{j=1..k} gamma_j D_j}, {@code gamma_j = sum_{i<=j} 1/i},
 * {@code alpha_k = (1 - kappa_k) gamma_k}, {@code c = h / alpha_k} and Klopfenstein–Shampine's
 * {@code kappa = (-0.185, -1/9, -0.0823, -0.0415, 0)}, by simplified Newton with the matrix {@code I - c J};
 * the Jacobian {@code J} is kept over steps and recomputed only when Newton fails to converge. The matrix is
 * dense, or banded when the problem declares a narrow band ({@link NewtonMatrix}).
 *
 * <p>Error estimate: {@code (kappa_k gamma_k + 1/(k + 1)) d}, d being the (k+1)-th difference. After k + 1
 * steps of equal size the orders {@code k - 1} and {@code k + 1} are estimated from {@code D_k} and
 * {@code D_{k+2}} and the order whose step size would be largest is chosen.
 *
 * <p>Dense output: the interpolating polynomial of the differences,
 * {@code y(t_{n+1} + (theta - 1) h) = sum_{j<=k} D_j prod_{m<j} (theta - 1 + m)/(m + 1)}, degree k.
 */
final class BdfStepper implements Stepper {
    static final int MAX_ORDER = 5;
    private static final int NEWTON_MAX = 4;
    private static final double MIN_FACTOR = 0.2;
    private static final double MAX_FACTOR = 10;
    private static final double EPS = Math.ulp(1.0);
    /** The error norm of a failed Newton iteration or a singular matrix: rejected, not "non-finite". */
    private static final double FAILED = 1e10;
    private static final double[] KAPPA = {0, -0.1850, -1.0 / 9, -0.0823, -0.0415, 0};
    static final double[] GAMMA = new double[MAX_ORDER + 1];
    static final double[] ALPHA = new double[MAX_ORDER + 1];
    static final double[] ERROR_CONST = new double[MAX_ORDER + 2];

    static {
        for (int k = 1; k <= MAX_ORDER; k++) {
            GAMMA[k] = GAMMA[k - 1] + 1.0 / k;
        }
        for (int k = 0; k <= MAX_ORDER; k++) {
            ALPHA[k] = (1 - KAPPA[k]) * GAMMA[k];
            ERROR_CONST[k] = KAPPA[k] * GAMMA[k] + 1.0 / (k + 1);
        }
        ERROR_CONST[MAX_ORDER + 1] = 1.0 / (MAX_ORDER + 2);
    }

    private final Rhs rhs;
    private final Tolerances tolerances;
    private final Jacobians jacobians;
    private final boolean suppliedJacobian;
    private final Counters counters;
    private final int n;
    private final double newtonTolerance;
    /** {@code D[j]}, j in [0, MAX_ORDER + 2]. */
    private final double[][] d = new double[MAX_ORDER + 3][];
    private final double[][] dScratch = new double[MAX_ORDER + 3][];
    private final double[] jac;
    private final NewtonMatrix matrix;
    private final double[] predict;
    private final double[] psi;
    private final double[] correction;
    private final double[] fy;
    private final double[] dy;
    private final double[] scale;
    private final double[] error;
    private final double[][] dense;
    private final double[][] rMatrix = new double[MAX_ORDER + 1][MAX_ORDER + 1];
    private final double[][] uMatrix = new double[MAX_ORDER + 1][MAX_ORDER + 1];
    private final double[][] ruMatrix = new double[MAX_ORDER + 1][MAX_ORDER + 1];

    /** Accepted steps per order (index 1 to 5), for statistics. */
    private final long[] stepsAtOrder = new long[MAX_ORDER + 1];
    private int order = 1;
    /** The step size the differences are scaled for (NaN before the first attempt). */
    private double hCurrent = Double.NaN;
    private int equalSteps;
    private boolean haveJacobian;
    /** Whether the Jacobian was computed during the current step (its retries included). */
    private boolean jacobianFresh;
    /** Whether {@code I - c J} is factored (for this step's c, or a recent one: see keepFactorization). */
    private boolean factored;
    /** SciPy keeps the factorization over a rejection for error (only the Newton rate suffers). */
    private boolean keepFactorization;
    private int newtonIterations;
    private double lastError;
    private boolean newtonFailed;

    BdfStepper(OdeProblem problem, Rhs rhs, Tolerances tolerances) {
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.jacobians = new Jacobians(problem, rhs);
        this.suppliedJacobian = problem.jacobian() != null;
        this.counters = rhs.counters();
        this.n = problem.size();
        double rtol = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (tolerances.isControlled(i)) {
                rtol = Math.min(rtol, tolerances.rtol()[i]);
            }
        }
        if (!(rtol > 0) || rtol == Double.POSITIVE_INFINITY) {
            rtol = 1e-3;
        }
        // SciPy's Newton tolerance: iteration error below the error estimate, not iterating on rounding.
        this.newtonTolerance = Math.max(10 * EPS / rtol, Math.min(0.03, Math.sqrt(rtol)));
        for (int j = 0; j < d.length; j++) {
            d[j] = new double[n];
            dScratch[j] = new double[n];
        }
        this.jac = new double[n * n];
        this.matrix = new NewtonMatrix(problem);
        this.predict = new double[n];
        this.psi = new double[n];
        this.correction = new double[n];
        this.fy = new double[n];
        this.dy = new double[n];
        this.scale = new double[n];
        this.error = new double[n];
        this.dense = new double[MAX_ORDER][n];
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        System.arraycopy(u, 0, d[0], 0, n);
        // D_1 = h f0 with h = 1 until the first attempt rescales it.
        System.arraycopy(f0, 0, d[1], 0, n);
        hCurrent = 1;
        order = 1;
        equalSteps = 0;
    }

    /** The accepted steps taken at each order (index 1 to 5), a copy. */
    long[] stepsAtOrder() {
        return stepsAtOrder.clone();
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        if (h != hCurrent) {
            changeStep(h / hCurrent);
            hCurrent = h;
            equalSteps = 0;
            if (!keepFactorization) {
                factored = false;
            }
        }
        keepFactorization = false;
        newtonFailed = false;
        double tNew = t + h;
        Arrays.fill(predict, 0);
        Arrays.fill(psi, 0);
        for (int j = 0; j <= order; j++) {
            double[] dj = d[j];
            double g = GAMMA[j] / ALPHA[order];
            for (int i = 0; i < n; i++) {
                predict[i] += dj[i];
                if (j > 0) {
                    psi[i] += g * dj[i];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            scale[i] = tolerances.isControlled(i) ? tolerances.scale(i, predict, predict) : Double.POSITIVE_INFINITY;
        }
        double c = h / ALPHA[order];
        if (!haveJacobian) {
            computeJacobian(tNew);
        }
        boolean converged;
        while (true) {
            if (!factored && !factor(c)) {
                if (jacobianFresh) {
                    newtonFailed = true;
                    return FAILED;
                }
                computeJacobian(tNew);
                continue;
            }
            converged = newton(tNew, c, uNew);
            if (!converged && !jacobianFresh) {
                computeJacobian(tNew);
                continue;
            }
            break;
        }
        if (!converged) {
            newtonFailed = true;
            return FAILED;
        }
        for (int i = 0; i < n; i++) {
            error[i] = ERROR_CONST[order] * correction[i];
        }
        lastError = tolerances.norm(error, uNew, uNew);
        return Double.isNaN(lastError) ? Double.POSITIVE_INFINITY : lastError;
    }

    /** The Jacobian at {@code (tNew, y_pred)} (SciPy's choice: where the Newton iteration starts). */
    private void computeJacobian(double tNew) {
        if (!suppliedJacobian) {
            rhs.evaluate(fy, predict, tNew);
        }
        jacobians.jacobian(jac, tNew, predict, fy);
        haveJacobian = true;
        jacobianFresh = true;
        factored = false;
    }

    /** Factors {@code I - c J}; false when singular. */
    private boolean factor(double c) {
        counters.factorizations++;
        factored = matrix.factor(1, -c, jac);
        return factored;
    }

    /**
     * Simplified Newton for {@code d = c f(t_new, y_pred + d) - psi} from {@code d = 0}, the iterate in
     * {@code y} and the correction in {@code correction}; stops when the predicted remaining error
     * {@code rate/(1 - rate) ||dy||} is below the tolerance, gives up when {@code rate >= 1} or when
     * {@code rate^(left)/(1 - rate) ||dy||} says the iterations left will not get there.
     *
     * @return whether it converged (not when the right-hand side was not finite)
     */
    private boolean newton(double tNew, double c, double[] y) {
        System.arraycopy(predict, 0, y, 0, n);
        Arrays.fill(correction, 0);
        double normOld = Double.NaN;
        for (int k = 0; k < NEWTON_MAX; k++) {
            newtonIterations = k + 1;
            rhs.evaluate(fy, y, tNew);
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(fy[i])) {
                    return false;
                }
                dy[i] = c * fy[i] - psi[i] - correction[i];
            }
            matrix.solve(dy);
            counters.linearSolves++;
            double norm = scaledNorm(dy);
            if (!Double.isFinite(norm)) {
                return false;
            }
            double rate = Double.isNaN(normOld) ? Double.NaN : norm / normOld;
            if (!Double.isNaN(rate)
                    && (rate >= 1 || Math.pow(rate, NEWTON_MAX - k) / (1 - rate) * norm > newtonTolerance)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                y[i] += dy[i];
                correction[i] += dy[i];
            }
            if (norm == 0 || (!Double.isNaN(rate) && rate / (1 - rate) * norm < newtonTolerance)) {
                return true;
            }
            normOld = norm;
        }
        return false;
    }

    /** The RMS of {@code x_i / scale_i} over the controlled components. */
    private double scaledNorm(double[] x) {
        double sum = 0;
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (scale[i] != Double.POSITIVE_INFINITY) {
                double e = x[i] / scale[i];
                sum += e * e;
                m++;
            }
        }
        return m == 0 ? 0 : Math.sqrt(sum / m);
    }

    /**
     * Accepts: the differences of the new point follow from {@code nabla^{j+1} y_{n+1} = nabla^j y_{n+1} -
     * nabla^j y_n}, with {@code D_{k+1}} of the new point being the correction d.
     */
    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        equalSteps++;
        stepsAtOrder[order]++;
        jacobianFresh = false;
        double[] dk1 = d[order + 1];
        double[] dk2 = d[order + 2];
        for (int i = 0; i < n; i++) {
            dk2[i] = correction[i] - dk1[i];
            dk1[i] = correction[i];
        }
        for (int j = order; j >= 0; j--) {
            double[] dj = d[j];
            double[] next = d[j + 1];
            for (int i = 0; i < n; i++) {
                dj[i] += next[i];
            }
        }
        denseFromDifferences();
    }

    /**
     * Monomial coefficients in theta of {@code sum_{j=1..k} D_j P_j(theta)},
     * {@code P_j = prod_{m<j} (theta - 1 + m)/(m + 1)}. The constant terms ({@code P_1(0) = -1}, {@code P_j(0) = 0}
     * for {@code j >= 2}) give {@code D_0 - D_1 = y_n}, the segment's start, which the dense output stores itself.
     */
    private void denseFromDifferences() {
        double[] poly = new double[MAX_ORDER + 1];
        poly[0] = 1;
        for (double[] q : dense) {
            Arrays.fill(q, 0);
        }
        for (int j = 1; j <= order; j++) {
            int m = j - 1;
            // poly <- poly * (theta + (m - 1)) / (m + 1)
            for (int p = j; p >= 0; p--) {
                double shifted = p > 0 ? poly[p - 1] : 0;
                poly[p] = (shifted + (m - 1) * poly[p]) / (m + 1);
            }
            double[] dj = d[j];
            for (int p = 1; p <= j; p++) {
                double coefficient = poly[p];
                double[] q = dense[p - 1];
                for (int i = 0; i < n; i++) {
                    q[i] += coefficient * dj[i];
                }
            }
        }
    }

    /** {@code D[0..order] <- (R(factor) U)^T D[0..order]}: the differences on a grid {@code factor} times wider. */
    private void changeStep(double factor) {
        computeR(order, factor, rMatrix);
        computeR(order, 1, uMatrix);
        int k = order + 1;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int m = 0; m < k; m++) {
                    s += rMatrix[i][m] * uMatrix[m][j];
                }
                ruMatrix[i][j] = s;
            }
        }
        for (int j = 0; j < k; j++) {
            double[] out = dScratch[j];
            Arrays.fill(out, 0);
            for (int m = 0; m < k; m++) {
                double coefficient = ruMatrix[m][j];
                if (coefficient == 0) {
                    continue;
                }
                double[] dm = d[m];
                for (int i = 0; i < n; i++) {
                    out[i] += coefficient * dm[i];
                }
            }
        }
        for (int j = 0; j < k; j++) {
            System.arraycopy(dScratch[j], 0, d[j], 0, n);
        }
    }

    /** {@code R_ij = prod_{m=1..i} (m - 1 - factor j)/m} for {@code i, j <= order}, {@code R_0j = 1}. */
    static void computeR(int order, double factor, double[][] r) {
        for (int j = 0; j <= order; j++) {
            r[0][j] = 1;
        }
        for (int i = 1; i <= order; i++) {
            r[i][0] = 0;
            for (int j = 1; j <= order; j++) {
                r[i][j] = r[i - 1][j] * (i - 1 - factor * j) / i;
            }
        }
    }

    /**
     * SciPy's rules: a failed Newton iteration halves the step; an error rejection scales it by
     * {@code max(0.2, safety err^(-1/(k+1)))}, {@code safety = 0.9 (2 NEWTON_MAX + 1)/(2 NEWTON_MAX + iterations)};
     * after k + 1 accepted steps of equal size, the order in {k - 1, k, k + 1} with the largest predicted step is
     * taken and the step scaled by {@code min(10, safety err_order^(-1/(order+1)))}; otherwise unchanged.
     */
    @Override
    public double nextStep(StepController.State state, double h, double err, boolean accepted) {
        if (!accepted) {
            if (!Double.isFinite(err)) {
                return h * 0.25;
            }
            if (newtonFailed) {
                return h * 0.5;
            }
            double safety = 0.9 * (2 * NEWTON_MAX + 1) / (2 * NEWTON_MAX + newtonIterations);
            keepFactorization = true;
            return h * Math.max(MIN_FACTOR, safety * Math.pow(err, -1.0 / (order + 1)));
        }
        if (equalSteps < order + 1) {
            return h;
        }
        double errorMinus = Double.POSITIVE_INFINITY;
        double errorPlus = Double.POSITIVE_INFINITY;
        if (order > 1) {
            errorMinus = weightedNorm(ERROR_CONST[order - 1], d[order]);
        }
        if (order < MAX_ORDER) {
            errorPlus = weightedNorm(ERROR_CONST[order + 1], d[order + 2]);
        }
        double fMinus = Math.pow(errorMinus, -1.0 / order);
        double fSame = Math.pow(lastError, -1.0 / (order + 1));
        double fPlus = Math.pow(errorPlus, -1.0 / (order + 2));
        double best = fSame;
        int delta = 0;
        if (fMinus > best) {
            best = fMinus;
            delta = -1;
        }
        if (fPlus > best) {
            best = fPlus;
            delta = 1;
        }
        order += delta;
        factored = false;
        double safety = 0.9 * (2 * NEWTON_MAX + 1) / (2 * NEWTON_MAX + newtonIterations);
        return h * Math.min(MAX_FACTOR, safety * best);
    }

    /** {@code ||constant x||} with the scales of the last accepted point. */
    private double weightedNorm(double constant, double[] x) {
        for (int i = 0; i < n; i++) {
            error[i] = constant * x[i];
        }
        double[] y = d[0];
        return tolerances.norm(error, y, y);
    }

    @Override
    public int denseDegree() {
        return MAX_ORDER;
    }

    @Override
    public void denseCoefficients(double[][] q) {
        for (int j = 0; j < MAX_ORDER; j++) {
            System.arraycopy(dense[j], 0, q[j], 0, n);
        }
    }

    @Override
    public StepController controller() {
        return new StepController(2, 0, MIN_FACTOR, MAX_FACTOR, 0.9);
    }

    @Override
    public int order() {
        return 1;
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
