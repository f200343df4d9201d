package org.fluxion.jvmad.ir;

import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;

/**
 * The type of an IR value: one of the JVM's computational types ({@code int}, {@code long},
 * {@code float}, {@code double}) or a reference, with its descriptor ({@code [D}, {@code [I}, the tape).
 * Booleans, bytes, chars and shorts compute as {@code int}, as on the JVM.
 *
 * <p>"Real" values are the ones that carry derivatives: {@code float} and {@code double} scalars, and
 * arrays of them of any rank (which carry shadow arrays of the same shape: a {@code double[][]}'s
 * shadow is a {@code double[][]} whose rows are the shadows of its rows).
 *
 * @param kind the computational kind
 * @param desc the descriptor of a reference; the primitive's descriptor otherwise
 */
public record Type(Kind kind, ClassDesc desc) {
    /** The JVM's computational kinds. */
    public enum Kind { INT, LONG, FLOAT, DOUBLE, REF }

    public static final Type INT = new Type(Kind.INT, ConstantDescs.CD_int);
    public static final Type LONG = new Type(Kind.LONG, ConstantDescs.CD_long);
    public static final Type FLOAT = new Type(Kind.FLOAT, ConstantDescs.CD_float);
    public static final Type DOUBLE = new Type(Kind.DOUBLE, ConstantDescs.CD_double);
    /** The type of {@code null} before it meets a use that says which array it stands for. */
    public static final Type NULL = new Type(Kind.REF, ConstantDescs.CD_Object);
    public static final Type DOUBLE_ARRAY = ref(ConstantDescs.CD_double.arrayType());
    public static final Type FLOAT_ARRAY = ref(ConstantDescs.CD_float.arrayType());

    /** A reference type with the given descriptor. */
    public static Type ref(ClassDesc desc) {
        return new Type(Kind.REF, desc);
    }

    /** The computational type of a field or parameter descriptor ({@code Z}, {@code B}, ... compute as int). */
    public static Type of(ClassDesc desc) {
        if (!desc.isPrimitive()) {
            return ref(desc);
        }
        return switch (desc.descriptorString()) {
            case "Z", "B", "C", "S", "I" -> INT;
            case "J" -> LONG;
            case "F" -> FLOAT;
            case "D" -> DOUBLE;
            default -> throw new IllegalArgumentException("no value of type " + desc.displayName());
        };
    }

    /** The computational type of a {@link TypeKind} (void is not a value). */
    public static Type of(TypeKind kind) {
        return switch (kind) {
            case BOOLEAN, BYTE, CHAR, SHORT, INT -> INT;
            case LONG -> LONG;
            case FLOAT -> FLOAT;
            case DOUBLE -> DOUBLE;
            case REFERENCE -> NULL;
            case VOID -> throw new IllegalArgumentException("void is not a value type");
        };
    }

    /** True for {@code float} and {@code double}: values with tangents and adjoints. */
    public boolean isReal() {
        return kind == Kind.FLOAT || kind == Kind.DOUBLE;
    }

    /**
     * True for arrays of reals of any rank ({@code double[]}, {@code float[]}, {@code double[][]}, ...):
     * arrays with shadow (tangent or adjoint) arrays of the same shape.
     */
    public boolean isRealArray() {
        if (kind != Kind.REF || !desc.isArray()) {
            return false;
        }
        ClassDesc base = desc;
        while (base.isArray()) {
            base = base.componentType();
        }
        return base.equals(ConstantDescs.CD_double) || base.equals(ConstantDescs.CD_float);
    }

    /** True for arrays whose elements are arrays ({@code double[][]}, {@code int[][]}, ...). */
    public boolean isArrayOfArrays() {
        return isArray() && desc.componentType().isArray();
    }

    /** The number of dimensions of an array type ({@code double[][]}: 2); 0 for other types. */
    public int rank() {
        int r = 0;
        for (ClassDesc d = desc; kind == Kind.REF && d.isArray(); d = d.componentType()) {
            r++;
        }
        return r;
    }

    /** True for values that carry a derivative: reals and real arrays. */
    public boolean isActive() {
        return isReal() || isRealArray();
    }

    /** True for references. */
    public boolean isRef() {
        return kind == Kind.REF;
    }

    /** True for arrays. */
    public boolean isArray() {
        return kind == Kind.REF && desc.isArray();
    }

    /** The element type of an array type (its computational type). */
    public Type element() {
        if (!isArray()) {
            throw new IllegalStateException(this + " is not an array type");
        }
        return of(desc.componentType());
    }

    /** The exact element kind of an array, for {@code newarray}, {@code baload} and friends. */
    public TypeKind elementKind() {
        if (!isArray()) {
            throw new IllegalStateException(this + " is not an array type");
        }
        return TypeKind.from(desc.componentType());
    }

    /** The kind used by loads, stores and returns of this type. */
    public TypeKind typeKind() {
        return switch (kind) {
            case INT -> TypeKind.INT;
            case LONG -> TypeKind.LONG;
            case FLOAT -> TypeKind.FLOAT;
            case DOUBLE -> TypeKind.DOUBLE;
            case REF -> TypeKind.REFERENCE;
        };
    }

    /** Local-variable slots taken by a value of this type (2 for long and double). */
    public int slots() {
        return kind == Kind.LONG || kind == Kind.DOUBLE ? 2 : 1;
    }

    @Override
    public String toString() {
        return kind == Kind.REF ? (this.equals(NULL) ? "null" : desc.displayName()) : kind.name().toLowerCase();
    }
}
