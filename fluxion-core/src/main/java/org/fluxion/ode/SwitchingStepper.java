package org.fluxion.ode;

/**
 * Automatic stiffness switching (as LSODA, or DifferentialEquations.jl's {@code AutoTsit5(Rosenbrock23())}):
 * steps with an explicit FSAL method while the problem is not stiff, with a Rosenbrock method while it is.
 *
 * <p>Explicit to stiff (Hairer's test in DOPRI5): after each accepted explicit step,
 * {@code |h lambda| ~ h ||f(u_new) - f(U_6)|| / ||u_new - U_6||} (norms weighted by the tolerances' scales); when it exceeds {@link #STABILITY} (3.25, about
 * the edge of the 5(4) pairs' stability regions on the negative axis: the step size is then limited by
 * stability, not accuracy) on {@link #STIFF_STEPS} accepted steps, with no more than {@link #CLEAR_STEPS}
 * non-stiff steps in a row in between, the solve goes on with the stiff method. Stiff to explicit: the
 * Rosenbrock step computes the Jacobian anyway, and {@code h ||J||_inf} bounds {@code |h lambda|}; when it
 * stays below {@code STABILITY / 2} for {@link #CLEAR_STEPS} accepted steps, the explicit method could take
 * those steps stably, and the solve switches back. Each switch costs one RHS evaluation (the new method's
 * {@code f(u)}) and starts the new method with the current step size.
 */
final class SwitchingStepper implements Stepper {
    static final double STABILITY = 3.25;
    static final int STIFF_STEPS = 15;
    static final int CLEAR_STEPS = 6;

    private final ExplicitRkStepper explicit;
    private final Stepper stiff;
    private final Rhs rhs;
    private final int n;
    private final double[] uLast;
    private final double[] fLast;
    private boolean stiffActive;
    private int stiffCount;
    private int clearCount;
    private double tLast;
    private int switches;
    private int stiffAccepted;

    <S extends Stepper & StiffnessProbe> SwitchingStepper(ExplicitRkStepper explicit, S stiff, Rhs rhs, int n) {
        this.explicit = explicit;
        this.stiff = stiff;
        this.rhs = rhs;
        this.n = n;
        this.uLast = new double[n];
        this.fLast = new double[n];
    }

    private Stepper active() {
        return stiffActive ? stiff : explicit;
    }

    @Override
    public void start(double t, double[] u, double[] f0) {
        explicit.start(t, u, f0);
        stiffActive = false;
    }

    @Override
    public double attempt(double t, double h, double[] u, double[] uNew) {
        return active().attempt(t, h, u, uNew);
    }

    @Override
    public void accept(double t, double h, double[] u, double[] uNew) {
        active().accept(t, h, u, uNew);
        tLast = t + h;
        System.arraycopy(uNew, 0, uLast, 0, n);
        if (stiffActive) {
            stiffAccepted++;
            double hLambda = Math.abs(h) * ((StiffnessProbe) stiff).jacobianNorm();
            clearCount = hLambda < STABILITY / 2 ? clearCount + 1 : 0;
            return;
        }
        System.arraycopy(explicit.lastDerivative(), 0, fLast, 0, n);
        if (explicit.stiffnessEstimate(h, u, uNew) > STABILITY) {
            stiffCount++;
            clearCount = 0;
        } else if (++clearCount >= CLEAR_STEPS) {
            stiffCount = 0;
        }
    }

    /** Steps as the active method says, then switches when the last accepted step asked for it. */
    @Override
    public double nextStep(StepController.State state, double h, double err, boolean accepted) {
        double next = active().nextStep(state, h, err, accepted);
        if (!accepted) {
            return next;
        }
        if (!stiffActive && stiffCount >= STIFF_STEPS) {
            stiff.start(tLast, uLast, fLast);
            stiffActive = true;
            switches++;
            clearCount = 0;
        } else if (stiffActive && clearCount >= CLEAR_STEPS) {
            rhs.evaluate(fLast, uLast, tLast);
            explicit.start(tLast, uLast, fLast);
            stiffActive = false;
            switches++;
            stiffCount = 0;
            clearCount = 0;
        }
        return next;
    }

    /** The number of switches so far (either way). */
    int switches() {
        return switches;
    }

    /** The accepted steps taken by the stiff method. */
    int stiffSteps() {
        return stiffAccepted;
    }

    @Override
    public int denseDegree() {
        return Math.max(explicit.denseDegree(), stiff.denseDegree());
    }

    @Override
    public void denseCoefficients(double[][] q) {
        Stepper a = active();
        int degree = a.denseDegree();
        if (degree == q.length) {
            a.denseCoefficients(q);
            return;
        }
        double[][] head = java.util.Arrays.copyOf(q, degree);
        a.denseCoefficients(head);
        for (int j = degree; j < q.length; j++) {
            java.util.Arrays.fill(q[j], 0);
        }
    }

    @Override
    public StepController controller() {
        return active().controller();
    }

    @Override
    public int order() {
        return explicit.order();
    }

    @Override
    public boolean adaptive() {
        return true;
    }
}
