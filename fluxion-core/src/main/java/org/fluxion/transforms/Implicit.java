package org.fluxion.transforms;

import java.util.function.BiFunction;
import java.util.function.Function;
import org.fluxion.autodiff.Autograd;
import org.fluxion.autodiff.CustomRule;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.ops.LinearAlgebra;
import org.fluxion.ops.MatrixParts;
import org.fluxion.tensor.Tensor;

/**
 * Implicit differentiation (JAX's {@code custom_root} and {@code custom_linear_solve}; Bai, Kolter and
 * Koltun's deep equilibrium models): the solution {@code x*(theta)} of an equation is computed by iterating,
 * but differentiated by the implicit function theorem, not through the iterations. From
 * {@code g(x*, theta) = 0}, {@code dx* = -(dg/dx)^-1 (dg/dtheta) dtheta}: forward mode is one linear solve with
 * {@code dg/dx}, reverse mode one with its transpose, {@code lambda = (dg/dx)^-T x_bar},
 * {@code theta_bar = -(dg/dtheta)^T lambda} (the "optimized adjoint"). Memory does not grow with the
 * iterations and the derivative is exact at the solution, whatever the solver took to get there.
 *
 * <p>The derivative rules are written with differentiable operations (the Jacobian {@code dg/dx} by
 * forward-mode AD at the solution, a dense solve), so second derivatives work. The functions run eagerly:
 * the solvers' loops test convergence on values, which a trace cannot (use {@code Control.whileLoop} inside
 * {@code jit}).
 */
public final class Implicit {
    private Implicit() {
    }

    /** How {@link #rootFind} and {@link #fixedPoint} iterate. */
    public enum RootMethod {
        /** Newton steps with the dense Jacobian from AD: quadratic convergence, one n x n solve per step. */
        NEWTON,
        /** Broyden's good method: the Jacobian from AD once, then secant updates. */
        BROYDEN,
        /** {@code x <- f(x)}: converges when f is a contraction. */
        FIXED_POINT_ITERATION
    }

    /** How reverse mode solves the adjoint system {@code (dg/dx)^T lambda = x_bar}. */
    public enum Adjoint {
        /** The Jacobian {@code dg/dx} formed by forward-mode AD and solved densely: any order of derivative. */
        DENSE,
        /**
         * GMRES on VJP products {@code u -> (dg/dx)^T u}, never forming the Jacobian: for large x (a deep
         * equilibrium layer's batch of hidden states). First derivatives only.
         */
        GMRES
    }

    /**
     * @param method        the iteration
     * @param tol           stop when {@code ||g(x)||_2 <= tol}
     * @param maxIterations the limit, after which {@link ConvergenceException} is thrown
     * @param adjoint       how reverse mode solves its linear system
     */
    public record RootOptions(RootMethod method, double tol, int maxIterations, Adjoint adjoint) {
        public RootOptions {
            if (!(tol > 0) || maxIterations < 1) {
                throw new IllegalArgumentException("root options: tol must be > 0 and maxIterations >= 1, got tol "
                        + tol + ", maxIterations " + maxIterations);
            }
        }

        /** With the dense adjoint. */
        public RootOptions(RootMethod method, double tol, int maxIterations) {
            this(method, tol, maxIterations, Adjoint.DENSE);
        }

        /** Newton, tolerance 1e-10, 50 iterations. */
        public static RootOptions newton() {
            return new RootOptions(RootMethod.NEWTON, 1e-10, 50);
        }
    }

    /**
     * @param method        the Krylov method (CG needs a symmetric positive definite operator)
     * @param tol           relative residual {@code ||b - A x|| <= tol ||b||}
     * @param maxIterations the limit, after which {@link ConvergenceException} is thrown
     * @param symmetric     whether {@code A^T = A}, so that the adjoint solve reuses the operator
     */
    public record LinearSolveOptions(Krylov.Method method, double tol, int maxIterations, boolean symmetric) {
        /** Conjugate gradients on a symmetric positive definite operator, tolerance 1e-12. */
        public static LinearSolveOptions cg() {
            return new LinearSolveOptions(Krylov.Method.CG, 1e-12, 1000, true);
        }

