package org.fluxion.jvmad.ir;

/**
 * A constant operand: an {@link Integer}, {@link Long}, {@link Float} or {@link Double}, {@code null},
 * or an array object read from a {@code static final} field (a constant of the derivative: its
 * elements carry no derivative, and the generated class holds the array itself as class data).
 *
 * @param type  the constant's type
 * @param value the boxed value, {@code null}, or the array
 */
public record Const(Type type, Object value) implements Operand {
    public static Const ofInt(int v) {
        return new Const(Type.INT, v);
    }

    public static Const ofDouble(double v) {
        return new Const(Type.DOUBLE, v);
    }

    /** The constant {@code 0} of a numeric type. */
    public static Const zero(Type type) {
        return switch (type.kind()) {
            case INT -> ofInt(0);
            case LONG -> new Const(type, 0L);
            case FLOAT -> new Const(type, 0f);
            case DOUBLE -> ofDouble(0);
            case REF -> new Const(type, null);
        };
    }

    /** The constant {@code v} as a value of the real type {@code type}. */
    public static Const real(Type type, double v) {
        return type.kind() == Type.Kind.FLOAT ? new Const(type, (float) v) : new Const(type, v);
    }

    /** True when this is an array object (and not a number or null). */
    public boolean isArray() {
        return value != null && value.getClass().isArray();
    }

    /** True when this is a number equal to {@code v}. */
    public boolean isNumber(double v) {
        return value instanceof Number n && n.doubleValue() == v;
    }

    @Override
    public String toString() {
        if (isArray()) {
            return "const " + type;
        }
        return String.valueOf(value);
    }
}
