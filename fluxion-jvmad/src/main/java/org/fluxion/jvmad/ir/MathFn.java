package org.fluxion.jvmad.ir;

import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.Collections;
import java.util.Arrays;
import java.util.List;

/**
 * The functions of {@link Math} (and {@link StrictMath}, same names) on reals that derivatives know:
 * each becomes one {@link Insn.MathCall} whose tangent and adjoint rules live in
 * {@code transform.MathRules}. Functions of {@code Math} on integers carry no derivative and are
 * called as they are.
 */
public enum MathFn {
    SIN("sin", 1), COS("cos", 1), TAN("tan", 1), ASIN("asin", 1), ACOS("acos", 1), ATAN("atan", 1),
    SINH("sinh", 1), COSH("cosh", 1), TANH("tanh", 1),
    EXP("exp", 1), EXPM1("expm1", 1), LOG("log", 1), LOG10("log10", 1), LOG1P("log1p", 1),
    SQRT("sqrt", 1), CBRT("cbrt", 1),
    ABS("abs", 1), SIGNUM("signum", 1), FLOOR("floor", 1), CEIL("ceil", 1), RINT("rint", 1),
    TO_RADIANS("toRadians", 1), TO_DEGREES("toDegrees", 1),
    POW("pow", 2), ATAN2("atan2", 2), HYPOT("hypot", 2), MAX("max", 2), MIN("min", 2),
    ABS_F("abs", 1, Type.FLOAT), SIGNUM_F("signum", 1, Type.FLOAT), MAX_F("max", 2, Type.FLOAT),
    MIN_F("min", 2, Type.FLOAT);

    private static final ClassDesc MATH = ClassDesc.of("java.lang.Math");
    private static final ClassDesc STRICT_MATH = ClassDesc.of("java.lang.StrictMath");

    private final String method;
    private final int arity;
    private final Type type;

    MathFn(String method, int arity) {
        this(method, arity, Type.DOUBLE);
    }

    MathFn(String method, int arity, Type type) {
        this.method = method;
        this.arity = arity;
        this.type = type;
    }

    /** The name of the method in {@link Math}. */
    public String method() {
        return method;
    }

    /** The number of arguments. */
    public int arity() {
        return arity;
    }

    /** The type of the arguments and of the result. */
    public Type type() {
        return type;
    }

    /** The owner of the method called by generated code: {@code Math}, or {@code StrictMath} when {@code strict}. */
    public ClassDesc owner(boolean strict) {
        return strict ? STRICT_MATH : MATH;
    }

    /** The method's descriptor, e.g. {@code (DD)D}. */
    public MethodTypeDesc descriptor() {
        ClassDesc t = type.desc();
        return MethodTypeDesc.of(t, Collections.nCopies(arity, t).toArray(ClassDesc[]::new));
    }

    /** The function called {@code name} with descriptor {@code desc} in {@code Math} or {@code StrictMath}, or null. */
    public static MathFn lookup(String name, MethodTypeDesc desc) {
        return Arrays.stream(values()).filter(f -> f.method.equals(name) && f.descriptor().equals(desc))
                .findFirst().orElse(null);
    }

    /** True when the derivative of the function is zero wherever it exists (piecewise constant). */
    public boolean isPiecewiseConstant() {
        return List.of(SIGNUM, FLOOR, CEIL, RINT, SIGNUM_F).contains(this);
    }

}
