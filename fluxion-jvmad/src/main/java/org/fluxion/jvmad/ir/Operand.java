package org.fluxion.jvmad.ir;

/** What an instruction reads: a variable or a constant. */
public sealed interface Operand permits Var, Const {
    /** The operand's type. */
    Type type();
}
