package org.fluxion.jit.codegen;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;

/**
 * A straight-line SSA program computed elementwise over an iteration space {@code [outer, inner]}
 * (row-major), in one floating dtype ({@link DType#FLOAT32} or {@link DType#FLOAT64}).
 *
 * <p>Each instruction defines one value, numbered from 0 in program order ({@code %0, %1, ...}); a value is
 * either a <em>float</em> of the program's dtype or a <em>mask</em> (a boolean). Instructions are inputs
 * (read from arrays according to their {@link Access}), constants, {@link UnaryOp}s, {@link BinaryOp}s,
 * {@code where(mask, a, b)} and {@code toFloat(mask)}. For element {@code (o, i)}, {@code 0 <= o < outer},
 * {@code 0 <= i < inner}, the result value {@code r(o, i)} is stored or folded according to the
 * {@link Reduction}.
 *
 * <p>Typing (checked by the {@link Builder}, which throws {@link IllegalArgumentException} naming the
 * instruction):
 * <ul>
 *   <li>unary {@code IS_NAN, IS_FINITE}: float → mask; {@code LOGICAL_NOT}: float ({@code x == 0}) or
 *       mask → mask; every other unary op: float → float;</li>
 *   <li>binary {@code EQ, NE, LT, LE, GT, GE}: float × float → mask; {@code LOGICAL_AND, LOGICAL_OR}:
 *       float or mask operands (a float tests {@code != 0}) → mask; every other binary op:
 *       float × float → float;</li>
 *   <li>{@code where}: mask × float × float → float; {@code toFloat}: mask → float (1 or 0).</li>
 * </ul>
 * Each operation means exactly what the eager kernel of the same {@link UnaryOp} / {@link BinaryOp}
 * computes; in a float32 program every intermediate value is a float32, as in eager execution.
 *
 * <p>Immutable, with structural {@link #equals}/{@link #hashCode} (a compiled-kernel cache key) and a
 * readable {@link #toString}, e.g.
 * <pre>
 * float32 program
 *   %0 = input float32 FULL
 *   %1 = const 1.5
 *   %2 = mul %0 %1
 *   %3 = exp %2
 *   result %3 SUM_INNER
 * </pre>
 */
public final class ElementwiseProgram {
    /** How an input array is indexed at element {@code (o, i)} (relative to the input's offset). */
    public enum Access {
        /** Element {@code o * inner + i}: a dense array of the iteration space's shape. */
        FULL,
        /** Element {@code i}: one row, broadcast along outer. */
        ROW,
        /** Element {@code o}: one column, broadcast along inner. */
        COLUMN,
        /** Element 0: a scalar broadcast everywhere. */
        SCALAR
    }

    /**
     * What is done with the result value {@code r(o, i)}. Sums are accumulated in the program's dtype over
     * blocks of at most a few thousand elements and across blocks in double precision, then rounded once;
     * maxima propagate NaN ({@link Math#max}); the max over an empty set is {@code -inf}, the sum 0.
     */
    public enum Reduction {
        /** {@code out[o * inner + i] = r(o, i)}: output shape {@code [outer, inner]}. */
        NONE,
        /** {@code out[o] = sum_i r(o, i)}: output shape {@code [outer]}. */
        SUM_INNER,
        /** {@code out[o] = max_i r(o, i)}: output shape {@code [outer]}. */
        MAX_INNER,
        /** {@code out[0] = sum_{o,i} r(o, i)}: one output element. */
        SUM_ALL,
        /** {@code out[0] = max_{o,i} r(o, i)}: one output element. */
        MAX_ALL;

        /** True for the reductions over inner only. */
        public boolean perRow() {
            return this == SUM_INNER || this == MAX_INNER;
        }

        /** True for the reductions over everything. */
        public boolean all() {
            return this == SUM_ALL || this == MAX_ALL;
        }

        /** True for the sums. */
        public boolean sum() {
            return this == SUM_INNER || this == SUM_ALL;
        }
    }

    /** The kind of an instruction. */
    public enum Kind { INPUT, CONST, UNARY, BINARY, WHERE, TO_FLOAT }

    /**
     * One instruction: its kind, operation ({@link UnaryOp}, {@link BinaryOp} or null), operand value ids,
     * the input's dtype and access (inputs), the constant (constants), and whether it defines a mask. Public so
     * that other code generators (the GPU module's CUDA C) read programs; a program cannot be changed through it.
     */
    public record Instr(Kind kind, Enum<?> op, int[] args, DType inputType, Access access, double constant,
                 boolean mask, int inputIndex) {
        /** Operand {@code i}'s value id. */
        public int arg(int i) {
            return args[i];
        }

        /** The operands' value ids (a copy). */
        @Override
        public int[] args() {
            return args.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Instr x && kind == x.kind && op == x.op && Arrays.equals(args, x.args)
                    && inputType == x.inputType && access == x.access
                    && Double.doubleToLongBits(constant) == Double.doubleToLongBits(x.constant)
                    && mask == x.mask && inputIndex == x.inputIndex;
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, op, Arrays.hashCode(args), inputType, access,
                    Double.doubleToLongBits(constant), mask, inputIndex);
        }

