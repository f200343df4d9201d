package org.fluxion.jvmad;

import org.fluxion.jvmad.runtime.Kernels;
import org.fluxion.jvmad.runtime.Tape;

/**
 * The derivatives of a plain Java method {@code double f(double[] x)}, generated from its bytecode:
 * the gradient (reverse mode), directional derivatives (forward mode), Hessian-vector products
 * (forward over reverse) and the Hessian. Made by {@link JvmAd#grad}; the gradient's code is built
 * then, the others on first use. Thread-safe: each thread has its own tape.
 *
 * <p>Output arrays must not alias the inputs (a direction {@code v} may be {@code x} itself). Shapes: {@code x}, {@code v}, results: {@code [n]}; the
 * Hessian {@code [n][n]}.
 */
public final class Gradient {
    private final Build build;
    /** What each derivative is called in the tape check's message (made once: calls must not build strings). */
    private final String gradientName;
    private final String directionalName;
    private final String hvpName;
    private final Kernels.Gradient gradient;
    private final Lazy<Kernels.Directional> directional;
    private final Lazy<Kernels.HessianVector> hvp;
    private final long buildNanos;

    Gradient(Build build) {
        long t0 = System.nanoTime();
        this.build = build;
        this.gradientName = "the gradient of " + build.ref().origin();
        this.directionalName = "the directional derivative of " + build.ref().origin();
        this.hvpName = "the Hessian-vector product of " + build.ref().origin();
        this.gradient = build.kernel(Kernels.Gradient.class, (e, f) -> e.gradient(f));
        this.directional = new Lazy<>(() -> build.kernel(Kernels.Directional.class, (e, f) -> e.directional(f)));
        this.hvp = new Lazy<>(() -> build.kernel(Kernels.HessianVector.class, (e, f) -> e.hessianVector(f)));
        this.buildNanos = System.nanoTime() - t0;
    }

    /** The gradient of f at {@code x}, a new array. */
    public double[] apply(double[] x) {
        double[] g = new double[x.length];
        valueAndGrad(x, g);
        return g;
    }

    /** Returns f(x) and writes the gradient at {@code x} into {@code grad} (length n; overwritten). */
    public double valueAndGrad(double[] x, double[] grad) {
        checkLengths(x, grad, "grad");
        Adjoints.zero(grad);
        Tape tape = Tapes.acquire();
        double y = gradient.apply(x, grad, tape);
        if (build.budget() != null) {
            lastCheckpointing.set(new CheckpointStats(tape.peakStored(), tape.stepsRun()));
        }
        Tapes.release(tape, gradientName);
        return y;
    }

    /** The directional derivative {@code grad f(x) . v}, by forward mode (one pass, no tape of values). */
    public double directional(double[] x, double[] v) {
        v = v == x ? v.clone() : v;
        checkLengths(x, v, "v");
        Tape tape = Tapes.acquire();
        double d = directional.get().apply(x, v, tape);
        Tapes.release(tape, directionalName);
        return d;
    }

    /**
     * What checkpointing cost in the calling thread's last call of this gradient, when it has a
     * {@link Checkpointing budget}: the most values stored at once (tape entries and copies of loop state) and the loop
     * iterations run during reverse sweeps (advances and recorded ones).
     */
    public record CheckpointStats(long peakStoredValues, long iterationsRun) {
    }

    private final ThreadLocal<CheckpointStats> lastCheckpointing = new ThreadLocal<>();

    /** The checkpointing costs of this thread's last gradient call, or null without a budget or call. */
    public CheckpointStats lastCheckpointStats() {
        return build.budget() == null ? null : lastCheckpointing.get();
    }

    /** The Hessian-vector product {@code H(x) v}, a new array (forward mode over reverse mode). */
    public double[] hvp(double[] x, double[] v) {
        double[] hv = new double[x.length];
        hvp(x, v, new double[x.length], hv);
        return hv;
    }

    /** Returns f(x), writes the gradient into {@code grad} and {@code H(x) v} into {@code hv} (both overwritten). */
    public double hvp(double[] x, double[] v, double[] grad, double[] hv) {
        // A direction may be x itself (H x): the generated code gets its own copy, since tangent arrays may be written.
        v = v == x ? v.clone() : v;
        checkLengths(x, v, "v");
        checkLengths(x, grad, "grad");
        checkLengths(x, hv, "hv");
        if (build.budget() != null) {
            throw new UnsupportedOperationException(build.ref().origin() + ": Hessian-vector products of a gradient"
                    + " under a memory budget (checkpointing) are not supported; use JvmAd.grad without a budget");
        }
        Adjoints.zero(grad);
        Adjoints.zero(hv);
        Tape tape = Tapes.acquire();
        double y = hvp.get().apply(x, v, grad, hv, tape);
        Tapes.release(tape, hvpName);
        return y;
    }

    /** The Hessian at {@code x}, {@code [n][n]}: one Hessian-vector product per column. */
    public double[][] hessian(double[] x) {
        int n = x.length;
        double[][] h = new double[n][];
        double[] e = new double[n];
        for (int j = 0; j < n; j++) {
            e[j] = 1;
            h[j] = hvp(x, e);
            e[j] = 0;
        }
        // H is symmetric: column j of H is row j.
        return h;
    }

    /** Nanoseconds spent building the gradient (reading, transforming, defining the class), once. */
    public long buildNanos() {
        return buildNanos;
    }

    private void checkLengths(double[] x, double[] other, String name) {
        if (other.length != x.length) {
            throw new IllegalArgumentException(build.ref().origin() + ": " + name + " has length " + other.length
                    + " but x has length " + x.length);
        }
        if (other == x) {
            throw new IllegalArgumentException(build.ref().origin() + ": " + name + " must not be the same array as x");
        }
    }
}
