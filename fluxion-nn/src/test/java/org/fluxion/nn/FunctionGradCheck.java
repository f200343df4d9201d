package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Checks a function of several float64 tensors in forward and reverse mode against central finite
 * differences in random directions (HIPS autograd's {@code check_grads} idea): {@code jvp(f)(v)} must equal
 * {@code (f(x + eps v) - f(x - eps v)) / 2 eps}, and {@code <vjp(f)(u), v> = <u, J v>}. Order 2 checks the
 * derived functions {@code x -> <J(x)^T u, w>} (reverse over reverse) and {@code x -> J(x) v} (forward over
 * forward) the same way. Where {@link LayerGradCheck} checks a module's reverse mode, this checks a pure
 * function, so it runs as well under {@code jit} or {@code vmap} (pass the transformed function).
 */
final class FunctionGradCheck {
    private static final double EPS = 1e-6;

    private FunctionGradCheck() {
    }

    static void check(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, int order) {
        Random rng = new Random(11);
        first(name, f, xs, tol, rng);
        if (order >= 2) {
            Tensor u = LayerGradCheck.randnLike(f.apply(xs), rng);
            Tensor[] w = new Tensor[xs.length];
            Tensor[] v = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                w[i] = LayerGradCheck.randnLike(xs[i], rng);
                v[i] = LayerGradCheck.randnLike(xs[i], rng);
            }
            first(name + " (2nd order, reverse over reverse)", ys -> {
                Tensor[] cts = Functional.vjp(f, ys).pullback().apply(u);
                Tensor s = Tensor.scalar(0, DType.FLOAT64);
                for (int i = 0; i < ys.length; i++) {
                    s = s.add(cts[i].mul(w[i]).sum());
                }
                return s;
            }, xs, tol * 10, rng);
            first(name + " (2nd order, forward over forward)", ys -> Functional.jvp(f, ys, v).tangent(), xs,
                    tol * 10, rng);
        }
    }

    private static void first(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, Random rng) {
        Tensor[] v = new Tensor[xs.length];
        Tensor[] plus = new Tensor[xs.length];
        Tensor[] minus = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            v[i] = LayerGradCheck.randnLike(xs[i], rng);
            plus[i] = xs[i].add(v[i].mul(EPS));
            minus[i] = xs[i].sub(v[i].mul(EPS));
        }
        double[] fp = f.apply(plus).toDoubleArray();
        double[] fm = f.apply(minus).toDoubleArray();
        double[] numeric = new double[fp.length];
        for (int k = 0; k < fp.length; k++) {
            numeric[k] = (fp[k] - fm[k]) / (2 * EPS);
        }
        double[] tangent = Functional.jvp(f, xs, v).tangent().toDoubleArray();
        assertEquals(numeric.length, tangent.length, name + ": JVP size");
        for (int k = 0; k < numeric.length; k++) {
            assertEquals(numeric[k], tangent[k], tol * (1 + Math.abs(numeric[k])),
                    name + ": JVP element " + k + " vs finite differences");
        }
        Functional.VjpResult vr = Functional.vjp(f, xs);
        Tensor u = LayerGradCheck.randnLike(vr.value(), rng);
        Tensor[] cts = vr.pullback().apply(u);
        double lhs = 0;
        for (int i = 0; i < xs.length; i++) {
            assertArrayEquals(xs[i].dims(), cts[i].dims(), name + ": cotangent " + i + " shape");
            lhs += dot(cts[i].toDoubleArray(), v[i].toDoubleArray());
        }
        double rhs = dot(u.toDoubleArray(), numeric);
        assertEquals(rhs, lhs, tol * (1 + Math.abs(rhs)), name + ": <J^T u, v> vs <u, J v> by finite differences");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
