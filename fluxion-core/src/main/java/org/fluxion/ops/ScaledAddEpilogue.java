package org.fluxion.ops;

/**
 * A primitive of several outputs that can write {@code base + output_k · scale} instead of its output k, in the
 * same pass: an optimizer's scaled update applied to its parameter ({@code p + (-lr) u}) as the update is
 * computed, so that a compiled step reads and writes each parameter once (multi-output fusion). The compiler asks
 * for it ({@code org.fluxion.jit.passes.ScaledAdds}) when output k is read only by that elementwise step.
 */
public interface ScaledAddEpilogue {
    /**
     * The primitive whose output {@code output} is {@code base + output · scale} (the product rounded to the
     * output's dtype, then the sum), taking {@code base} (that output's type) as one more input after its own,
     * the other outputs unchanged; or null when it has no such form.
     */
    Primitive withScaledAdd(int output, double scale);
}
