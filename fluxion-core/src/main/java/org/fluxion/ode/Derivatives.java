package org.fluxion.ode;

/**
 * The derivatives of a right-hand side {@code f(u, p, t)} that sensitivity analysis needs: the
 * vector-Jacobian product (continuous adjoints) and the full Jacobians (forward sensitivities, and the
 * stiff solvers on the adjoint equations). {@link TensorOde#derivatives()} gives them from Fluxion's
 * automatic differentiation; {@code org.fluxion.jvmad.OdeDerivatives} from a plain-Java right-hand side's bytecode;
 * {@link #finiteDifferences} without that module.
 *
 * <p>Shapes: n the state's length, np the parameters'; matrices are row-major.
 */
public interface Derivatives {
    /**
     * The vector-Jacobian products {@code lambda^T df/du} (written into {@code outU}, length n) and
     * {@code lambda^T df/dp} (into {@code outP}, length np) at {@code (u, p, t)}.
     */
    void vjp(double t, double[] u, double[] p, double[] lambda, double[] outU, double[] outP);

    /**
     * {@link #vjp}, with {@code lambda^T df/dp} added to {@code sumP} instead of written: the reverse sweeps'
     * parameter cotangent, summed over stages and steps. By default through a temporary array.
     */
    default void vjpAddingParameters(double t, double[] u, double[] p, double[] lambda, double[] outU,
                                     double[] sumP) {
        double[] outP = new double[sumP.length];
        vjp(t, u, p, lambda, outU, outP);
        for (int i = 0; i < sumP.length; i++) {
            sumP[i] += outP[i];
        }
    }

    /** {@code df/du} into {@code ju} (n x n) and {@code df/dp} into {@code jp} (n x np) at {@code (u, p, t)}. */
    void jacobians(double t, double[] u, double[] p, double[] ju, double[] jp);

    /**
     * The Jacobian-vector product {@code (df/du) vu + (df/dp) vp} into {@code out} (length n), for forward-mode
     * (directional) sensitivities. By default from the full {@link #jacobians}.
     */
    default void jvp(double t, double[] u, double[] p, double[] vu, double[] vp, double[] out) {
        int n = u.length;
        int np = p.length;
        double[] ju = new double[n * n];
        double[] jp = new double[n * np];
        jacobians(t, u, p, ju, jp);
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += ju[i * n + j] * vu[j];
            }
            for (int k = 0; k < np; k++) {
                s += jp[i * np + k] * vp[k];
            }
            out[i] = s;
        }
    }

    /**
     * Derivatives of a plain-Java right-hand side by central differences ({@code df/du} from {@code jac}
     * instead when it is given): {@code 2 (n + np)} evaluations per Jacobian, and the VJP through the full
     * Jacobians. Accurate to about 1e-10 relative (step {@code eps^(1/3)} scaled by each variable), and that
     * error is noise, not smooth in {@code u}: sensitivities at tolerances tighter than about 1e-8 need AD
     * ({@link TensorOde}), the bytecode AD of a plain-Java right-hand side ({@code org.fluxion.jvmad.OdeDerivatives},
     * module fluxion-jvmad) or analytic derivatives (implement this interface).
     */
    static Derivatives finiteDifferences(OdeFunction f, JacobianFunction jac) {
        return new FiniteDifferenceDerivatives(f, jac);
    }
}
