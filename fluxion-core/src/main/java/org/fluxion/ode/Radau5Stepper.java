package org.fluxion.ode;

import java.util.Arrays;
import org.fluxion.kernels.LuKernel;

/**
 * The three-stage Radau IIA method of order 5 (Hairer and Wanner, Solving ODEs II, IV.8, and their code
 * radau5.f): fully implicit, L-stable and stiffly accurate, for stiff problems at tight tolerances.
 *
 * <p>The stage increments {@code Z_i = U_i - u} ({@code U_i ~ u(t + c_i h)}, {@code c = ((4 - sqrt 6)/10,
 * (4 + sqrt 6)/10, 1)}) solve {@code Z = h (A x I) F(Z)}. Simplified Newton with the Jacobian {@code J} at the
 * step's start, after the change of variables {@code Z = (T x I) W} that makes
 * {@code A^-1 = T [[gamma, 0, 0], [0, alpha, beta], [0, -beta, alpha]] T^-1} block diagonal, splits the
 * {@code 3n x 3n} system into a real one, {@code (gamma/h - J) dW_1 = r_1}, and a complex one,
 * {@code ((alpha - i beta)/h - J)(dW_2 + i dW_3) = r_2 + i r_3}, with
 * {@code r = (T^-1 x I) F(Z) - (Lambda/h x I) W}. Both are factored once per step size by the linear-algebra
 * kernel {@link LuKernel} ({@link NewtonMatrix}, {@link ComplexNewtonMatrix}; banded LUs when the problem
 * declares a narrow band): the complex one as its real {@code 2n x 2n} form
 * {@code [[alpha/h - J, beta/h], [-beta/h, alpha/h - J]]}. The new state is {@code u + Z_3}.
 *
 * <p>Error estimate (Hairer's, filtered by the real matrix so that it stays bounded on stiff components):
 * {@code err = (gamma/h - J)^-1 (f(u) + (e_1 Z_1 + e_2 Z_2 + e_3 Z_3)/h)}; after a rejection or at the first
 * step, once more with {@code f(u + err)} in place of {@code f(u)}. Step sizes follow Hairer: the error's
 * 4th root scaled by a safety factor that shrinks with the Newton iterations used, Gustafsson's predictive
 * controller on accepted steps, and the Jacobian (and the factorizations) kept while Newton converges fast
 * ({@code theta <= 0.001}) and the step changes by less than 20%.
 *
 * <p>Dense output: the collocation polynomial through {@code (0, u)}, {@code (c_i, u + Z_i)}, of degree 3; it
 * also extrapolates the next step's starting stages.
 */
final class Radau5Stepper implements Stepper {
    private static final double SQ6 = Math.sqrt(6);
    private static final double[] C = {(4 - SQ6) / 10, (4 + SQ6) / 10, 1};
    /** The error estimator's weights e_i (Hairer's DD). */
    private static final double[] E = {-(13 + 7 * SQ6) / 3, (-13 + 7 * SQ6) / 3, -1.0 / 3};
    /** The real eigenvalue of A^-1: {@code 3 + 3^(2/3) - 3^(1/3)}. */
    static final double GAMMA = 3 + Math.cbrt(9) - Math.cbrt(3);
    /** The complex pair {@code alpha +- i beta} of A^-1. */
    static final double ALPHA = 3 + 0.5 * (Math.cbrt(3) - Math.cbrt(9));
    static final double BETA = 0.5 * (Math.pow(3, 5.0 / 6) + Math.pow(3, 7.0 / 6));
    /** Eigenvectors of A^-1 (columns: real, then the real and imaginary parts of the complex one). */
    static final double[][] T = {
            {0.09443876248897524, -0.14125529502095421, 0.03002919410514742},
            {0.25021312296533332, 0.20412935229379994, -0.38294211275726192},
            {1, 1, 0}};
    /** {@code T^-1}. */
    static final double[][] TI = {
            {4.178718591551905, 0.3276828207610624, 0.5233764454994494},
            {-4.178718591551905, -0.3276828207610624, 0.47662355450055055},
            {0.5028726349457869, -2.5719269498556057, 0.596039204828225}};
    /** Inverse of {@code V[i][j] = c_i^(j+1)}: monomial coefficients of the collocation polynomial from Z. */
    static final double[][] VI = {
            {10.048809399827414, -1.3821427331607499, 0.3333333333333326},
            {-25.62959144707664, 10.296258113743308, -2.666666666666665},
            {15.580782047249224, -8.914115380582558, 3.3333333333333326}};
    /** Newton iterations allowed per attempt (Hairer's NIT). */
    private static final int MAX_NEWTON = 7;
    private static final double SAFETY = 0.9;
    /** Bounds of one step change: {@code h_new / h in [1/FAC_DOWN, FAC_UP]}. */
    private static final double FAC_DOWN = 5;
    private static final double FAC_UP = 8;
    /** Newton's contraction rate below which the Jacobian is kept for the next step. */
    private static final double THETA_KEEP = 0.001;
    private static final double EPS = Math.ulp(1.0);
    /** The error norm returned for a failed Newton iteration or a singular matrix: rejected, not "non-finite". */
    private static final double FAILED = 1e10;

