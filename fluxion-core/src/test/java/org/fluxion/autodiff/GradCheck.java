package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Checks derivatives against central finite differences in float64, in a random direction (the idea of
 * HIPS autograd's {@code check_grads}): the JVP must equal {@code (f(x + eps v) - f(x - eps v)) / 2 eps},
 * and the VJP must satisfy {@code <u, J v> = <J^T u, v>} for a random cotangent u. Order 2 repeats the
 * check on the derived functions {@code x -> <J(x)^T u, w>} (reverse over reverse, forward over reverse)
 * and {@code x -> J(x) v} (reverse over forward, forward over forward).
 */
final class GradCheck {
    private static final double EPS = 1e-6;

    private GradCheck() {
    }

    static void check(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, int order, long seed) {
        check(name, f, xs, tol, order, seed, true);
    }

    /** With {@code forward} false, only reverse mode is checked (a primitive without a JVP rule yet). */
    static void check(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, int order, long seed,
                      boolean forward) {
        Random rng = new Random(seed);
        first(name, f, xs, tol, rng, forward);
        if (order >= 2) {
            Tensor u = randnLike(f.apply(xs), rng);
            Tensor[] w = new Tensor[xs.length];
            Tensor[] v = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                w[i] = randnLike(xs[i], rng);
                v[i] = randnLike(xs[i], rng);
            }
            Function<Tensor[], Tensor> reverse = ys -> {
                Tensor[] cts = Functional.vjp(f, ys).pullback().apply(u);
                Tensor s = Tensor.scalar(0, DType.FLOAT64);
                for (int i = 0; i < ys.length; i++) {
                    s = s.add(cts[i].mul(w[i]).sum());
                }
                return s;
            };
            first(name + " (2nd order through vjp)", reverse, xs, tol * 10, rng, forward);
            if (forward) {
                first(name + " (2nd order through jvp)", ys -> Functional.jvp(f, ys, v).tangent(), xs, tol * 10, rng, true);
            }
        }
    }

    private static void first(String name, Function<Tensor[], Tensor> f, Tensor[] xs, double tol, Random rng,
                              boolean forward) {
        Tensor[] v = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            v[i] = randnLike(xs[i], rng);
        }
        double[] numeric = directional(f, xs, v);
        if (forward) {
            double[] tangent = Functional.jvp(f, xs, v).tangent().toDoubleArray();
            assertEquals(numeric.length, tangent.length, name + ": JVP size");
            for (int k = 0; k < numeric.length; k++) {
                assertEquals(numeric[k], tangent[k], tol * (1 + Math.abs(numeric[k])),
                        name + ": JVP element " + k + " vs finite differences");
            }
        }
        Functional.VjpResult vr = Functional.vjp(f, xs);
        assertEquals(numeric.length, vr.value().size(), name + ": value size");
        Tensor u = randnLike(vr.value(), rng);
        Tensor[] cts = vr.pullback().apply(u);
        double lhs = 0;
        for (int i = 0; i < xs.length; i++) {
            assertArrayEquals(xs[i].dims(), cts[i].dims(), name + ": cotangent " + i + " shape");
            lhs += dot(cts[i].toDoubleArray(), v[i].toDoubleArray());
        }
        double rhs = dot(u.toDoubleArray(), numeric);
        assertEquals(rhs, lhs, tol * (1 + Math.abs(rhs)), name + ": <J^T u, v> vs <u, J v> by finite differences");
    }

    /**
     * The central finite difference {@code (f(xs + eps v) - f(xs - eps v)) / 2 eps}, flattened: the
     * directional derivative {@code J v} to compare a derivative with.
     */
    static double[] directional(Function<Tensor[], Tensor> f, Tensor[] xs, Tensor[] v) {
        Tensor[] plus = new Tensor[xs.length];
        Tensor[] minus = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            plus[i] = xs[i].add(v[i].mul(EPS));
            minus[i] = xs[i].sub(v[i].mul(EPS));
        }
        double[] fp = f.apply(plus).toDoubleArray();
        double[] fm = f.apply(minus).toDoubleArray();
        double[] numeric = new double[fp.length];
        for (int k = 0; k < fp.length; k++) {
            numeric[k] = (fp[k] - fm[k]) / (2 * EPS);
        }
        return numeric;
    }

    static Tensor randnLike(Tensor x, Random rng) {
        double[] d = new double[x.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = rng.nextGaussian();
        }
        return Tensor.of(d, x.dims());
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
