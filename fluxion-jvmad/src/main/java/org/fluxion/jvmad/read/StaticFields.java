package org.fluxion.jvmad.read;

import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.constant.ClassDesc;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;

/**
 * Reads of {@code static final} fields become constants of the derivative: a number's value, or the
 * array object itself (its elements carry no derivative and must not be written). Every other field
 * access is refused.
 */
final class StaticFields {
    private StaticFields() {
    }

    static Operand read(BytecodeReader reader, int at, FieldInstruction f) {
        ClassDesc ownerDesc = f.owner().asSymbol();
        String owner = InvokeResolver.binaryName(ownerDesc);
        String name = owner + "." + f.name().stringValue();
        ClassDesc type = f.typeSymbol();
        switch (f.opcode()) {
            case PUTSTATIC -> throw reader.error(at, "writes the static field " + name
                    + "; a differentiable method may only write its locals and arrays");
            case GETFIELD -> throw reader.error(at, "reads the instance field " + name
                    + "; objects cannot be differentiated");
            case PUTFIELD -> throw reader.error(at, "writes the instance field " + name
                    + "; objects cannot be differentiated");
            default -> {
            }
        }
        if (f.opcode() != Opcode.GETSTATIC) {
            throw reader.error(at, "uses the field instruction " + f.opcode());
        }
        boolean ok = type.isPrimitive() || (type.isArray() && type.componentType().isPrimitive());
        if (!ok) {
            throw reader.error(at, "reads the static field " + name + " of type " + type.displayName()
                    + "; only static final numbers and arrays of numbers are supported");
        }
        Field field = find(reader, at, owner, f.name().stringValue());
        if (!Modifier.isFinal(field.getModifiers())) {
            throw reader.error(at, "reads the mutable static field " + name
                    + "; make it final or pass its value as a parameter");
        }
        try {
            field.setAccessible(true);
            Object value = field.get(null);
            Type t = Type.of(type);
            return new Const(value == null ? Type.NULL : t, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw reader.error(at, "cannot read the static final field " + name + ": " + e);
        }
    }

    private static Field find(BytecodeReader reader, int at, String owner, String field) {
        try {
            Class<?> c = Class.forName(owner, true, reader.ref().loader());
            for (Class<?> k = c; k != null; k = k.getSuperclass()) {
                for (Field x : k.getDeclaredFields()) {
                    if (x.getName().equals(field) && Modifier.isStatic(x.getModifiers())) {
                        return x;
                    }
                }
            }
            throw reader.error(at, "cannot find the static field " + owner + "." + field);
        } catch (ClassNotFoundException | LinkageError e) {
            throw reader.error(at, "cannot load " + owner + " to read its field " + field + ": " + e);
        }
    }
}
