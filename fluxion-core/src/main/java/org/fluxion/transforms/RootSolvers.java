package org.fluxion.transforms;

import java.util.function.BiFunction;
import org.fluxion.autodiff.Functional;
import org.fluxion.ops.LinearAlgebra;
import org.fluxion.tensor.Tensor;

/**
 * The forward iterations of {@link Implicit#rootFind} and {@link Implicit#fixedPoint}, on values only (they
 * run inside a custom rule, with recording off): Newton with the Jacobian {@code dg/dx} from forward-mode AD,
 * Broyden's good method (the inverse Jacobian from AD at the start, then rank-one secant updates), and plain
 * fixed-point iteration {@code x <- x + g(x)} (that is {@code x <- f(x)} for {@code g = f - id}). Each stops
 * when {@code ||g(x)||_2 <= tol}.
 */
final class RootSolvers {
    private RootSolvers() {
    }

    static Tensor solve(Implicit.RootOptions o, BiFunction<Tensor, Tensor[], Tensor> g, Tensor x0, Tensor[] params) {
        return switch (o.method()) {
            case NEWTON -> newton(o, g, x0, params);
            case BROYDEN -> broyden(o, g, x0, params);
            case FIXED_POINT_ITERATION -> iterate(o, g, x0, params);
        };
    }

    /** {@code dg/dx} at x as an {@code [n, n]} matrix, n the size of x. */
    static Tensor jacobian(BiFunction<Tensor, Tensor[], Tensor> g, Tensor x, Tensor[] params) {
        int n = x.size();
        return Functional.jacfwd((Tensor y) -> g.apply(y, params)).apply(x).reshape(n, n);
    }

    private static Tensor residual(BiFunction<Tensor, Tensor[], Tensor> g, Tensor x, Tensor[] params, String who) {
        Tensor r = g.apply(x, params);
        if (!java.util.Arrays.equals(r.dims(), x.dims())) {
            throw new IllegalArgumentException(who + ": the function must return a tensor of x's shape " + x.shape()
                    + ", got " + r.shape());
        }
        return r;
    }

    private static Tensor newton(Implicit.RootOptions o, BiFunction<Tensor, Tensor[], Tensor> g, Tensor x0, Tensor[] params) {
        Tensor x = x0;
        double norm = Double.NaN;
        for (int k = 0; k <= o.maxIterations(); k++) {
            Tensor r = residual(g, x, params, "rootFind");
            norm = Krylov.norm(r);
            if (norm <= o.tol()) {
                return x;
            }
            if (k == o.maxIterations()) {
                break;
            }
            Tensor step = LinearAlgebra.solve(jacobian(g, x, params), r.reshape(-1, 1));
            x = x.sub(step.reshape(x.dims()));
        }
        throw new ConvergenceException("rootFind (newton)", o.maxIterations(), norm, o.tol());
    }

    /** Good Broyden with the inverse update {@code H += (dx - H dr) dx^T H / (dx^T H dr)}. */
    private static Tensor broyden(Implicit.RootOptions o, BiFunction<Tensor, Tensor[], Tensor> g, Tensor x0, Tensor[] params) {
        int[] dims = x0.dims();
        Tensor x = x0.reshape(-1, 1);
        Tensor h = LinearAlgebra.inv(jacobian(g, x0, params));
        Tensor r = residual(g, x0, params, "rootFind").reshape(-1, 1);
        double norm = Krylov.norm(r);
        for (int k = 0; k < o.maxIterations() && norm > o.tol(); k++) {
            Tensor dx = h.matmul(r).neg();
            x = x.add(dx);
            Tensor next = residual(g, x.reshape(dims), params, "rootFind").reshape(-1, 1);
            Tensor dr = next.sub(r);
            Tensor hdr = h.matmul(dr);
            Tensor dxh = dx.transpose().matmul(h);
            double denominator = dxh.matmul(dr).item();
            if (denominator != 0) {
                h = h.add(dx.sub(hdr).matmul(dxh).div(denominator));
            }
            r = next;
            norm = Krylov.norm(r);
        }
        if (norm <= o.tol()) {
            return x.reshape(dims);
        }
        throw new ConvergenceException("rootFind (broyden)", o.maxIterations(), norm, o.tol());
    }

    private static Tensor iterate(Implicit.RootOptions o, BiFunction<Tensor, Tensor[], Tensor> g, Tensor x0, Tensor[] params) {
        Tensor x = x0;
        double norm = Double.NaN;
        for (int k = 0; k <= o.maxIterations(); k++) {
            Tensor r = residual(g, x, params, "fixedPoint");
            norm = Krylov.norm(r);
            if (norm <= o.tol()) {
                return x;
            }
            x = x.add(r);
        }
        throw new ConvergenceException("fixedPoint (iteration)", o.maxIterations(), norm, o.tol());
    }
}