    private final Rhs rhs;
    private final Tolerances tolerances;
    private final Jacobians jacobians;
    private final Counters counters;
    private final int n;
    private final double newtonTolerance;
    private final double[] jac;
    private final NewtonMatrix real;
    private final ComplexNewtonMatrix complex;
    private final double[] f0;
    private final double[][] z = new double[3][];
    private final double[][] w = new double[3][];
    private final double[][] f = new double[3][];
    private final double[] stage;
    private final double[] scale;
    private final double[] rhsReal;
    private final double[] rhsComplex;
    private final double[] err;
    /** The last accepted step's collocation polynomial {@code p(theta) = sum_j theta^(j+1) poly[j]}. */
    private final double[][] poly;

    private boolean f0Known;
    /** Whether {@code jac} is the Jacobian at the current step's start. */
    private boolean jacobianCurrent;
    private boolean haveJacobian;
    /** The step size the matrices are factored for (NaN: not factored). */
    private double factoredH = Double.NaN;
    private boolean havePoly;
    private double hPoly;
    private boolean first = true;
    private boolean lastRejected;
    /** Newton's contraction estimate {@code theta/(1 - theta)}, carried from step to step as Hairer does. */
    private double faccon = 1;
    private double theta;
    private int newtonIterations;
    /** Why the last attempt failed, and the step factor it asks for (0 when it did not fail in Newton). */
    private double failureFactor;
    /** Gustafsson's memory: the last accepted step and its error. */
    private double hAccepted;
    private double errAccepted;
    private int accepted;

    Radau5Stepper(OdeProblem problem, Rhs rhs, Tolerances tolerances) {
        this.rhs = rhs;
        this.tolerances = tolerances;
        this.jacobians = new Jacobians(problem, rhs);
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
        // Hairer's and SciPy's Newton tolerance: tight enough that iteration error stays below the error
        // estimate, loose enough not to iterate on rounding.
        this.newtonTolerance = Math.max(10 * EPS / rtol, Math.min(0.03, Math.sqrt(rtol)));
        this.jac = new double[n * n];
        this.real = new NewtonMatrix(problem);
        this.complex = new ComplexNewtonMatrix(problem);
        this.f0 = new double[n];
        for (int i = 0; i < 3; i++) {
            z[i] = new double[n];
            w[i] = new double[n];
            f[i] = new double[n];
        }
        this.stage = new double[n];
        this.scale = new double[n];
        this.rhsReal = new double[n];
        this.rhsComplex = new double[2 * n];
        this.err = new double[n];
        this.poly = new double[3][n];
    }

    @Override
    public void start(double t, double[] u, double[] fStart) {
        System.arraycopy(fStart, 0, f0, 0, n);
        f0Known = true;
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        failureFactor = 0;
        if (!f0Known) {
            rhs.evaluate(f0, u, t);
            f0Known = true;
        }
        if (!jacobianCurrent && (!haveJacobian || theta > THETA_KEEP || lastRejected)) {
            jacobians.jacobian(jac, t, u, f0);
            jacobianCurrent = true;
            haveJacobian = true;
            factoredH = Double.NaN;
        }
        if (h != factoredH) {
            if (!factor(h)) {
                failureFactor = 0.5;
                return FAILED;
            }
        }
        for (int i = 0; i < n; i++) {
            scale[i] = tolerances.isControlled(i) ? tolerances.scale(i, u, u) : Double.POSITIVE_INFINITY;
        }
        startingStages(h);
        double result = newton(t, h, u);
        if (result != 0) {
            return result;
        }
        for (int i = 0; i < n; i++) {
            uNew[i] = u[i] + z[2][i];
        }
        return errorEstimate(t, h, u, uNew);
    }

    /** Factors {@code gamma/h - J} and the real form of {@code (alpha - i beta)/h - J}; false when singular. */
    private boolean factor(double h) {
        counters.factorizations += 2;
        factoredH = h;
        return real.factor(GAMMA / h, -1, jac) && complex.factor(ALPHA / h, BETA / h, jac);
    }

