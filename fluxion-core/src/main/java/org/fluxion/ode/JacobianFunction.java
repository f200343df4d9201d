package org.fluxion.ode;

/**
 * A user-supplied Jacobian {@code J[i][j] = d f_i / d u_j} of an {@link OdeFunction}, written row-major into
 * {@code jacobian} (length n * n: {@code jacobian[i * n + j]}). Stiff solvers use it in place of finite
 * differences or automatic differentiation.
 */
@FunctionalInterface
public interface JacobianFunction {
    /** Writes {@code d f / d u} at {@code (u, p, t)} into {@code jacobian} (n * n, row-major). */
    void evaluate(double[] jacobian, double[] u, double[] p, double t);
}
