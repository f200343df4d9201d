package org.fluxion.ode;

/** A stiff stepper that can tell how stiff the problem looks at its last step: {@code ||J||_inf}. */
interface StiffnessProbe {
    /** {@code ||d f / d u||_inf} at the last step's start, an upper bound of the Jacobian's spectral radius. */
    double jacobianNorm();
}
