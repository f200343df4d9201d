package org.fluxion.jvmad.ir;

/**
 * A variable of an IR function: a local of the original method, a slot of its operand stack at a
 * block boundary, a temporary, or one introduced by a transform (a tangent, an adjoint, a shadow
 * array). Variables are compared by identity; a function owns the ones it creates.
 */
public final class Var implements Operand {
    private final int id;
    private final Type type;
    private final String name;

    Var(int id, Type type, String name) {
        this.id = id;
        this.type = type;
        this.name = name;
    }

    /** A number unique within the function that created the variable. */
    public int id() {
        return id;
    }

    @Override
    public Type type() {
        return type;
    }

    /** A readable name for printouts ({@code l3}, {@code s0}, {@code t12}, {@code dx}, {@code adj_t3}). */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
