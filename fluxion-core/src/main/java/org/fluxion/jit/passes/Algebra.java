package org.fluxion.jit.passes;

import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Cast;
import org.fluxion.ops.Unary;
import org.fluxion.ops.UnaryOp;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.ops.ViewPrimitives.Reshape;

/**
 * Algebraic simplification: rewrites that make an equation unnecessary. Each returns the value that
 * replaces the equation's output, or null. Only identities that hold in IEEE arithmetic are used
 * ({@code x * 0} is not {@code 0} when x is NaN or infinite, so it stays), with one exception made by
 * XLA too: {@code x + 0} becomes {@code x}, which keeps the sign of a {@code -0} that the addition
 * would have turned into {@code +0}.
 */
final class Algebra {
    private Algebra() {
    }

    static Value simplify(Equation e) {
        Value[] in = e.inputs();
        Value out = e.output();
        return switch (e.primitive()) {
            case Binary b -> binary(b.op(), in[0], in[1], out);
            case Unary u when u.op() == UnaryOp.NEG -> negNeg(in[0]);
            case Cast c -> in[0].type().equals(out.type()) ? in[0] : null;
            case Expand x -> in[0].type().equals(out.type()) ? in[0] : null;
            case Reshape r -> reshape(in[0], out);
            case Permute p -> permute(p.order(), in[0], out);
            default -> null;
        };
    }

    /** x*1, 1*x, x/1, x+0, 0+x, x-0 when the result has x's type (no broadcast, no promotion). */
    private static Value binary(BinaryOp op, Value a, Value b, Value out) {
        return switch (op) {
            case MUL -> isConstant(b, 1) && a.type().equals(out.type()) ? a
                    : isConstant(a, 1) && b.type().equals(out.type()) ? b : null;
            case DIV -> isConstant(b, 1) && a.type().equals(out.type()) ? a : null;
            case ADD -> isConstant(b, 0) && a.type().equals(out.type()) ? a
                    : isConstant(a, 0) && b.type().equals(out.type()) ? b : null;
            case SUB -> isConstant(b, 0) && a.type().equals(out.type()) ? a : null;
            default -> null;
        };
    }

    /** -(-x) = x. */
    private static Value negNeg(Value x) {
        Equation p = producer(x);
        return p != null && p.primitive() instanceof Unary u && u.op() == UnaryOp.NEG ? p.inputs()[0] : null;
    }

    /** A reshape to the same shape disappears; reshape(reshape(x)) reads x directly. */
    private static Value reshape(Value x, Value out) {
        if (x.type().equals(out.type())) {
            return x;
        }
        Equation p = producer(x);
        if (p != null && p.primitive() instanceof Reshape && p.inputs()[0].type().equals(out.type())) {
            return p.inputs()[0];
        }
        return null;
    }

    /** The identity permutation and a permutation undone by the next (double transpose) disappear. */
    private static Value permute(int[] order, Value x, Value out) {
        boolean identity = true;
        for (int i = 0; i < order.length; i++) {
            identity &= order[i] == i;
        }
        if (identity) {
            return x;
        }
        Equation p = producer(x);
        if (p != null && p.primitive() instanceof Permute inner) {
            int[] composed = new int[order.length];
            boolean undone = true;
            for (int i = 0; i < order.length; i++) {
                composed[i] = inner.order()[order[i]];
                undone &= composed[i] == i;
            }
            if (undone) {
                return p.inputs()[0];
            }
        }
        return null;
    }

    /** True for a small constant whose elements are all {@code value}. */
    private static boolean isConstant(Value v, double value) {
        Double u = v.uniformValue(64);
        return u != null && u == value;
    }

    /** The equation computing {@code v}, tracked while the optimizer runs; null for inputs and constants. */
    private static Equation producer(Value v) {
        return v.producer();
    }
}
