package org.fluxion.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.Tree;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Checks the derivatives of a scalar function of a tree of float64 tensors against central finite differences
 * in random directions (HIPS autograd's {@code check_grads} over trees): reverse mode ({@code <grad, v>}),
 * forward mode ({@code jvp} in direction v) and second order ({@code <hvp(v), w>} against the finite difference
 * of {@code <grad, w>} along v).
 */
public final class TreeGradCheck {
    private static final double EPS = 1e-6;
    private static final int DIRECTIONS = 2;

    private TreeGradCheck() {
    }

    /** {@code f} at {@code at}: first order, and second order when {@code secondOrder}. */
    public static <T> void check(String name, Function<T, Tensor> f, T at, double tol, boolean secondOrder) {
        for (Tensor t : Tree.leaves(at)) {
            assertEquals(DType.FLOAT64, t.dtype(), name + ": check in float64");
        }
        Random rng = new Random(17);
        T grad = Functional.treeGrad(f).apply(at);
        for (int k = 0; k < DIRECTIONS; k++) {
            T v = randomLike(at, rng);
            double numeric = (f.apply(plus(at, v, EPS)).item() - f.apply(plus(at, v, -EPS)).item()) / (2 * EPS);
            assertEquals(numeric, dot(grad, v), tol * (1 + Math.abs(numeric)), name + ": reverse mode, direction " + k);
            double forward = Functional.treeJvp(f, at, v).tangent().item();
            assertEquals(numeric, forward, tol * (1 + Math.abs(numeric)), name + ": forward mode, direction " + k);
            if (secondOrder) {
                T w = randomLike(at, rng);
                Function<T, Double> gw = p -> dot(Functional.treeGrad(f).apply(p), w);
                double second = (gw.apply(plus(at, v, EPS)) - gw.apply(plus(at, v, -EPS))) / (2 * EPS);
                double hvp = dot(Functional.treeHvp(f, at, v), w);
                assertEquals(second, hvp, tol * (1 + Math.abs(second)), name + ": second order, direction " + k);
            }
        }
    }

    public static <T> T randomLike(T tree, Random rng) {
        return Tree.map(tree, t -> {
            double[] d = new double[t.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = rng.nextGaussian();
            }
            return Tensor.of(d, t.dims());
        });
    }

    private static <T> T plus(T at, T v, double eps) {
        return Tree.map(at, v, (a, b) -> a.add(b.mul(eps)));
    }

    public static double dot(Object a, Object b) {
        List<Tensor> x = Tree.leaves(a);
        List<Tensor> y = Tree.leaves(b);
        double s = 0;
        for (int i = 0; i < x.size(); i++) {
            s += x.get(i).mul(y.get(i)).sum().item();
        }
        return s;
    }
}
