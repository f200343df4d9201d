package org.fluxion.fuzz;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.transforms.Vmap;
import org.fluxion.tensor.Tensor;

/**
 * Evaluates a {@link Program} in every mode and compares the modes with each other and with float64
 * finite differences; returns the first disagreement, or null.
 *
 * <p>Values: eager against {@code jit} (called on both examples, the second time with the layouts flipped
 * and repeated arguments as distinct objects, the first result read after the second call), and a loop over the 2 examples against {@code vmap}, {@code jit(vmap)} and {@code vmap(jit)} over
 * a batch of 2 (each argument batched on axis 0, on its last axis, or not at all). First derivatives: the
 * directional derivative {@code <grad f(x), v>} for a random direction v against forward mode {@code jvp}
 * and against the 4-point central difference {@code (f(x-2hv) - 8f(x-hv) + 8f(x+hv) - f(x+2hv)) / 12h}
 * (error O(h^4), so h = 1e-4 keeps rounding near 1e-12 |f|); {@code grad(jit f)}, {@code jit(grad f)} and
 * {@code vmap(grad f)} against eager {@code grad}. Second derivatives: the Hessian-vector product
 * {@code H v} by forward over reverse ({@code jvp} of {@code grad}) against reverse over reverse (the
 * pullback of v through {@code grad}; H is symmetric), against the central difference of the gradient, and
 * {@code jit} of it against it. A finite difference judges only where it has converged ({@link #converged}).
 */
final class Differential {
    /** Agreement expected between two exact evaluations of the same float64 program (reassociation only). */
    static final double EXACT = 1e-9;
    /** Agreement expected between a derivative and a 4-point finite difference. */
    static final double FIRST_ORDER = 1e-6;
    static final double SECOND_ORDER = 1e-5;
    private static final double H = 1e-4;
    /** Finite-difference checks skipped because the difference had not converged (see {@link #converged}). */
    static final AtomicInteger UNJUDGED = new AtomicInteger();

    /** Two evaluations that disagree, on what, and by how much. */
    record Mismatch(String left, String right, String detail) {
        String pair() {
            return left + " vs " + right;
        }

        @Override
        public String toString() {
            return pair() + ": " + detail;
        }
    }

    private Differential() {
    }

