package org.fluxion.ode;

/**
 * An explicit Runge–Kutta method with its embedded error estimate and its continuous extension.
 *
 * <p>Stages: {@code k_i = f(u + h sum_{j<i} a[i][j] k_j, t + c[i] h)}; solution
 * {@code u_new = u + h sum_i b[i] k_i}; error {@code h sum_i e[i] k_i} (the difference of the two embedded
 * solutions). When {@code fsal} (first same as last), the last stage is {@code f(u_new, t + h)}: its row of
 * {@code a} equals {@code b}, it is computed after {@code u_new} and becomes the next step's first stage.
 * Dense output: {@code u(t + theta h) = u + h sum_i k_i sum_j dense[i][j] theta^(j+1)}.
 *
 * @param name       the method's usual name
 * @param a          the stage coefficients, {@code s x s}, strictly lower triangular
 * @param b          the solution weights, length s
 * @param c          the stage times, length s
 * @param e          the error weights, length s, or null for a fixed-step method
 * @param fsal       whether the last stage is the next step's first
 * @param order      the order of the solution
 * @param controller the step-size controller (its {@code k} is the error estimator's order + 1)
 * @param dense      the continuous extension, {@code s x degree}
 */
record ButcherTableau(String name, double[][] a, double[] b, double[] c, double[] e, boolean fsal, int order,
                      StepController controller, double[][] dense) {
    int stages() {
        return b.length;
    }

    int denseDegree() {
        return dense[0].length;
    }
}
