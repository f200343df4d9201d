package org.fluxion.ode;

import java.util.Objects;

/**
 * An initial value problem {@code du/dt = f(u, p, t)}, {@code u(t0) = u0}, integrated from {@code t0} to
 * {@code t1} (which may be below {@code t0}: integration runs backwards).
 *
 * @param f          the right-hand side
 * @param u0         the initial state, length n (copied by the solvers, never written)
 * @param t0         the initial time
 * @param t1         the final time
 * @param p          the parameters passed to {@code f}, any length (empty for none)
 * @param jacobian   {@code d f / d u} for stiff solvers, or null: they then use finite differences
 * @param autonomous true when {@code f} does not depend on {@code t}: Rosenbrock methods then skip the
 *                   time derivative {@code d f / d t} (one RHS evaluation per step)
 * @param structure  the Jacobian's band or sparsity pattern, or null (dense): the stiff solvers then build it
 *                   by grouped finite differences and factor banded Newton matrices
 */
public record OdeProblem(OdeFunction f, double[] u0, double t0, double t1, double[] p, JacobianFunction jacobian,
                         boolean autonomous, JacobianStructure structure) {
    public OdeProblem {
        if (structure != null && u0 != null && structure.size() != u0.length) {
            throw new IllegalArgumentException("OdeProblem: the Jacobian structure is for " + structure.size()
                    + " states, the state has " + u0.length);
        }
        Objects.requireNonNull(f, "OdeProblem: the right-hand side f is null");
        Objects.requireNonNull(u0, "OdeProblem: the initial state u0 is null");
        Objects.requireNonNull(p, "OdeProblem: the parameters p are null (pass new double[0] for none)");
        if (u0.length == 0) {
            throw new IllegalArgumentException("OdeProblem: the initial state u0 is empty");
        }
        for (int i = 0; i < u0.length; i++) {
            if (!Double.isFinite(u0[i])) {
                throw new IllegalArgumentException("OdeProblem: u0[" + i + "] = " + u0[i] + " is not finite");
            }
        }
        if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
            throw new IllegalArgumentException("OdeProblem: the time span [" + t0 + ", " + t1 + "] is not finite");
        }
    }

    /** A problem with a dense (unstructured) Jacobian. */
    public OdeProblem(OdeFunction f, double[] u0, double t0, double t1, double[] p, JacobianFunction jacobian,
                      boolean autonomous) {
        this(f, u0, t0, t1, p, jacobian, autonomous, null);
    }

    /** The problem {@code u' = f(u, p, t)} on {@code [t0, t1]} with no Jacobian, not declared autonomous. */
    public static OdeProblem of(OdeFunction f, double[] u0, double t0, double t1, double... p) {
        return new OdeProblem(f, u0, t0, t1, p, null, false);
    }

    /** This problem with a user-supplied Jacobian for the stiff solvers. */
    public OdeProblem withJacobian(JacobianFunction jac) {
        return new OdeProblem(f, u0, t0, t1, p, jac, autonomous, structure);
    }

    /** This problem declared autonomous ({@code f} does not read {@code t}). */
    public OdeProblem asAutonomous() {
        return new OdeProblem(f, u0, t0, t1, p, jacobian, true, structure);
    }

    /** This problem from another initial state. */
    public OdeProblem withInitialState(double[] state) {
        return new OdeProblem(f, state, t0, t1, p, jacobian, autonomous, structure);
    }

    /** This problem over another time span. */
    public OdeProblem withTimeSpan(double start, double end) {
        return new OdeProblem(f, u0, start, end, p, jacobian, autonomous, structure);
    }

    /** This problem with other parameters. */
    public OdeProblem withParameters(double... params) {
        return new OdeProblem(f, u0, t0, t1, params, jacobian, autonomous, structure);
    }

    /**
     * This problem with the Jacobian's band or sparsity pattern, for the stiff solvers (see
     * {@link JacobianStructure}); null for a dense Jacobian.
     */
    public OdeProblem withJacobianStructure(JacobianStructure jacobianStructure) {
        return new OdeProblem(f, u0, t0, t1, p, jacobian, autonomous, jacobianStructure);
    }

    /** The state's length n. */
    public int size() {
        return u0.length;
    }
}
