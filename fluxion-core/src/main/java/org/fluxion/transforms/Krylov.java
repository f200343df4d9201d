package org.fluxion.transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.fluxion.tensor.Tensor;

/**
 * Krylov solvers of {@code A x = b} for an operator given only as a function {@code v -> A v} (matrix-free),
 * on tensors of any shape (the inner product is the sum over all elements): conjugate gradients for
 * symmetric positive definite A, restarted GMRES and BiCGStab for general A (Saad, "Iterative methods for
 * sparse linear systems", algorithms 6.18, 6.9 with Givens rotations, 7.7). They stop once
 * {@code ||b - A x|| <= tol * ||b||} and throw {@link ConvergenceException} at their iteration limit. They
 * compute values only: derivatives come from {@link Implicit#linearSolve}.
 */
public final class Krylov {
    private Krylov() {
    }

    /** The methods. */
    public enum Method {
        /** Conjugate gradients: A symmetric positive definite. */
        CG,
        /** GMRES restarted every {@link #RESTART} steps: any non-singular A. */
        GMRES,
        /** Biconjugate gradients stabilized: any non-singular A, short recurrences. */
        BICGSTAB
    }

    /** GMRES's restart length. */
    public static final int RESTART = 30;

    /** Solves {@code A x = b} from {@code x0} with the given method. */
    public static Tensor solve(Method method, UnaryOperator<Tensor> a, Tensor b, Tensor x0, double tol, int maxIterations) {
        return switch (method) {
            case CG -> cg(a, b, x0, tol, maxIterations);
            case GMRES -> gmres(a, b, x0, tol, maxIterations);
            case BICGSTAB -> bicgstab(a, b, x0, tol, maxIterations);
        };
    }

    static double dot(Tensor x, Tensor y) {
        return x.mul(y).sum().item();
    }

    static double norm(Tensor x) {
        return Math.sqrt(dot(x, x));
    }

    /** Conjugate gradients. */
    public static Tensor cg(UnaryOperator<Tensor> a, Tensor b, Tensor x0, double tol, int maxIterations) {
        double target = tol * norm(b);
        Tensor x = x0;
        Tensor r = b.sub(a.apply(x));
        Tensor p = r;
        double rr = dot(r, r);
        for (int k = 0; k < maxIterations; k++) {
            if (Math.sqrt(rr) <= target) {
                return x;
            }
            Tensor ap = a.apply(p);
            double alpha = rr / dot(p, ap);
            x = x.add(p.mul(alpha));
            r = r.sub(ap.mul(alpha));
            double next = dot(r, r);
            p = r.add(p.mul(next / rr));
            rr = next;
        }
        if (Math.sqrt(rr) <= target) {
            return x;
        }
        throw new ConvergenceException("cg", maxIterations, Math.sqrt(rr), target);
    }

    /** Restarted GMRES: each cycle minimizes the residual over a Krylov space of {@link #RESTART} vectors. */
    public static Tensor gmres(UnaryOperator<Tensor> a, Tensor b, Tensor x0, double tol, int maxIterations) {
        double target = tol * norm(b);
        Tensor x = x0;
        int done = 0;
        double residual;
        while (done < maxIterations) {
            Tensor r = b.sub(a.apply(x));
            double beta = norm(r);
            residual = beta;
            if (beta <= target) {
                return x;
            }
            int m = Math.min(RESTART, maxIterations - done);
            List<Tensor> v = new ArrayList<>();
            v.add(r.div(beta));
            double[][] h = new double[m + 1][m];
            double[] cs = new double[m];
            double[] sn = new double[m];
            double[] g = new double[m + 1];
            g[0] = beta;
            int k = 0;
            for (; k < m; k++) {
                Tensor w = a.apply(v.get(k));
                for (int i = 0; i <= k; i++) { // modified Gram-Schmidt
                    h[i][k] = dot(w, v.get(i));
                    w = w.sub(v.get(i).mul(h[i][k]));
                }
                double next = norm(w);
                h[k + 1][k] = next;
                for (int i = 0; i < k; i++) { // the earlier rotations, applied to the new column
                    double t = cs[i] * h[i][k] + sn[i] * h[i + 1][k];
                    h[i + 1][k] = -sn[i] * h[i][k] + cs[i] * h[i + 1][k];
                    h[i][k] = t;
                }
                double d = Math.hypot(h[k][k], h[k + 1][k]);
                cs[k] = d == 0 ? 1 : h[k][k] / d;
                sn[k] = d == 0 ? 0 : h[k + 1][k] / d;
                h[k][k] = d;
                h[k + 1][k] = 0;
                g[k + 1] = -sn[k] * g[k];
                g[k] = cs[k] * g[k];
                done++;
                residual = Math.abs(g[k + 1]);
                if (residual <= target || next == 0) { // converged, or A's Krylov space is exhausted: x is exact
                    k++;
                    break;
                }
                v.add(w.div(next));
            }
            // y = H^-1 g by back substitution; x += V y.
            double[] y = new double[k];
            for (int i = k - 1; i >= 0; i--) {
                double s = g[i];
                for (int j = i + 1; j < k; j++) {
                    s -= h[i][j] * y[j];
                }
                y[i] = h[i][i] == 0 ? 0 : s / h[i][i];
            }
            for (int i = 0; i < k; i++) {
                x = x.add(v.get(i).mul(y[i]));
            }
        }
        double last = norm(b.sub(a.apply(x)));
        if (last <= target) {
            return x;
        }
        throw new ConvergenceException("gmres", maxIterations, last, target);
    }

    /** BiCGStab. */
    public static Tensor bicgstab(UnaryOperator<Tensor> a, Tensor b, Tensor x0, double tol, int maxIterations) {
        double target = tol * norm(b);
        Tensor x = x0;
        Tensor r = b.sub(a.apply(x));
        Tensor shadow = r;
        double rho = 1;
        double alpha = 1;
        double omega = 1;
        Tensor v = Tensor.zeros(b.dtype(), b.dims());
        Tensor p = v;
        for (int k = 0; k < maxIterations; k++) {
            double rn = norm(r);
            if (rn <= target) {
                return x;
            }
            double next = dot(shadow, r);
            if (next == 0) {
                throw new ConvergenceException("bicgstab (breakdown: r^T r0 = 0)", k, rn, target);
            }
            double beta = next / rho * (alpha / omega);
            rho = next;
            p = r.add(p.sub(v.mul(omega)).mul(beta));
            v = a.apply(p);
            alpha = rho / dot(shadow, v);
            Tensor s = r.sub(v.mul(alpha));
            if (norm(s) <= target) {
                return x.add(p.mul(alpha));
            }
            Tensor t = a.apply(s);
            omega = dot(t, s) / dot(t, t);
            x = x.add(p.mul(alpha)).add(s.mul(omega));
            r = s.sub(t.mul(omega));
        }
        double rn = norm(r);
        if (rn <= target) {
            return x;
        }
        throw new ConvergenceException("bicgstab", maxIterations, rn, target);
    }
}
