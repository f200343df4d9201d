package org.fluxion.jvmad;

import java.io.Serializable;
import org.fluxion.jvmad.read.MethodRef;
import org.fluxion.ode.Derivatives;
import org.fluxion.ode.JacobianFunction;
import org.fluxion.ode.OdeFunction;

/**
 * The derivatives of an ODE right-hand side written as plain Java that mutates {@code du} in place,
 * {@code static void f(double[] du, double[] u, double[] p, double t)}, from its bytecode: what sensitivity
 * analysis needs ({@link Derivatives}: vector-Jacobian products for the adjoints, Jacobian-vector products for
 * directional sensitivities, full Jacobians for forward sensitivities) and the stiff solvers' {@code df/du}
 * ({@link #jacobian()}). Exact to rounding, where {@link Derivatives#finiteDifferences} is accurate to about 1e-10.
 *
 * <pre>{@code
 * static void robertson(double[] du, double[] u, double[] p, double t) { ... }
 * OdeDerivatives d = OdeDerivatives.of(Kinetics::robertson);
 * OdeProblem problem = OdeProblem.of(Kinetics::robertson, u0, 0, 1e5, k).withJacobian(d.jacobian());
 * Gradient g = Sensitivity.gradient(problem, d, Method.RODAS4, options, cotangents, SensitivityMethod.AUTO);
 * }</pre>
 *
 * <p>A VJP is one reverse pass of f; a Jacobian {@code n} of them, one per row (its rows of {@code df/du} and
 * {@code df/dp} together); a JVP one forward pass. Calls go through {@link MethodDerivative} (arguments boxed),
 * a few microseconds each: fit for the small stiff systems of chemistry and the method of lines. Thread-safe.
 */
public final class OdeDerivatives implements Derivatives {
    /**
     * A plain-Java right-hand side given as a method reference to a static method ({@code Owner::f}), whose
     * implementation {@link OdeDerivatives} can find (a serializable lambda); also an {@link OdeFunction} for the
     * solvers.
     */
    @FunctionalInterface
    public interface Rhs extends OdeFunction, Serializable {
    }

    private static final String SIGNATURE = "([D[D[DD)V";
    private final MethodDerivative method;
    private final String origin;

    private OdeDerivatives(MethodRef ref) {
        if (!ref.desc().descriptorString().equals(SIGNATURE)) {
            throw new IllegalArgumentException(ref.origin() + " has the signature " + ref.desc().displayDescriptor()
                    + "; an ODE right-hand side is void f(double[] du, double[] u, double[] p, double t)");
        }
        this.method = new MethodDerivative(new Build(ref));
        this.origin = ref.origin();
    }

    /** The derivatives of the static method behind {@code f} ({@code Owner::f}; a lambda that captures nothing). */
    public static OdeDerivatives of(Rhs f) {
        return new OdeDerivatives(MethodRefs.of(f));
    }

    /** The derivatives of the static method {@code name} of {@code owner}, the only one of that name. */
    public static OdeDerivatives of(Class<?> owner, String name) {
        return new OdeDerivatives(MethodRefs.of(owner, name));
    }

    /** {@code lambda^T df/du} into {@code outU} ({@code [n]}) and {@code lambda^T df/dp} into {@code outP}. */
    @Override
    public void vjp(double t, double[] u, double[] p, double[] lambda, double[] outU, double[] outP) {
        int n = u.length;
        check("lambda", lambda.length, n);
        check("outU", outU.length, n);
        check("outP", outP.length, p.length);
        // du's cotangent on exit is lambda; its contents on entry are overwritten by f (their derivative unused).
        MethodDerivative.Result r = method.vjp(new Object[] {new double[n], u, p, t}, 0, new Object[] {lambda, null,
            null, null});
        System.arraycopy((double[]) r.derivatives()[1], 0, outU, 0, n);
        System.arraycopy((double[]) r.derivatives()[2], 0, outP, 0, p.length);
    }

    /** {@code df/du} into {@code ju} ({@code n x n}, row-major) and {@code df/dp} into {@code jp} ({@code n x np}). */
    @Override
    public void jacobians(double t, double[] u, double[] p, double[] ju, double[] jp) {
        check("ju", ju.length, u.length * u.length);
        check("jp", jp.length, u.length * p.length);
        rows(t, u, p, ju, jp);
    }

    /** Row i of {@code df/du} (and of {@code df/dp} when {@code jp} is not null) by the VJP of {@code e_i}. */
    private void rows(double t, double[] u, double[] p, double[] ju, double[] jp) {
        int n = u.length;
        int np = p.length;
        double[] e = new double[n];
        double[] rowU = new double[n];
        double[] rowP = new double[np];
        for (int i = 0; i < n; i++) {
            e[i] = 1;
            vjp(t, u, p, e, rowU, rowP);
            e[i] = 0;
            System.arraycopy(rowU, 0, ju, i * n, n);
            if (jp != null) {
                System.arraycopy(rowP, 0, jp, i * np, np);
            }
        }
    }

    /** {@code (df/du) vu + (df/dp) vp} into {@code out} ({@code [n]}): one forward pass. */
    @Override
    public void jvp(double t, double[] u, double[] p, double[] vu, double[] vp, double[] out) {
        int n = u.length;
        check("vu", vu.length, n);
        check("vp", vp.length, p.length);
        check("out", out.length, n);
        MethodDerivative.Result r = method.jvp(new Object[] {new double[n], u, p, t}, new Object[] {null, vu, vp,
            0.0});
        // The tangents on exit are at each parameter's index + 1: du's at 1.
        System.arraycopy((double[]) r.derivatives()[1], 0, out, 0, n);
    }

    /** {@code df/du} for the stiff solvers' Newton iterations ({@code OdeProblem.withJacobian}), row by row. */
    public JacobianFunction jacobian() {
        return (jac, u, p, t) -> {
            check("jacobian", jac.length, u.length * u.length);
            rows(t, u, p, jac, null);
        };
    }

    private void check(String what, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException("OdeDerivatives of " + origin + ": " + what + " has length " + length
                    + ", expected " + expected);
        }
    }

    @Override
    public String toString() {
        return "OdeDerivatives[" + origin + "]";
    }
}
