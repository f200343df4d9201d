package org.fluxion.ode;

import java.util.List;

/**
 * A right-hand side as the discrete adjoint evaluates it, stage by stage: each evaluation returns its value as a
 * new array the solver keeps, with what the VJP at the same point needs ({@link SplitVjp}'s residuals, opaque to
 * the solver), so that the reverse sweep does not evaluate the field again for each VJP.
 *
 * <p>Vectors are in the field's own precision: {@code float[]} for a float32 field (its values are float32
 * numbers, so they are kept exactly, at half the memory traffic of float64), else {@code double[]}. The solver
 * writes each stage's input and cotangent straight into the field's buffers ({@link #state()},
 * {@link #vjpState()}, {@link #cotangent()}), each element computed in float64 and rounded once.
 */
interface ResidualField {
    /** The array (length n) the next {@link #evaluate} reads its state from. */
    Object state();

    /** {@code f(state(), p, t)}. */
    Evaluation evaluate(double[] p, double t);

    /** An evaluation: {@code value} a new array (the field's precision), {@code residuals} for its VJP (may be null). */
    record Evaluation(Object value, Object residuals) {
    }

    /**
     * Whether the field keeps each evaluation's state with its residuals, so that its VJP there reads it and
     * {@link #vjpState()} need not be written.
     */
    default boolean keepsInputs() {
        return false;
    }

    /** The array (length n) the next VJP reads its state from (unless {@link #keepsInputs()}). */
    Object vjpState();

    /** The array (length n) the next VJP reads its cotangent {@code lambda} from. */
    Object cotangent();

    /**
     * {@code lambda^T df/du} at {@code vjpState()} (or the kept state), as a new array (null for zero), at the point whose
     * {@link #evaluate} returned {@code residual} ({@code p} and {@code t} are that point's); {@code lambda^T df/dp}
     * is added to the field's running sum (zero after {@link #drainParameters}).
     */
    Object vjp(Object residual, double t, double[] p);

    /** Adds the running sum of {@link #vjp}'s parameter cotangents to {@code sumP} (unless null) and zeroes it. */
    void drainParameters(double[] sumP);

    /**
     * Gives back the residuals {@link #evaluate} returned (with the values of those evaluations) and the arrays
     * {@link #vjp} returned, once the solver reads none of them again, for later results to be written into. One
     * may appear more than once (an FSAL stage is two steps'); what the field did not produce is ignored.
     */
    default void recycle(List<?> parts) {
    }

    /** A plain float64 right-hand side {@code f} and its derivatives {@code d} (either null where not called). */
    static ResidualField plain(OdeFunction f, Derivatives d, int n) {
        double[] state = new double[n];
        double[] vjpState = new double[n];
        double[] cotangent = new double[n];
        return new ResidualField() {
            private double[] sum;

            @Override
            public Object state() {
                return state;
            }

            @Override
            public Evaluation evaluate(double[] p, double t) {
                double[] du = new double[n];
                f.evaluate(du, state, p, t);
                return new Evaluation(du, null);
            }

            @Override
            public Object vjpState() {
                return vjpState;
            }

            @Override
            public Object cotangent() {
                return cotangent;
            }

            @Override
            public Object vjp(Object residual, double t, double[] p) {
                if (sum == null) {
                    sum = new double[p.length];
                }
                double[] outU = new double[n];
                d.vjpAddingParameters(t, vjpState, p, cotangent, outU, sum);
                return outU;
            }

            @Override
            public void drainParameters(double[] sumP) {
                if (sum != null && sumP != null) {
                    for (int i = 0; i < sum.length; i++) {
                        sumP[i] += sum[i];
                    }
                }
                sum = null;
            }
        };
    }
}