        /** Restarted GMRES on a general operator, tolerance 1e-12. */
        public static LinearSolveOptions gmres() {
            return new LinearSolveOptions(Krylov.Method.GMRES, 1e-12, 1000, false);
        }
    }

    /**
     * The root {@code x*} of {@code g(x, params) = 0} near {@code x0}, differentiable with respect to
     * {@code params} by the implicit function theorem; g returns a tensor of x's shape. {@code dg/dx} must be
     * invertible at the root.
     */
    public static Tensor rootFind(BiFunction<Tensor, Tensor[], Tensor> g, Tensor x0, Tensor[] params, RootOptions options) {
        Tensor start = x0.detach();
        Function<Tensor[], Tensor> solve = ps -> RootSolvers.solve(options, g, start, ps);
        CustomRule.Vjp vjp = (xBar, ps, x) -> {
            if (options.adjoint() == Adjoint.GMRES) {
                return paramVjp(g, x, ps, matrixFreeAdjoint(g, x, ps, xBar).neg());
            }
            Tensor lambda = LinearAlgebra.solve(MatrixParts.mT(RootSolvers.jacobian(g, x, ps)), xBar.reshape(-1, 1));
            return paramVjp(g, x, ps, lambda.reshape(x.dims()).neg());
        };
        CustomRule.Jvp jvp = (ps, dps, x) -> {
            Tensor gt = Functional.jvp(qs -> g.apply(x, qs), ps, dps).tangent();
            return LinearAlgebra.solve(RootSolvers.jacobian(g, x, ps), gt.reshape(-1, 1)).reshape(x.dims()).neg();
        };
        return Functional.custom("rootFind", solve, vjp, jvp).apply(params);
    }

    /** {@code lambda = (dg/dx)^-T x_bar} by GMRES on VJP products, on values (first derivatives only). */
    private static Tensor matrixFreeAdjoint(BiFunction<Tensor, Tensor[], Tensor> g, Tensor x, Tensor[] ps, Tensor xBar) {
        if (GradMode.isEnabled()) {
            throw new UnsupportedOperationException("rootFind: the matrix-free (GMRES) adjoint gives first derivatives "
                    + "only; use Adjoint.DENSE for higher ones");
        }
        Tensor fixed = x.detach();
        Tensor[] qs = detached(ps);
        Tensor b = xBar.detach();
        return Krylov.gmres(u -> Functional.vjp((Tensor y) -> g.apply(y, qs), fixed).pullback().apply(u)[0], b,
                Tensor.zeros(b.dtype(), b.dims()), ADJOINT_TOL, Math.max(100, 10 * b.size()));
    }

    /** The relative residual of the matrix-free adjoint solve. */
    private static final double ADJOINT_TOL = 1e-10;

    /**
     * The fixed point {@code x* = f(x*, params)} reached from {@code x0}: {@link #rootFind} of
     * {@code f(x) - x}, iterated as {@code options} says ({@link RootMethod#FIXED_POINT_ITERATION} is plain
     * iteration), differentiated by the implicit function theorem ({@code I - df/dx} invertible).
     */
    public static Tensor fixedPoint(BiFunction<Tensor, Tensor[], Tensor> f, Tensor x0, Tensor[] params, RootOptions options) {
        return rootFind((x, ps) -> f.apply(x, ps).sub(x), x0, params, options);
    }

