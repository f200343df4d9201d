package org.fluxion.ops;

/**
 * The door of {@link MultiOutput} for what only the compiler creates with several outputs: structured
 * control flow ({@code org.fluxion.transforms}), whose loop returns all its carries at once, and the
 * derivative operations of those. Open only because they live in another package; users do not implement
 * it.
 */
public non-sealed interface CompilerMultiOutput extends MultiOutput, CompilerPrimitive {
}
