package org.fluxion.jvmad.transform;

import java.util.List;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.MathFn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Appends derivative code to a block, with the algebra of zeros and ones folded away (a zero tangent
 * contributes nothing, as JAX's symbolic zeros: a product with a zero tangent is zero even when the
 * other factor is infinite).
 */
final class Builder {
    private final Function fn;
    private Block block;
    private List<Insn> out;

    Builder(Function fn, Block block) {
        this.fn = fn;
        setBlock(block);
    }

    Function function() {
        return fn;
    }

    Block block() {
        return block;
    }

    /** Appends to {@code block} from now on. */
    void setBlock(Block block) {
        this.block = block;
        this.out = block == null ? null : block.insns();
    }

    /** Appends to {@code list} from now on (code that is placed later, e.g. a reverse sweep). */
    void setList(List<Insn> list) {
        this.block = null;
        this.out = list;
    }

    void add(Insn insn) {
        out.add(insn);
    }

    Var temp(Type t, String name) {
        return fn.newVar(t, name);
    }

    static boolean isZero(Operand o) {
        return o instanceof Const c && c.isNumber(0);
    }

    static boolean isOne(Operand o) {
        return o instanceof Const c && c.isNumber(1);
    }

    Operand add(Operand a, Operand b) {
        if (isZero(a)) {
            return b;
        }
        if (isZero(b)) {
            return a;
        }
        return binary(Insn.BinaryOp.ADD, a, b);
    }

    Operand sub(Operand a, Operand b) {
        if (isZero(b)) {
            return a;
        }
        if (isZero(a)) {
            return neg(b);
        }
        return binary(Insn.BinaryOp.SUB, a, b);
    }

    Operand mul(Operand a, Operand b) {
        if (isZero(a) || isZero(b)) {
            return Const.zero(a.type());
        }
        if (isOne(a)) {
            return b;
        }
        if (isOne(b)) {
            return a;
        }
        return binary(Insn.BinaryOp.MUL, a, b);
    }

    Operand div(Operand a, Operand b) {
        if (isZero(a)) {
            return Const.zero(a.type());
        }
        if (isOne(b)) {
            return a;
        }
        return binary(Insn.BinaryOp.DIV, a, b);
    }

    Operand neg(Operand a) {
        if (isZero(a)) {
            return a;
        }
        Var t = temp(a.type(), "neg");
        add(new Insn.Unary(Insn.UnaryOp.NEG, t, a));
        return t;
    }

    Operand binary(Insn.BinaryOp op, Operand a, Operand b) {
        if (!a.type().equals(b.type()) && op.ordinal() <= Insn.BinaryOp.REM.ordinal()) {
            throw new IllegalStateException(op + " of " + a.type() + " and " + b.type());
        }
        Var t = temp(a.type(), "d");
        add(new Insn.Binary(op, t, a, b));
        return t;
    }

    /** {@code (type) a}; constants are converted here. */
    Operand convert(Operand a, Type type) {
        if (a.type().equals(type)) {
            return a;
        }
        if (a instanceof Const c && c.value() instanceof Number n) {
            return switch (type.kind()) {
                case DOUBLE -> Const.ofDouble(n.doubleValue());
                case FLOAT -> new Const(type, n.floatValue());
                case INT -> Const.ofInt(n.intValue());
                case LONG -> new Const(type, n.longValue());
                case REF -> throw new IllegalStateException("number to reference");
            };
        }
        Var t = temp(type, "cv");
        add(new Insn.Convert(t, a));
        return t;
    }

    Operand math(MathFn fn, Operand... args) {
        Var t = temp(fn.type(), fn.method());
        add(new Insn.MathCall(fn, t, List.of(args)));
        return t;
    }

    Operand call(Function callee, Operand... args) {
        Var t = temp(callee.returnType(), callee.name());
        add(new Insn.Call(callee, t, List.of(args)));
        return t;
    }

    /**
     * The quotient {@code q = trunc(a / c)} of {@code r = a % c}, from {@code a = c q + r}: the partial
     * {@code d(a % c)/dc = -q}. Rounded, since {@code (a - r) / c} is an integer up to rounding.
     */
    Operand remQuotient(Operand a, Operand c, Operand r) {
        Operand q = math(MathFn.RINT, convert(div(sub(a, r), c), Type.DOUBLE));
        return convert(q, a.type());
    }

    /** {@code v = src} into a fresh variable (to keep a value that a later instruction overwrites). */
    Var copy(Operand src, String name) {
        Var t = temp(src.type(), name);
        add(new Insn.Move(t, src));
        return t;
    }

    /** A zero shadow for a constant array operand: a new array of the same length. */
    Operand zeroArrayLike(Operand array) {
        if (array instanceof Const c && c.value() == null) {
            return new Const(array.type(), null);
        }
        Var length = temp(Type.INT, "len");
        add(new Insn.ArrayLength(length, array));
        Var t = temp(array.type(), "zeros");
        add(new Insn.NewArray(t, length));
        return t;
    }
}