    /** Z from the last accepted step's polynomial: {@code Z_i = p(1 + c_i h / h_old) - p(1)}; else zero. */
    private void startingStages(double h) {
        if (!havePoly) {
            for (int s = 0; s < 3; s++) {
                Arrays.fill(z[s], 0);
                Arrays.fill(w[s], 0);
            }
            return;
        }
        double ratio = h / hPoly;
        for (int s = 0; s < 3; s++) {
            double x = 1 + C[s] * ratio;
            double x2 = x * x;
            double x3 = x2 * x;
            double[] zs = z[s];
            for (int i = 0; i < n; i++) {
                double p0 = poly[0][i];
                double p1 = poly[1][i];
                double p2 = poly[2][i];
                zs[i] = x * p0 + x2 * p1 + x3 * p2 - (p0 + p1 + p2);
            }
        }
        transform(TI, z, w);
    }

    /** {@code to = (m x I) from}: three vectors mixed by a 3x3 matrix. */
    private void transform(double[][] m, double[][] from, double[][] to) {
        for (int i = 0; i < n; i++) {
            double a = from[0][i];
            double b = from[1][i];
            double c = from[2][i];
            to[0][i] = m[0][0] * a + m[0][1] * b + m[0][2] * c;
            to[1][i] = m[1][0] * a + m[1][1] * b + m[1][2] * c;
            to[2][i] = m[2][0] * a + m[2][1] * b + m[2][2] * c;
        }
    }

