package org.fluxion.ode;

/**
 * The gradient of a loss on an ODE solution.
 *
 * @param initialState the gradient with respect to {@code u0}, length n
 * @param parameters   the gradient with respect to {@code p}, length np
 * @param forward      the forward solve (its saved states are {@code u(t_i)})
 * @param method       the sensitivity method used
 * @param backward     the work of the sensitivity computation beyond the forward solve (for
 *                     {@link SensitivityMethod#FORWARD}, the augmented solve's work)
 */
public record Gradient(double[] initialState, double[] parameters, Solution forward, SensitivityMethod method,
                       Statistics backward) {
}
