package org.fluxion.jvmad.ir;

import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.List;

/**
 * An instruction of the register IR that bytecode is read into: the operand stack is gone (each
 * value has a variable), control flow is explicit ({@link Block}, {@link Terminator}). An instruction
 * may read the variable it writes ({@code x = x * y}); transforms take care of that.
 */
public sealed interface Insn {
    /** The variable written, or null. */
    Var dst();

    /** The operands read, in order. */
    List<Operand> operands();

    /** {@code dst = src}. */
    record Move(Var dst, Operand src) implements Insn {
        public List<Operand> operands() {
            return List.of(src);
        }
    }

    /** {@code dst = op a} (negation and the int narrowings). */
    record Unary(UnaryOp op, Var dst, Operand a) implements Insn {
        public List<Operand> operands() {
            return List.of(a);
        }
    }

    /** {@code dst = (type of dst) a}: a conversion between computational types ({@code i2d}, {@code d2f}, ...). */
    record Convert(Var dst, Operand a) implements Insn {
        public List<Operand> operands() {
            return List.of(a);
        }
    }

    /** {@code dst = a op b}, both of the same type except shifts (int count). */
    record Binary(BinaryOp op, Var dst, Operand a, Operand b) implements Insn {
        public List<Operand> operands() {
            return List.of(a, b);
        }
    }

    /**
     * {@code dst = Math.fn(args)}, or {@code StrictMath.fn(args)} when {@code strict} (the same
     * derivative rules; the primal keeps the library the code asked for, bit for bit).
     */
    record MathCall(MathFn fn, Var dst, List<Operand> args, boolean strict) implements Insn {
        public MathCall(MathFn fn, Var dst, List<Operand> args) {
            this(fn, dst, args, false);
        }

        public List<Operand> operands() {
            return args;
        }
    }

    /** {@code dst = array[index]}. */
    record ArrayLoad(Var dst, Operand array, Operand index) implements Insn {
        public List<Operand> operands() {
            return List.of(array, index);
        }
    }

    /** {@code array[index] = value}. */
    record ArrayStore(Operand array, Operand index, Operand value) implements Insn {
        public Var dst() {
            return null;
        }

        public List<Operand> operands() {
            return List.of(array, index, value);
        }
    }

    /**
     * {@code dst = new T[length]} for the array type of {@code dst} ({@code newarray} of primitives,
     * {@code anewarray} of arrays: rows null), or with {@code inner} lengths {@code new T[length][inner...]}
     * ({@code multianewarray}: every level allocated, of the given lengths).
     */
    record NewArray(Var dst, Operand length, List<Operand> inner) implements Insn {
        public NewArray(Var dst, Operand length) {
            this(dst, length, List.of());
        }

        public NewArray {
            inner = List.copyOf(inner);
            if (inner.size() >= dst.type().rank()) {
                throw new IllegalArgumentException(inner.size() + 1 + " lengths for " + dst.type());
            }
        }

        public List<Operand> operands() {
            if (inner.isEmpty()) {
                return List.of(length);
            }
            List<Operand> all = new java.util.ArrayList<>();
            all.add(length);
            all.addAll(inner);
            return all;
        }
    }

    /** {@code dst = array.length}. */
    record ArrayLength(Var dst, Operand array) implements Insn {
        public List<Operand> operands() {
            return List.of(array);
        }
    }

    /** {@code dst = callee(args)} for a method that is transformed with its caller ({@code dst} null for void). */
    record Call(Function callee, Var dst, List<Operand> args) implements Insn {
        public List<Operand> operands() {
            return args;
        }
    }

    /** {@code dst = Owner.name(args)}: a static method called as it is (integer functions of {@link Math}). */
    record Invoke(ClassDesc owner, String name, MethodTypeDesc desc, Var dst, List<Operand> args) implements Insn {
        public List<Operand> operands() {
            return args;
        }
    }

    /** Pushes a value on the function's tape (reverse mode's record, and the way results travel back). */
    record Push(Operand value) implements Insn {
        public Var dst() {
            return null;
        }

        public List<Operand> operands() {
            return List.of(value);
        }
    }

    /** {@code dst = } the value on top of the tape, removed. */
    record Pop(Var dst) implements Insn {
        public List<Operand> operands() {
            return List.of();
        }
    }

    /** Unary operators. */
    enum UnaryOp { NEG, I2B, I2C, I2S }

    /** Binary operators; the comparisons ({@code lcmp}, {@code dcmpl}, ...) give an int. */
    enum BinaryOp {
        ADD, SUB, MUL, DIV, REM, SHL, SHR, USHR, AND, OR, XOR,
        /** {@code lcmp}, {@code fcmpl}, {@code dcmpl}: -1 when either is NaN. */
        CMPL,
        /** {@code fcmpg}, {@code dcmpg}: 1 when either is NaN. */
        CMPG
    }
}
