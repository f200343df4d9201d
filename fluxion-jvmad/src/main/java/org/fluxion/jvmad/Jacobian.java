package org.fluxion.jvmad;

import java.util.Arrays;
import org.fluxion.jvmad.runtime.Kernels;
import org.fluxion.jvmad.runtime.Tape;

/**
 * The derivatives of a plain Java method {@code void f(double[] x, double[] out)} that writes m
 * outputs from n inputs: Jacobian-vector products (forward mode), vector-Jacobian products (reverse
 * mode) and the full Jacobian (n forward passes or m reverse ones, whichever is fewer). Made by
 * {@link JvmAd#jacobian}; each kernel is built on first use. Thread-safe.
 *
 * <p>{@code f} may read {@code out} before writing it (an accumulation): its initial contents are
 * treated as constants. Shapes: {@code x, v: [n]}, {@code out, u: [m]}, the Jacobian {@code [m][n]}.
 */
public final class Jacobian {
    private final Build build;
    /** What each derivative is called in the tape check's message (made once: calls must not build strings). */
    private final String jvpName;
    private final String vjpName;
    private final int outputs;
    private final Lazy<Kernels.VectorJvp> jvp;
    private final Lazy<Kernels.VectorVjp> vjp;

    Jacobian(Build build, int outputs) {
        if (outputs < 0) {
            throw new IllegalArgumentException("negative output count " + outputs);
        }
        this.build = build;
        this.jvpName = "the JVP of " + build.ref().origin();
        this.vjpName = "the VJP of " + build.ref().origin();
        this.outputs = outputs;
        this.jvp = new Lazy<>(() -> build.kernel(Kernels.VectorJvp.class, (e, f) -> e.tangent(f)));
        this.vjp = new Lazy<>(() -> build.kernel(Kernels.VectorVjp.class, (e, f) -> e.vectorVjp(f)));
    }

    /** The Jacobian-vector product {@code J(x) v}, {@code [m]}. */
    public double[] jvp(double[] x, double[] v) {
        double[] tout = new double[outputs];
        jvp(x, v, new double[outputs], tout);
        return tout;
    }

    /** Runs f into {@code out} and writes {@code J(x) v} into {@code tout} (both {@code [m]}, overwritten). */
    public void jvp(double[] x, double[] v, double[] out, double[] tout) {
        check(x.length, v.length, "v", out, tout);
        Arrays.fill(tout, 0);
        Tape tape = Tapes.acquire();
        jvp.get().apply(x, out, v, tout, tape);
        Tapes.release(tape, jvpName);
    }

    /** The vector-Jacobian product {@code u^T J(x)}, {@code [n]}. */
    public double[] vjp(double[] x, double[] u) {
        double[] gx = new double[x.length];
        vjp(x, u, new double[outputs], gx);
        return gx;
    }

    /** Runs f into {@code out} and writes {@code u^T J(x)} into {@code gx} ({@code [n]}, overwritten). */
    public void vjp(double[] x, double[] u, double[] out, double[] gx) {
        check(x.length, gx.length, "gx", out, u);
        Adjoints.zero(gx);
        double[] gout = u.clone();
        Tape tape = Tapes.acquire();
        vjp.get().apply(x, out, gx, gout, tape);
        Tapes.release(tape, vjpName);
    }

    /** The Jacobian at {@code x}, {@code [m][n]}. */
    public double[][] apply(double[] x) {
        int n = x.length;
        double[][] j = new double[outputs][n];
        double[] out = new double[outputs];
        if (n <= outputs) {
            double[] e = new double[n];
            double[] col = new double[outputs];
            for (int c = 0; c < n; c++) {
                e[c] = 1;
                jvp(x, e, out, col);
                e[c] = 0;
                for (int r = 0; r < outputs; r++) {
                    j[r][c] = col[r];
                }
            }
        } else {
            double[] e = new double[outputs];
            for (int r = 0; r < outputs; r++) {
                e[r] = 1;
                vjp(x, e, out, j[r]);
                e[r] = 0;
            }
        }
        return j;
    }

    private void check(int n, int nOther, String name, double[] out, double[] m) {
        if (nOther != n) {
            throw new IllegalArgumentException(build.ref().origin() + ": " + name + " has length " + nOther
                    + " but x has length " + n);
        }
        if (out.length != outputs || m.length != outputs) {
            throw new IllegalArgumentException(build.ref().origin() + ": output arrays have lengths " + out.length
                    + " and " + m.length + " but the function has " + outputs + " outputs");
        }
    }
}