    /**
     * Simplified Newton on the transformed stages (Hairer's convergence test: stop when
     * {@code theta/(1 - theta) ||dW|| <= tol}; give up when {@code theta >= 0.99} or when the predicted
     * error after the allowed iterations stays above the tolerance).
     *
     * @return 0 on convergence, else the error norm to report (the step factor is in {@code failureFactor})
     */
    private double newton(double t, double h, double[] u) {
        faccon = Math.pow(Math.max(faccon, EPS), 0.8);
        theta = THETA_KEEP;
        double dynOld = 0;
        double thetaQOld = 0;
        double g = GAMMA / h;
        double a = ALPHA / h;
        double b = BETA / h;
        for (int it = 0; ; it++) {
            if (it >= MAX_NEWTON) {
                failureFactor = 0.5;
                newtonIterations = it;
                return FAILED;
            }
            for (int s = 0; s < 3; s++) {
                double[] zs = z[s];
                for (int i = 0; i < n; i++) {
                    stage[i] = u[i] + zs[i];
                }
                rhs.evaluate(f[s], stage, t + C[s] * h);
                if (!allFinite(f[s])) {
                    newtonIterations = it;
                    return Double.POSITIVE_INFINITY;
                }
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double f1 = f[0][i];
                double f2 = f[1][i];
                double f3 = f[2][i];
                double w1 = w[0][i];
                double w2 = w[1][i];
                double w3 = w[2][i];
                rhsReal[i] = TI[0][0] * f1 + TI[0][1] * f2 + TI[0][2] * f3 - g * w1;
                rhsComplex[i] = TI[1][0] * f1 + TI[1][1] * f2 + TI[1][2] * f3 - (a * w2 + b * w3);
                rhsComplex[n + i] = TI[2][0] * f1 + TI[2][1] * f2 + TI[2][2] * f3 - (-b * w2 + a * w3);
            }
            real.solve(rhsReal);
            complex.solve(rhsComplex);
            counters.linearSolves += 2;
            int controlled = 0;
            for (int i = 0; i < n; i++) {
                if (scale[i] == Double.POSITIVE_INFINITY) {
                    continue;
                }
                controlled++;
                double d1 = rhsReal[i] / scale[i];
                double d2 = rhsComplex[i] / scale[i];
                double d3 = rhsComplex[n + i] / scale[i];
                sum += d1 * d1 + d2 * d2 + d3 * d3;
            }
            double dyn = controlled == 0 ? 0 : Math.sqrt(sum / (3 * controlled));
            if (!Double.isFinite(dyn)) {
                newtonIterations = it;
                return Double.POSITIVE_INFINITY;
            }
            if (it >= 1) {
                double thetaQ = dyn / dynOld;
                theta = it == 1 ? thetaQ : Math.sqrt(thetaQ * thetaQOld);
                thetaQOld = thetaQ;
                if (theta >= 0.99) {
                    failureFactor = 0.5;
                    newtonIterations = it;
                    return FAILED;
                }
                faccon = theta / (1 - theta);
                double predicted = faccon * dyn * Math.pow(theta, MAX_NEWTON - 1 - it) / newtonTolerance;
                if (predicted >= 1) {
                    double q = Math.max(1e-4, Math.min(20, predicted));
                    failureFactor = 0.8 * Math.pow(q, -1.0 / (4 + MAX_NEWTON - 1 - it));
                    newtonIterations = it;
                    return FAILED;
                }
            }
            dynOld = Math.max(dyn, EPS);
            for (int i = 0; i < n; i++) {
                w[0][i] += rhsReal[i];
                w[1][i] += rhsComplex[i];
                w[2][i] += rhsComplex[n + i];
            }
            transform(T, w, z);
            if (faccon * dyn <= newtonTolerance) {
                newtonIterations = it + 1;
                return 0;
            }
        }
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** Hairer's error estimate (see the class comment); the weighted RMS norm, at least 1e-10. */
    private double errorEstimate(double t, double h, double[] u, double[] uNew) {
        double e1 = E[0] / h;
        double e2 = E[1] / h;
        double e3 = E[2] / h;
        double[] ze = stage;
        for (int i = 0; i < n; i++) {
            ze[i] = e1 * z[0][i] + e2 * z[1][i] + e3 * z[2][i];
            err[i] = f0[i] + ze[i];
        }
        real.solve(err);
        counters.linearSolves++;
        double norm = tolerances.norm(err, u, uNew);
        if (norm >= 1 && (first || lastRejected)) {
            for (int i = 0; i < n; i++) {
                err[i] += u[i];
            }
            double[] fe = f[0];
            rhs.evaluate(fe, err, t);
            for (int i = 0; i < n; i++) {
                err[i] = fe[i] + ze[i];
            }
            real.solve(err);
            counters.linearSolves++;
            norm = tolerances.norm(err, u, uNew);
        }
        return Double.isNaN(norm) ? Double.POSITIVE_INFINITY : Math.max(norm, 1e-10);
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        for (int i = 0; i < n; i++) {
            double z1 = z[0][i];
            double z2 = z[1][i];
            double z3 = z[2][i];
            poly[0][i] = VI[0][0] * z1 + VI[0][1] * z2 + VI[0][2] * z3;
            poly[1][i] = VI[1][0] * z1 + VI[1][1] * z2 + VI[1][2] * z3;
            poly[2][i] = VI[2][0] * z1 + VI[2][1] * z2 + VI[2][2] * z3;
        }
        havePoly = true;
        hPoly = h;
        f0Known = false;
        jacobianCurrent = false;
    }

    /**
     * Hairer's step-size rule: {@code h_new = h / clamp(err^(1/4) / fac, 1/8, 5)} with
     * {@code fac = min(0.9, 0.9 (1 + 2 NIT) / (newton + 2 NIT))}; on accepted steps also Gustafsson's
     * prediction {@code (h_acc / h) (err^2 / err_acc)^(1/4) / 0.9}, the more cautious of the two. A failed
     * Newton iteration shrinks the step by its own factor. The matrices are kept when the step barely
     * changes ({@code h_new / h in [1, 1.2]}) while Newton converges fast.
     */
    @Override
    public double nextStep(StepController.State state, double h, double errNorm, boolean acceptedStep) {
        if (!acceptedStep && failureFactor > 0) {
            lastRejected = true;
            return h * failureFactor;
        }
        double fac = Math.min(SAFETY, SAFETY * (1 + 2 * MAX_NEWTON) / (newtonIterations + 2 * MAX_NEWTON));
        double quot = Math.max(1 / FAC_UP, Math.min(FAC_DOWN, Math.pow(errNorm, 0.25) / fac));
        if (!acceptedStep) {
            double next = first ? h * 0.1 : h / quot;
            lastRejected = true;
            return next;
        }
        accepted++;
        if (accepted > 1) {
            double gus = (hAccepted / h) * Math.pow(errNorm * errNorm / errAccepted, 0.25) / SAFETY;
            gus = Math.max(1 / FAC_UP, Math.min(FAC_DOWN, gus));
            quot = Math.max(quot, gus);
        }
        hAccepted = h;
        errAccepted = Math.max(1e-2, errNorm);
        double next = h / quot;
        if (lastRejected) {
            next = Math.copySign(Math.min(Math.abs(next), Math.abs(h)), h);
        }
        first = false;
        lastRejected = false;
        double ratio = next / h;
        if (theta <= THETA_KEEP && ratio >= 1 && ratio <= 1.2) {
            return h;
        }
        return next;
    }

    @Override
    public int denseDegree() {
        return 3;
    }

    @Override
    public void denseCoefficients(double[][] q) {
        for (int j = 0; j < 3; j++) {
            System.arraycopy(poly[j], 0, q[j], 0, n);
        }
    }

    @Override
    public StepController controller() {
        return new StepController(4, 0, 1 / FAC_DOWN, FAC_UP, SAFETY);
    }

    @Override
    public int order() {
        return 5;
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
