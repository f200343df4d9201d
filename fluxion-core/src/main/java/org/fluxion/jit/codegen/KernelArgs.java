package org.fluxion.jit.codegen;

import org.fluxion.tensor.DType;

/** Validation of the arguments of a {@link FusedKernel} call, with messages naming the bad argument. */
final class KernelArgs {
    private KernelArgs() {
    }

    static void check(ElementwiseProgram p, Object[] inputs, int[] inOffsets, Object output, int outOffset,
                      int outer, int inner) {
        if (outer < 0 || inner < 0) {
            throw new IllegalArgumentException("fused kernel: negative iteration space [" + outer + ", " + inner + "]");
        }
        long n = (long) outer * inner;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fused kernel: iteration space [" + outer + ", " + inner
                    + "] has more than 2^31-1 elements");
        }
        int m = p.inputCount();
        if (inputs.length != m || inOffsets.length != m) {
            throw new IllegalArgumentException("fused kernel: the program has " + m + " inputs, got " + inputs.length
                    + " arrays and " + inOffsets.length + " offsets");
        }
        for (int j = 0; j < m; j++) {
            long need = switch (p.inputAccess(j)) {
                case FULL -> n;
                case ROW -> outer == 0 ? 0 : inner;
                case COLUMN -> inner == 0 ? 0 : outer;
                case SCALAR -> n == 0 ? 0 : 1;
            };
            checkArray(j, p.inputAccess(j), inputs[j], p.inputType(j), inOffsets[j], need);
        }
        long outNeed = switch (p.reduction()) {
            case NONE -> n;
            case SUM_INNER, MAX_INNER -> outer;
            case SUM_ALL, MAX_ALL -> 1;
        };
        checkArray(-1, null, output, p.outputType(), outOffset, outNeed);
    }

    /**
     * The extra arguments of {@link FusedKernel#runSummingRows}: a float program without reduction whose
     * {@code [outer, inner]} output splits into rows of {@code width} (equal to inner where it broadcasts a ROW or
     * COLUMN input), and a sums array of its type with {@code width} elements from {@code sumsOffset}.
     */
    static void checkRowSums(ElementwiseProgram p, Object output, int outOffset, int outer, int inner, int width,
                             Object sums, int sumsOffset) {
        if (p.reduction() != ElementwiseProgram.Reduction.NONE || p.outputType() == DType.BOOL) {
            throw new IllegalArgumentException("fused kernel: row sums need a float program without reduction, got "
                    + p.outputType().label() + " with " + p.reduction());
        }
        long n = (long) outer * inner;
        if (width <= 0 || n % width != 0) {
            throw new IllegalArgumentException("fused kernel: rows of width " + width + " do not tile the iteration "
                    + "space [" + outer + ", " + inner + "]");
        }
        int j = p.rowBroadcastInput();
        if (j >= 0 && width != inner) {
            throw new IllegalArgumentException("fused kernel: input " + j + " is broadcast as a " + p.inputAccess(j)
                    + " of rows of " + inner + ", so row sums need width " + inner + ", got " + width);
        }
        checkArray(-1, null, output, p.outputType(), outOffset, n);
        checkArray(-2, null, sums, p.outputType(), sumsOffset, width);
    }

    /** Checks input {@code j} (of the given access), or what {@link #what} names for {@code j < 0}; messages are built only on failure. */
    private static void checkArray(int j, ElementwiseProgram.Access access, Object a, DType type, int offset, long need) {
        int length = switch (type) {
            case FLOAT32 -> a instanceof float[] f ? f.length : -1;
            case FLOAT64 -> a instanceof double[] d ? d.length : -1;
            case BOOL -> a instanceof boolean[] b ? b.length : -1;
            default -> throw new AssertionError(type);
        };
        if (length < 0) {
            throw new IllegalArgumentException("fused kernel: " + what(j, access) + " must be a " + type.label() + " array ("
                    + switch (type) { case FLOAT32 -> "float[]"; case FLOAT64 -> "double[]"; default -> "boolean[]"; }
                    + "), got " + (a == null ? "null" : a.getClass().getSimpleName()));
        }
        if (offset < 0 || offset + need > length) {
            throw new IllegalArgumentException("fused kernel: " + what(j, access) + " needs elements [" + offset + ", "
                    + (offset + need) + ") but has length " + length);
        }
    }

    /** Input {@code j} (with its access), the output ({@code j == -1}) or the row sums ({@code j == -2}). */
    private static String what(int j, ElementwiseProgram.Access access) {
        return j == -1 ? "output" : j == -2 ? "row sums" : "input " + j + " (" + access + ")";
    }
}