        String format(int id) {
            String rhs = switch (kind) {
                case INPUT -> "input#" + inputIndex + " " + inputType.label() + " " + access;
                case CONST -> "const " + constant;
                case UNARY -> ((UnaryOp) op).label() + " %" + args[0];
                case BINARY -> ((BinaryOp) op).label() + " %" + args[0] + " %" + args[1];
                case WHERE -> "where %" + args[0] + " %" + args[1] + " %" + args[2];
                case TO_FLOAT -> "tofloat %" + args[0];
            };
            return "%" + id + " = " + rhs + (mask ? "  : mask" : "");
        }
    }

    private final DType dtype;
    private final List<Instr> instrs;
    private final int result;
    private final Reduction reduction;
    private final int inputCount;
    /** The INPUT instruction of each input index: every kernel call checks its arguments against them. */
    private final Instr[] inputs;

    private ElementwiseProgram(DType dtype, List<Instr> instrs, int result, Reduction reduction) {
        this.dtype = dtype;
        this.instrs = List.copyOf(instrs);
        this.result = result;
        this.reduction = reduction;
        this.inputCount = (int) instrs.stream().filter(x -> x.kind == Kind.INPUT).count();
        this.inputs = new Instr[inputCount];
        for (Instr x : instrs) {
            if (x.kind == Kind.INPUT && x.inputIndex >= 0 && x.inputIndex < inputCount) {
                inputs[x.inputIndex] = x;
            }
        }
    }

    /** A builder of a program computing in {@code dtype} (FLOAT32 or FLOAT64). */
    public static Builder builder(DType dtype) {
        return new Builder(dtype);
    }

    /** The dtype every float value has. */
    public DType dtype() {
        return dtype;
    }

    /** Number of inputs, i.e. the length of the {@code inputs} array a kernel takes. */
    public int inputCount() {
        return inputCount;
    }

    /** Dtype of input {@code j} (the program's dtype, or BOOL). */
    public DType inputType(int j) {
        return input(j).inputType;
    }

    /** Access of input {@code j}. */
    public Access inputAccess(int j) {
        return input(j).access;
    }

    private Instr input(int j) {
        if (j >= 0 && j < inputs.length && inputs[j] != null) {
            return inputs[j];
        }
        throw new IndexOutOfBoundsException("input " + j + " of a program with " + inputCount + " inputs");
    }

    /**
     * The first input read as a ROW or COLUMN broadcast, or -1 when none is: such an input ties the kernel to the
     * {@code [outer, inner]} split it was built for (its index is {@code i} or {@code o}), where FULL and SCALAR
     * inputs read the same elements under any split of the same space.
     */
    public int rowBroadcastInput() {
        for (int j = 0; j < inputCount(); j++) {
            if (inputAccess(j) == Access.ROW || inputAccess(j) == Access.COLUMN) {
                return j;
            }
        }
        return -1;
    }

    /** The value id of the result. */
    public int result() {
        return result;
    }

    /** What is done with the result. */
    public Reduction reduction() {
        return reduction;
    }

    /** True when the result is a mask (the output is a {@code boolean[]}). */
    public boolean resultIsMask() {
        return instrs.get(result).mask;
    }

    /** The dtype of the output array: BOOL for a mask result, else the program's dtype. */
    public DType outputType() {
        return resultIsMask() ? DType.BOOL : dtype;
    }

    /** Number of instructions (values). */
    public int size() {
        return instrs.size();
    }

    /** The instructions, value {@code k} defined by instruction {@code k} (unmodifiable). */
    public List<Instr> instructions() {
        return instrs;
    }

    /** Which values the result depends on (dead instructions are skipped by the kernels). */
    public boolean[] live() {
        boolean[] live = new boolean[instrs.size()];
        live[result] = true;
        for (int k = instrs.size() - 1; k >= 0; k--) {
            if (live[k]) {
                for (int a : instrs.get(k).args) {
                    live[a] = true;
                }
            }
        }
        return live;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ElementwiseProgram p && dtype == p.dtype && result == p.result
                && reduction == p.reduction && instrs.equals(p.instrs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, instrs, result, reduction);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(dtype.label()).append(" program\n");
        for (int k = 0; k < instrs.size(); k++) {
            s.append("  ").append(instrs.get(k).format(k)).append('\n');
        }
        return s.append("  result %").append(result).append(' ').append(reduction).toString();
    }

    /**
     * Appends instructions and returns each one's value id. Every method validates its operands at once
     * and throws {@link IllegalArgumentException} naming the instruction being added.
     */
    public static final class Builder {
        private final DType dtype;
        private final List<Instr> instrs = new ArrayList<>();
        private int inputs;

        private Builder(DType dtype) {
            if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
                throw new IllegalArgumentException("elementwise program: dtype must be float32 or float64, got " + dtype);
            }
            this.dtype = dtype;
        }

        /**
         * The next input (inputs are numbered 0, 1, ... in the order of these calls): an array of
         * {@code dtype} (the program's dtype, or BOOL for a mask given as a {@code boolean[]}) read with
         * {@code access}.
         */
        public int input(DType dtype, Access access) {
            Objects.requireNonNull(access, "access");
            if (dtype != this.dtype && dtype != DType.BOOL) {
                throw new IllegalArgumentException(describe("input#" + inputs + " " + dtype + " " + access)
                        + ": an input must have the program's dtype " + this.dtype.label() + " or bool");
            }
            return add(new Instr(Kind.INPUT, null, new int[0], dtype, access, 0, dtype == DType.BOOL, inputs++));
        }

        /** A constant (rounded to float32 in a float32 program). */
        public int constant(double value) {
            double v = dtype == DType.FLOAT32 ? (float) value : value;
            return add(new Instr(Kind.CONST, null, new int[0], null, null, v, false, -1));
        }

        /** {@code op(a)}; see the class comment for which ops give masks. */
        public int unary(UnaryOp op, int a) {
            Objects.requireNonNull(op, "op");
            String what = describe(op.label() + " %" + a);
            check(what, a);
            boolean mask = switch (op) {
                case IS_NAN, IS_FINITE -> {
                    requireFloat(what, a);
                    yield true;
                }
                case LOGICAL_NOT -> true;
                default -> {
                    requireFloat(what, a);
                    yield false;
                }
            };
            return add(new Instr(Kind.UNARY, op, new int[] {a}, null, null, 0, mask, -1));
        }

        /** {@code op(a, b)}; see the class comment for which ops give masks. */
        public int binary(BinaryOp op, int a, int b) {
            Objects.requireNonNull(op, "op");
            String what = describe(op.label() + " %" + a + " %" + b);
            check(what, a);
            check(what, b);
            boolean mask = switch (op) {
                case LOGICAL_AND, LOGICAL_OR -> true;
                case EQ, NE, LT, LE, GT, GE -> {
                    requireFloat(what, a);
                    requireFloat(what, b);
                    yield true;
                }
                default -> {
                    requireFloat(what, a);
                    requireFloat(what, b);
                    yield false;
                }
            };
            return add(new Instr(Kind.BINARY, op, new int[] {a, b}, null, null, 0, mask, -1));
        }

        /** {@code mask ? a : b}. */
        public int where(int mask, int a, int b) {
            String what = describe("where %" + mask + " %" + a + " %" + b);
            check(what, mask);
            check(what, a);
            check(what, b);
            requireMask(what, mask);
            requireFloat(what, a);
            requireFloat(what, b);
            return add(new Instr(Kind.WHERE, null, new int[] {mask, a, b}, null, null, 0, false, -1));
        }

        /** 1.0 where {@code mask} is true, 0.0 where false (a cast from bool). */
        public int toFloat(int mask) {
            String what = describe("tofloat %" + mask);
            check(what, mask);
            requireMask(what, mask);
            return add(new Instr(Kind.TO_FLOAT, null, new int[] {mask}, null, null, 0, false, -1));
        }

        /**
         * The program computing value {@code result} with {@code reduction}; a mask result needs
         * {@link Reduction#NONE}. The builder may be used further.
         */
        public ElementwiseProgram build(int result, Reduction reduction) {
            Objects.requireNonNull(reduction, "reduction");
            String what = "elementwise program: result %" + result + " " + reduction;
            check(what, result);
            if (instrs.get(result).mask && reduction != Reduction.NONE) {
                throw new IllegalArgumentException(what + ": %" + result + " (" + instrs.get(result).format(result)
                        + ") is a mask; a mask result cannot be reduced (use toFloat first)");
            }
            return new ElementwiseProgram(dtype, instrs, result, reduction);
        }

        private String describe(String rhs) {
            return "elementwise program: instruction %" + instrs.size() + " = " + rhs;
        }

        private void check(String what, int id) {
            if (id < 0 || id >= instrs.size()) {
                throw new IllegalArgumentException(what + ": value %" + id + " is out of range (defined values: %0.."
                        + (instrs.size() - 1) + ")");
            }
        }

        private void requireFloat(String what, int id) {
            if (instrs.get(id).mask) {
                throw new IllegalArgumentException(what + ": operand %" + id + " (" + instrs.get(id).format(id)
                        + ") is a mask where a " + dtype.label() + " value is needed (use toFloat)");
            }
        }

        private void requireMask(String what, int id) {
            if (!instrs.get(id).mask) {
                throw new IllegalArgumentException(what + ": operand %" + id + " (" + instrs.get(id).format(id)
                        + ") is a " + dtype.label() + " value where a mask is needed (compare it first)");
            }
        }

        private int add(Instr x) {
            instrs.add(x);
            return instrs.size() - 1;
        }
    }
}
