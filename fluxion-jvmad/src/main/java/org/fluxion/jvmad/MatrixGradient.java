package org.fluxion.jvmad;

import org.fluxion.jvmad.runtime.Kernels;
import org.fluxion.jvmad.runtime.Tape;

/**
 * The derivatives of a plain Java method {@code double f(double[][] x)}, generated from its bytecode:
 * the gradient (reverse mode), directional derivatives (forward mode) and Hessian-vector products
 * (forward over reverse). Made by {@link JvmAd#gradMatrix}; the gradient's code is built then, the
 * others on first use. Thread-safe: each thread has its own tape.
 *
 * <p>Shapes: {@code x}, {@code v}, gradients and products are arrays of rows of the same shape
 * ({@code [m][n_i]}, rows may differ in length; null rows have null derivatives). Where {@code x} holds
 * one row at two positions, the derivative is with respect to that row (one array, shared the same
 * way), and arrays passed in for results or directions must share their rows as {@code x} does.
 * They must not share rows with {@code x}.
 */
public final class MatrixGradient {
    private final Build build;
    private final String origin;
    private final String gradientName;
    private final String directionalName;
    private final String hvpName;
    private final Kernels.MatrixGradient gradient;
    private final Lazy<Kernels.MatrixDirectional> directional;
    private final Lazy<Kernels.MatrixHessianVector> hvp;
    private final ThreadLocal<Gradient.CheckpointStats> lastCheckpointing = new ThreadLocal<>();

    MatrixGradient(Build build) {
        this.build = build;
        this.origin = build.ref().origin();
        this.gradientName = "the gradient of " + origin;
        this.directionalName = "the directional derivative of " + origin;
        this.hvpName = "the Hessian-vector product of " + origin;
        this.gradient = build.kernel(Kernels.MatrixGradient.class, (e, f) -> e.gradient(f));
        this.directional = new Lazy<>(() -> build.kernel(Kernels.MatrixDirectional.class, (e, f) -> e.directional(f)));
        this.hvp = new Lazy<>(() -> build.kernel(Kernels.MatrixHessianVector.class, (e, f) -> e.hessianVector(f)));
    }

    /** The gradient of f at {@code x}, a new array of x's shape. */
    public double[][] apply(double[][] x) {
        double[][] g = Rows.zerosLike(x);
        valueAndGrad(x, g);
        return g;
    }

    /** Returns f(x) and writes the gradient at {@code x} into {@code grad} (x's shape; overwritten). */
    public double valueAndGrad(double[][] x, double[][] grad) {
        Rows.checkShape(origin, x, grad, "grad");
        Rows.fill(grad, 0);
        Tape tape = Tapes.acquire();
        double y = gradient.apply(x, grad, tape);
        if (build.budget() != null) {
            lastCheckpointing.set(new Gradient.CheckpointStats(tape.peakStored(), tape.stepsRun()));
        }
        Tapes.release(tape, gradientName);
        return y;
    }

    /** The directional derivative {@code <grad f(x), v>} (summed over every number), by forward mode. */
    public double directional(double[][] x, double[][] v) {
        Rows.checkShape(origin, x, v, "v");
        Tape tape = Tapes.acquire();
        double d = directional.get().apply(x, Rows.copy(v), tape);
        Tapes.release(tape, directionalName);
        return d;
    }

    /** The Hessian-vector product {@code H(x) v}, a new array of x's shape (forward mode over reverse mode). */
    public double[][] hvp(double[][] x, double[][] v) {
        double[][] hv = Rows.zerosLike(x);
        hvp(x, v, Rows.zerosLike(x), hv);
        return hv;
    }

    /** Returns f(x), writes the gradient into {@code grad} and {@code H(x) v} into {@code hv} (both overwritten). */
    public double hvp(double[][] x, double[][] v, double[][] grad, double[][] hv) {
        Rows.checkShape(origin, x, v, "v");
        Rows.checkShape(origin, x, grad, "grad");
        Rows.checkShape(origin, x, hv, "hv");
        if (build.budget() != null) {
            throw new UnsupportedOperationException(origin + ": Hessian-vector products of a gradient"
                    + " under a memory budget (checkpointing) are not supported; use JvmAd.gradMatrix without a budget");
        }
        Rows.fill(grad, 0);
        Rows.fill(hv, 0);
        Tape tape = Tapes.acquire();
        // The generated code gets its own copy of the direction, since tangent arrays may be written.
        double y = hvp.get().apply(x, Rows.copy(v), grad, hv, tape);
        Tapes.release(tape, hvpName);
        return y;
    }

    /** The checkpointing costs of this thread's last gradient call, or null without a budget or call. */
    public Gradient.CheckpointStats lastCheckpointStats() {
        return build.budget() == null ? null : lastCheckpointing.get();
    }
}
