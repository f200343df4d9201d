package org.fluxion.jvmad.emit;

import java.lang.classfile.Opcode;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Type;

/** The JVM opcode of an IR binary operator on operands of a given type. */
final class Opcodes {
    private Opcodes() {
    }

    static Opcode binary(Insn.BinaryOp op, Type t) {
        String prefix = switch (t.kind()) {
            case INT -> "I";
            case LONG -> "L";
            case FLOAT -> "F";
            case DOUBLE -> "D";
            case REF -> throw new IllegalStateException(op + " on a reference");
        };
        return switch (op) {
            case CMPL -> t.kind() == Type.Kind.LONG ? Opcode.LCMP : Opcode.valueOf(prefix + "CMPL");
            case CMPG -> Opcode.valueOf(prefix + "CMPG");
            default -> Opcode.valueOf(prefix + op.name());
        };
    }
}
