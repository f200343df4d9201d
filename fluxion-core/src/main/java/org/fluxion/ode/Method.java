package org.fluxion.ode;

/**
 * The solvers. Explicit methods for non-stiff problems; for stiff ones, Rosenbrock methods (linearly
 * implicit, one LU factorization per step), the implicit Radau IIA and the variable-order BDF (Newton
 * iterations), with the Jacobian from the problem, finite differences or automatic differentiation.
 */
public enum Method {
    /** Dormand–Prince 5(4), FSAL, 4th-order dense output: the default non-stiff method (MATLAB ode45, SciPy RK45). */
    DP5(false, true),
    /** Tsitouras 5(4), FSAL, 4th-order dense output: usually a little cheaper than DP5 for the same error. */
    TSIT5(false, true),
    /** Dormand–Prince 8(5,3) with 7th-order dense output, for tight tolerances. */
    DOP853(false, true),
    /** The classic fixed-step Runge–Kutta method of order 4 (teaching, discrete adjoints). */
    RK4(false, false),
    /** The explicit Euler method, fixed step, order 1. */
    EULER(false, false),
    /** Shampine and Reichelt's Rosenbrock 2(3) (MATLAB ode23s), L-stable, for stiff problems at loose tolerances. */
    ROSENBROCK23(true, true),
    /** Hairer and Wanner's Rodas4, stiffly accurate Rosenbrock 4(3), for stiff problems at moderate to tight tolerances. */
    RODAS4(true, true),
    /**
     * Radau IIA of order 5 (Hairer and Wanner's RADAU5), fully implicit, L-stable: for very stiff problems and
     * tight tolerances; simplified Newton with the Jacobian kept over steps while it converges fast.
     */
    RADAU5(true, true),
    /**
     * Variable-order (1 to 5) numerical differentiation formulas, Shampine and Reichelt's NDF variant of BDF
     * (MATLAB ode15s, SciPy's BDF): one Newton matrix {@code I - c J} per step size and order, the Jacobian
     * kept until Newton fails; cheapest per step for large stiff systems at loose to moderate tolerances.
     */
    BDF(true, true),
    /**
     * Automatic stiffness switching (DifferentialEquations.jl's {@code AutoTsit5(Rosenbrock23())}, LSODA's
     * idea): Tsit5 while the problem is not stiff, Rosenbrock23 while Hairer's estimate of {@code |h lambda|}
     * says the explicit steps are limited by stability, and back. For problems stiff only in places, or
     * problems whose stiffness is not known in advance, at loose tolerances.
     */
    AUTO_TSIT5_ROSENBROCK23(true, true),
    /** Automatic stiffness switching between Tsit5 and Rodas4, for moderate to tight tolerances. */
    AUTO_TSIT5_RODAS4(true, true);

    private final boolean stiff;
    private final boolean adaptive;

    Method(boolean stiff, boolean adaptive) {
        this.stiff = stiff;
        this.adaptive = adaptive;
    }

    /** Whether the method is meant for stiff problems (it uses the Jacobian; the switching ones may). */
    public boolean stiff() {
        return stiff;
    }

    /** False for the fixed-step methods, which need {@link SolverOptions#withFixedStep}. */
    public boolean adaptive() {
        return adaptive;
    }

    Stepper stepper(OdeProblem problem, Rhs rhs, Tolerances tolerances) {
        int n = problem.size();
        return switch (this) {
            case DP5 -> new ExplicitRkStepper(Tableaus.DORMAND_PRINCE, rhs, tolerances, n, true);
            case TSIT5 -> new ExplicitRkStepper(Tableaus.TSITOURAS, rhs, tolerances, n, true);
            case DOP853 -> new Dop853Stepper(rhs, tolerances, n);
            case RK4 -> new ExplicitRkStepper(Tableaus.RK4, rhs, tolerances, n, false);
            case EULER -> new ExplicitRkStepper(Tableaus.EULER, rhs, tolerances, n, false);
            case ROSENBROCK23 -> new Rosenbrock23Stepper(problem, rhs, tolerances);
            case RODAS4 -> new Rodas4Stepper(problem, rhs, tolerances);
            case RADAU5 -> new Radau5Stepper(problem, rhs, tolerances);
            case BDF -> new BdfStepper(problem, rhs, tolerances);
            case AUTO_TSIT5_ROSENBROCK23 -> new SwitchingStepper(
                    new ExplicitRkStepper(Tableaus.TSITOURAS, rhs, tolerances, n, true),
                    new Rosenbrock23Stepper(problem, rhs, tolerances), rhs, n);
            case AUTO_TSIT5_RODAS4 -> new SwitchingStepper(
                    new ExplicitRkStepper(Tableaus.TSITOURAS, rhs, tolerances, n, true),
                    new Rodas4Stepper(problem, rhs, tolerances), rhs, n);
        };
    }
}
