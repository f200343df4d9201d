package org.fluxion.jit.codegen;

import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;

/**
 * The scalar formulas of the elementwise operations in double precision, identical to the eager kernels'
 * ({@code UnaryOp.apply}, {@code BinaryOp.apply}, which are not public); masks are 1 / 0. The switches are
 * exhaustive, so a new operation fails to compile here until it is given a formula.
 */
final class Scalar {
    private Scalar() {
    }

    static double unary(UnaryOp op, double x) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SQRT -> Math.sqrt(x);
            case RSQRT -> 1 / Math.sqrt(x);
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
            case TAN -> Math.tan(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> {
                double z = Math.exp(-Math.abs(x));
                yield x >= 0 ? 1 / (1 + z) : z / (1 + z);
            }
            case RELU -> x > 0 || Double.isNaN(x) ? x : 0;
            case IS_NAN -> Double.isNaN(x) ? 1 : 0;
            case IS_FINITE -> Double.isFinite(x) ? 1 : 0;
            case LOGICAL_NOT -> x == 0 ? 1 : 0;
        };
    }

    static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> Math.pow(a, b);
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case EQ -> a == b ? 1 : 0;
            case NE -> a != b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LOGICAL_AND -> a != 0 && b != 0 ? 1 : 0;
            case LOGICAL_OR -> a != 0 || b != 0 ? 1 : 0;
        };
    }
}
