package org.fluxion.tensor;

/**
 * Thrown when code reads the values of a traced tensor while {@code jit} traces a function: a Java
 * {@code if}, loop or {@code item()} on such a value would bake one branch into the compiled program.
 * The message points to the structured control flow ({@code Control.cond}, {@code Control.whileLoop})
 * that compiles instead.
 */
public final class ConcretizationException extends IllegalStateException {
    public ConcretizationException(String message) {
        super(message);
    }
}