    /**
     * The solution of {@code A(params) x = b} for an operator given as {@code matvec(v, params) = A v} (linear
     * in v), by a Krylov method, differentiable with respect to b and params: the adjoint is another
     * {@code linearSolve}, with {@code A^T} ({@code b_bar = A^-T x_bar}, {@code params_bar = -(d(A x)/dparams)^T
     * b_bar}), so derivatives of any order follow. {@code A^T v} is the VJP of the matvec unless the options say
     * A is symmetric.
     */
    public static Tensor linearSolve(BiFunction<Tensor, Tensor[], Tensor> matvec, Tensor b, Tensor[] params,
                                     LinearSolveOptions options) {
        Tensor[] inputs = new Tensor[params.length + 1];
        inputs[0] = b;
        System.arraycopy(params, 0, inputs, 1, params.length);
        Function<Tensor[], Tensor> solve = in -> {
            Tensor[] ps = java.util.Arrays.copyOfRange(in, 1, in.length);
            return Krylov.solve(options.method(), v -> matvec.apply(v, ps), in[0],
                    Tensor.zeros(in[0].dtype(), in[0].dims()), options.tol(), options.maxIterations());
        };
        CustomRule.Vjp vjp = (xBar, in, x) -> {
            Tensor[] ps = java.util.Arrays.copyOfRange(in, 1, in.length);
            Tensor bBar = linearSolve(transposed(matvec, x, options), xBar, ps, options);
            Tensor[] psBar = ps.length == 0 ? new Tensor[0] : paramVjp(matvec, x, ps, bBar.neg());
            Tensor[] cts = new Tensor[in.length];
            cts[0] = bBar;
            System.arraycopy(psBar, 0, cts, 1, psBar.length);
            return cts;
        };
        CustomRule.Jvp jvp = (in, t, x) -> {
            Tensor[] ps = java.util.Arrays.copyOfRange(in, 1, in.length);
            Tensor rhs = t[0];
            if (ps.length > 0) {
                Tensor[] dps = java.util.Arrays.copyOfRange(t, 1, t.length);
                rhs = rhs.sub(Functional.jvp(qs -> matvec.apply(x, qs), ps, dps).tangent());
            }
            return linearSolve(matvec, rhs, ps, options);
        };
        return Functional.custom("linearSolve", solve, vjp, jvp).apply(inputs);
    }

    /**
     * {@code (dg/dparams)^T u} at {@code (x, params)} with x held fixed. x is the solution, whose autodiff
     * history leads back into the rule being run: the reverse pass must not follow it, so x enters detached.
     * When the rule's own operations are recorded (a higher derivative is being taken), the dependence on x
     * is put back as a zero-valued correction {@code J (x - stop(x))}, J the Jacobian of the result in x (a
     * forward-mode product), so that an outer differentiation sees it.
     */
    static Tensor[] paramVjp(BiFunction<Tensor, Tensor[], Tensor> g, Tensor x, Tensor[] params, Tensor u) {
        boolean record = GradMode.isEnabled();
        Tensor fixed = x.detach();
        Tensor[] ps = record ? params : detached(params);
        Tensor seed = record ? u : u.detach();
        Tensor[] cts = Functional.vjp(qs -> g.apply(fixed, qs), ps).pullback().apply(seed);
        if (!record || !Autograd.requiresGrad(x)) {
            return cts;
        }
        Tensor delta = x.sub(fixed);
        for (int i = 0; i < cts.length; i++) {
            int k = i;
            Tensor correction = Functional.jvp(ys -> Functional.vjp(qs -> g.apply(ys[0], qs), ps).pullback().apply(seed)[k],
                    new Tensor[] {fixed}, new Tensor[] {delta}).tangent();
            cts[i] = cts[i].add(correction);
        }
        return cts;
    }

    private static Tensor[] detached(Tensor[] ts) {
        Tensor[] d = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            d[i] = ts[i].detach();
        }
        return d;
    }

    /** {@code (v, params) -> A^T v}: the matvec itself when symmetric, else its VJP in v (A is linear in v). */
    private static BiFunction<Tensor, Tensor[], Tensor> transposed(BiFunction<Tensor, Tensor[], Tensor> matvec, Tensor like,
                                                                 LinearSolveOptions options) {
        if (options.symmetric()) {
            return matvec;
        }
        Tensor zero = Tensor.zeros(like.dtype(), like.dims());
        return (u, ps) -> {
            Tensor[] qs = GradMode.isEnabled() ? ps : detached(ps); // recorded only for a higher derivative
            return Functional.vjp((Tensor v) -> matvec.apply(v, qs), zero).pullback().apply(u)[0];
        };
    }
}
