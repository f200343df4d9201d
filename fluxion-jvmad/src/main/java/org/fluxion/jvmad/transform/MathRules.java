package org.fluxion.jvmad.transform;

import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.MathFn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.read.Program;
import org.fluxion.jvmad.runtime.Rules;

/**
 * The partial derivatives of each {@link MathFn}, emitted as IR from the arguments {@code x} (and
 * {@code y}) and the result {@code v}: forward mode multiplies them by tangents, reverse mode by the
 * result's adjoint. The case analyses (|x|, max, min, pow at 0) are calls of {@link Rules}.
 */
final class MathRules {
    private static final double LN10 = Math.log(10);
    private final Program program;

    MathRules(Program program) {
        this.program = program;
    }

    /** True when the partials read the result {@code v} (so reverse mode records it). */
    static boolean needsResult(MathFn fn) {
        return switch (fn) {
            case TAN, TANH, EXP, EXPM1, SQRT, CBRT, POW, HYPOT -> true;
            default -> false;
        };
    }

    /** True when the partials read the arguments (so reverse mode records them). */
    static boolean needsArgs(MathFn fn) {
        return switch (fn) {
            case TAN, TANH, EXP, EXPM1, SQRT, CBRT, TO_RADIANS, TO_DEGREES -> false;
            default -> !fn.isPiecewiseConstant();
        };
    }

    /**
     * The partials {@code d fn / d args[i]}, in the function's type; those not {@code wanted} (of a
     * constant argument) are zero and cost nothing.
     */
    List<Operand> partials(Builder b, MathFn fn, List<Operand> args, Operand v, boolean[] wanted) {
        if (fn.type().kind() == Type.Kind.FLOAT) {
            List<Operand> wide = args.stream().map(a -> b.convert(a, Type.DOUBLE)).toList();
            List<Operand> p = partials(b, doubleVersion(fn), wide, v == null ? null : b.convert(v, Type.DOUBLE),
                    wanted);
            return p.stream().map(o -> b.convert(o, Type.FLOAT)).toList();
        }
        if (fn.isPiecewiseConstant()) {
            return Collections.nCopies(fn.arity(), Const.ofDouble(0));
        }
        Operand x = args.getFirst();
        Operand one = Const.ofDouble(1);
        return switch (fn) {
            case SIN -> List.of(b.math(MathFn.COS, x));
            case COS -> List.of(b.neg(b.math(MathFn.SIN, x)));
            case TAN -> List.of(b.add(one, b.mul(v, v)));
            case ASIN -> List.of(b.div(one, b.math(MathFn.SQRT, b.sub(one, b.mul(x, x)))));
            case ACOS -> List.of(b.neg(b.div(one, b.math(MathFn.SQRT, b.sub(one, b.mul(x, x))))));
            case ATAN -> List.of(b.div(one, b.add(one, b.mul(x, x))));
            case SINH -> List.of(b.math(MathFn.COSH, x));
            case COSH -> List.of(b.math(MathFn.SINH, x));
            case TANH -> List.of(b.sub(one, b.mul(v, v)));
            case EXP -> List.of(v);
            case EXPM1 -> List.of(b.add(v, one));
            case LOG -> List.of(b.div(one, x));
            case LOG10 -> List.of(b.div(one, b.mul(x, Const.ofDouble(LN10))));
            case LOG1P -> List.of(b.div(one, b.add(one, x)));
            case SQRT -> List.of(b.div(Const.ofDouble(0.5), v));
            case CBRT -> List.of(b.div(one, b.mul(Const.ofDouble(3), b.mul(v, v))));
            case ABS -> List.of(b.call(rule("absDerivative", 1), x));
            case TO_RADIANS -> List.of(Const.ofDouble(Math.PI / 180));
            case TO_DEGREES -> List.of(Const.ofDouble(180 / Math.PI));
            case POW, ATAN2, HYPOT, MAX, MIN -> binaryPartials(b, fn, args, v, wanted);
            default -> throw new IllegalStateException("no rule for Math." + fn.method());
        };
    }

    /** Partials of pow, atan2, hypot, max and min; an unwanted one is zero. */
    private List<Operand> binaryPartials(Builder b, MathFn fn, List<Operand> args, Operand v, boolean[] wanted) {
        Operand x = args.get(0);
        Operand y = args.get(1);
        Operand zero = Const.ofDouble(0);
        return switch (fn) {
            case POW -> List.of(wanted[0] ? b.call(rule("powBase", 2), x, y) : zero,
                    wanted[1] ? b.call(rule("powExponent", 3), x, y, v) : zero);
            case ATAN2 -> {
                // atan2(y, x) with y the first argument: d/dy = x / (x^2 + y^2), d/dx = -y / (x^2 + y^2).
                Operand r2 = b.add(b.mul(y, y), b.mul(x, x));
                yield List.of(wanted[0] ? b.div(y, r2) : zero, wanted[1] ? b.neg(b.div(x, r2)) : zero);
            }
            case HYPOT -> List.of(wanted[0] ? b.call(rule("hypotPartial", 2), x, v) : zero,
                    wanted[1] ? b.call(rule("hypotPartial", 2), y, v) : zero);
            case MAX -> List.of(wanted[0] ? b.call(rule("maxFirst", 2), x, y) : zero,
                    wanted[1] ? b.call(rule("maxFirst", 2), y, x) : zero);
            case MIN -> List.of(wanted[0] ? b.call(rule("minFirst", 2), x, y) : zero,
                    wanted[1] ? b.call(rule("minFirst", 2), y, x) : zero);
            default -> throw new IllegalStateException("Math." + fn.method() + " is not binary");
        };
    }

    private static MathFn doubleVersion(MathFn fn) {
        return switch (fn) {
            case ABS_F -> MathFn.ABS;
            case SIGNUM_F -> MathFn.SIGNUM;
            case MAX_F -> MathFn.MAX;
            case MIN_F -> MathFn.MIN;
            default -> fn;
        };
    }

    private Function rule(String name, int arity) {
        List<java.lang.constant.ClassDesc> params = new ArrayList<>(Collections.nCopies(arity, ConstantDescs.CD_double));
        return program.runtimeFunction(Rules.class, name,
                MethodTypeDesc.of(ConstantDescs.CD_double, params.toArray(java.lang.constant.ClassDesc[]::new)));
    }
}