    static Mismatch check(Program p) {
        Random rng = new Random(p.seed ^ 0x5DEECE66DL);
        Tensor[] x = p.arguments(0);
        Tensor[] v = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = gaussian(x[i].dims(), rng);
        }
        int[] axes = batchAxes(p);
        Stage stage = new Stage();
        try {
            stage.name = "eager";
            Tensor[] eager = p.run(x);
            stage.name = "jit";
            // Called on both examples (the second in the other layouts, repeated arguments as distinct
            // objects), the first result read after the second call: a plan must neither keep stale values
            // nor hand out a buffer that its next call overwrites.
            Function<Tensor[], Tensor[]> jitted = Jit.jit(p::run);
            Tensor[] first = jitted.apply(x);
            Tensor[] second = jitted.apply(p.arguments(1, true));
            Mismatch m = compare("eager", eager, "jit", first, EXACT);
            if (m == null) {
                m = compare("eager", p.run(p.arguments(1)), "jit (second call: other values, layouts flipped, "
                        + "no repeated object)", second, EXACT);
            }
            if (m != null) {
                return m;
            }
            stage.name = "vmap";
            m = vmap(p, axes, p::run, f -> Vmap.vmapN(f, axes), "vmap", "loop over the batch");
            if (m != null) {
                return m;
            }
            stage.name = "jit(vmap)";
            m = vmap(p, axes, p::run, f -> Jit.jit(Vmap.vmapN(f, axes)), "jit(vmap)", "loop over the batch");
            if (m != null) {
                return m;
            }
            stage.name = "vmap(jit)";
            m = vmap(p, axes, p::run, f -> Vmap.vmapN(Jit.jit(f), axes), "vmap(jit)", "loop over the batch");
            if (m != null) {
                return m;
            }
            stage.name = "grad";
            Tensor grad = flatGradient(p, x);
            double directional = dot(grad, flat(v));
            stage.name = "jvp";
            double tangent = Functional.jvp(p::loss, x, v).tangent().item();
            // The scale of <grad, v> is sum |grad_i v_i|: the sum itself may cancel.
            double scale = dot(grad.abs(), flat(v).abs());
            if (!(Math.abs(tangent - directional) <= EXACT * (1 + scale))) {
                return new Mismatch("jvp (forward)", "grad (reverse)", "directional derivative " + tangent + " vs <grad, v> = "
                        + directional + " (|diff| " + Math.abs(tangent - directional) + ")");
            }
            double[] fd = converged(xs -> new double[] {p.loss(xs).item()}, x, v, FIRST_ORDER,
                    1e-10 * Math.abs(eager[1].item()));
            if (fd == null) {
                UNJUDGED.incrementAndGet();
            }
            if (fd != null && !(Math.abs(directional - fd[0]) <= tolerance(fd[0], FIRST_ORDER, eager[1].item()))) {
                return new Mismatch("grad", "finite differences", "<grad, v> = " + directional + " but the central "
                        + "difference gives " + fd[0] + " (|diff| " + Math.abs(directional - fd[0]) + " > tol "
                        + tolerance(fd[0], FIRST_ORDER, eager[1].item()) + ")");
            }
            stage.name = "grad(jit)";
            Function<Tensor[], Tensor> loss = Jit.jit(p::loss);
            m = compare("grad", grad, "grad(jit)", flat(Functional.valueAndGrad(loss).apply(x).grads()), EXACT);
            if (m != null) {
                return m;
            }
            stage.name = "jit(grad)";
            m = compare("grad", grad, "jit(grad)", Jit.jit((Tensor[] xs) -> flatGradient(p, xs)).apply(x), EXACT);
            if (m != null) {
                return m;
            }
            stage.name = "vmap(grad)";
            Function<Tensor[], Tensor[]> gradients = xs -> new Tensor[] {flatGradient(p, xs)};
            m = vmap(p, axes, gradients, f -> Vmap.vmapN(f, axes), "vmap(grad)", "loop of grad");
            if (m != null) {
                return m;
            }
            stage.name = "hvp";
            Function<Tensor[], Tensor> gradient = xs -> flatGradient(p, xs);
            Tensor hvp = Functional.jvp(gradient, x, v).tangent();
            stage.name = "reverse over reverse";
            // H is symmetric, so H v is also the pullback of v through the gradient.
            m = compare("hvp (forward over reverse)", hvp, "vjp of grad (reverse over reverse)",
                    flat(Functional.vjp(gradient, x).pullback().apply(flat(v))), EXACT);
            if (m != null) {
                return m;
            }
            double[] fdHvp = converged(xs -> gradient.apply(xs).toDoubleArray(), x, v, SECOND_ORDER, 0);
            if (fdHvp == null) {
                UNJUDGED.incrementAndGet();
            } else {
                m = compare("hvp (forward over reverse)", hvp, "finite differences of grad", Tensor.of(fdHvp, hvp.dims()),
                        SECOND_ORDER);
                if (m != null) {
                    return m;
                }
            }
            stage.name = "jit(hvp)";
            return compare("hvp", hvp, "jit(hvp)",
                    Jit.jit((Tensor[] xs) -> Functional.jvp(gradient, xs, v).tangent()).apply(x), EXACT);
        } catch (RuntimeException | StackOverflowError e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return new Mismatch(stage.name, "eager", "threw " + e.getClass().getSimpleName() + ": " + message);
        }
    }

    /** The mode being evaluated, for the report of an exception. */
    private static final class Stage {
        String name;
    }

    static Tensor flatGradient(Program p, Tensor[] xs) {
        return flat(Functional.valueAndGrad(p::loss).apply(xs).grads());
    }

    /** The tensors flattened and joined: one vector. */
    static Tensor flat(Tensor[] ts) {
        Tensor[] parts = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            parts[i] = ts[i].reshape(-1);
        }
        return Tensor.concat(0, parts);
    }

    /** Per argument, the axis {@link Generator} chose; the first argument is always batched. */
    private static int[] batchAxes(Program p) {
        return p.inputs.stream().mapToInt(Program.Input::batchAxis).toArray();
    }

    /** {@code mapping(f)} (a form of {@code vmapN(f, axes)}) over the two examples against {@code f} on each, stacked. */
    private static Mismatch vmap(Program p, int[] axes, Function<Tensor[], Tensor[]> f,
                                 Function<Function<Tensor[], Tensor[]>, Function<Tensor[], Tensor[]>> mapping,
                                 String mapped, String looped) {
        Tensor[] x0 = p.arguments(0);
        Tensor[] x1 = p.arguments(1);
        Tensor[] batched = new Tensor[x0.length];
        for (int i = 0; i < x0.length; i++) {
            int alias = p.inputs.get(i).aliasOf();
            if (alias >= 0) {
                batched[i] = batched[alias];
            } else {
                batched[i] = axes[i] < 0 ? x0[i] : Tensor.stack(axes[i], x0[i], x1[i]);
            }
        }
        Tensor[] got = mapping.apply(f).apply(batched);
        Tensor[] r0 = f.apply(x0);
        Tensor[] r1 = f.apply(x1);
        Tensor[] expected = new Tensor[r0.length];
        for (int k = 0; k < r0.length; k++) {
            expected[k] = Tensor.stack(0, r0[k], r1[k]);
        }
        return compare(looped, expected, mapped + " (in_axes " + Arrays.toString(axes) + ")", got, EXACT);
    }

    private static Mismatch compare(String left, Tensor[] a, String right, Tensor[] b, double tol) {
        String[] names = {"out", "loss"};
        for (int k = 0; k < a.length; k++) {
            Mismatch m = compare(left, a[k], right, b[k], tol);
            if (m != null) {
                String what = a.length == 2 ? names[k] : "result " + k;
                return new Mismatch(m.left(), m.right(), what + ": " + m.detail());
            }
        }
        return null;
    }

    /** Elementwise {@code |a - b| <= tol * (1 + max |a|)}, shapes equal. */
    static Mismatch compare(String left, Tensor a, String right, Tensor b, double tol) {
        if (!Arrays.equals(a.dims(), b.dims())) {
            return new Mismatch(left, right, "shape " + Arrays.toString(a.dims()) + " vs " + Arrays.toString(b.dims()));
        }
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double bound = tol * (1 + Generator.maxAbs(a));
        int worst = -1;
        double worstDiff = 0;
        for (int k = 0; k < x.length; k++) {
            double d = Math.abs(x[k] - y[k]);
            if (!(d <= bound) && (worst < 0 || d > worstDiff || Double.isNaN(d))) {
                worst = k;
                worstDiff = d;
            }
        }
        if (worst < 0) {
            return null;
        }
        return new Mismatch(left, right, "element " + worst + " of shape " + Arrays.toString(a.dims()) + ": " + x[worst]
                + " vs " + y[worst] + " (|diff| " + worstDiff + " > tol " + bound + ")\n    " + left + ": "
                + Arrays.toString(x) + "\n    " + right + ": " + Arrays.toString(y));
    }

    private static double tolerance(double reference, double relative, double scale) {
        return relative * (1 + Math.abs(reference)) + 1e-10 * Math.abs(scale);
    }

    /**
     * The 4-point central difference with step h, when it agrees with the one of step 2h to a tenth of the
     * tolerance (the function is smooth at the scale of the step); null otherwise: then the function is
     * too curved there for finite differences to judge, and only the modes are compared with each other.
     */
    private static double[] converged(Function<Tensor[], double[]> g, Tensor[] x, Tensor[] v, double relative,
                                      double absolute) {
        double[] fine = stencil(g, x, v, H);
        double[] coarse = stencil(g, x, v, 2 * H);
        double scale = Arrays.stream(fine).map(Math::abs).max().orElse(0);
        for (int k = 0; k < fine.length; k++) {
            if (!(Math.abs(fine[k] - coarse[k]) <= 0.1 * (relative * (1 + scale) + absolute))) {
                return null;
            }
        }
        return fine;
    }

    /** The 4-point central difference of {@code g} at {@code x} in direction {@code v}, per output element. */
    private static double[] stencil(Function<Tensor[], double[]> g, Tensor[] x, Tensor[] v, double h) {
        double[] m2 = g.apply(shift(x, v, -2 * h));
        double[] m1 = g.apply(shift(x, v, -h));
        double[] p1 = g.apply(shift(x, v, h));
        double[] p2 = g.apply(shift(x, v, 2 * h));
        double[] d = new double[m2.length];
        for (int k = 0; k < d.length; k++) {
            d[k] = (m2[k] - 8 * m1[k] + 8 * p1[k] - p2[k]) / (12 * h);
        }
        return d;
    }

    private static Tensor[] shift(Tensor[] x, Tensor[] v, double h) {
        Tensor[] s = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            s[i] = x[i].add(v[i].mul(h));
        }
        return s;
    }

    private static Tensor gaussian(int[] dims, Random rng) {
        double[] d = new double[Arrays.stream(dims).reduce(1, (p, q) -> p * q)];
        for (int k = 0; k < d.length; k++) {
            d[k] = rng.nextGaussian();
        }
        return Tensor.of(d, dims);
    }

    private static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double s = 0;
        for (int k = 0; k < x.length; k++) {
            s += x[k] * y[k];
        }
        return s;
    }
}
