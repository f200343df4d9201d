package org.fluxion.jit.passes;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.FusedKernel;
import org.fluxion.jit.codegen.FusionCompiler;
import org.fluxion.jit.exec.Pool;
import org.fluxion.jit.ir.Printer;
import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.ops.IntoBuffer;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A fused elementwise chain (with an optional trailing reduction) as one step of a compiled plan: a
 * kernel generated for its {@link ElementwiseProgram} reads each input once and writes the result once,
 * with no temporaries. Fusion runs after differentiation, so this primitive has no derivative rules.
 *
 * <p>The iteration space is {@code [outer, inner]}; each input is indexed as its access says (dense,
 * a row broadcast along outer, a column broadcast along inner, or a scalar).
 */
final class Fused implements CompilerPrimitive, Printer.Described, IntoBuffer {
    final ElementwiseProgram program;
    private final FusedKernel kernel;
    private final TensorType type;
    private final int outer;
    private final int inner;

    /** Per input: ROW or COLUMN when it is repeated into a dense array before the kernel runs; else null. */
    private final ElementwiseProgram.Access[] repeats;
    /** Whether no input is repeated ({@link #repeats} all null). */
    private final boolean noRepeats;
    /** The row length of the broadcast pattern that {@link #repeats} expands. */
    private final int rowLength;
    /** SUM_INNER or MAX_INNER when the kernel computes the flat values and each row is folded after; else null. */
    private final ElementwiseProgram.Reduction rowFold;
    /**
     * Scratch arrays kept from call to call, one set per concurrent call, owned by this step (freed with its
     * plan): slot j for input j's repeated copy, the last slot for the flat values of a row fold. They never
     * leave the kernel call.
     */
    private final Pool<Object[][]> scratch;

    /**
     * @param repeats per input, ROW ({@code dense[q] = x[q % rowLength]}) or COLUMN
     *                ({@code dense[q] = x[q / rowLength]}) for an input to expand before the kernel (whose
     *                program reads it FULL), or null
     * @param rowFold SUM_INNER or MAX_INNER to fold rows of {@code rowLength} after a flat kernel, or null
     */
    Fused(ElementwiseProgram program, TensorType type, int outer, int inner, ElementwiseProgram.Access[] repeats,
          int rowLength, ElementwiseProgram.Reduction rowFold) {
        int slots = repeats.length + 1;
        this.scratch = new Pool<>(() -> {
            Object[][] s = new Object[slots][];
            for (int i = 0; i < slots; i++) {
                s[i] = new Object[1];
            }
            return s;
        });
        this.program = program;
        this.kernel = FusionCompiler.compile(program);
        this.type = type;
        this.outer = outer;
        this.inner = inner;
        this.repeats = repeats;
        boolean none = true;
        for (ElementwiseProgram.Access r : repeats) {
            none &= r == null;
        }
        this.noRepeats = none;
        this.rowLength = rowLength;
        this.rowFold = rowFold;
    }

    /** {@code out[r] = sum or max of flat[r * rowLength .. (r + 1) * rowLength)}, summed in double. */
    private void foldRows(Storage flat, Storage out) {
        boolean sum = rowFold == ElementwiseProgram.Reduction.SUM_INNER;
        int rows = out.length();
        int w = rowLength;
        // One loop per case (sum or max, float or double): the rows are often short (a softmax over a few
        // classes), so a test inside the inner loop would cost as much as the fold.
        if (flat.array() instanceof float[] f) {
            float[] o = out.floats();
            if (w == 2) { // two classes: the loop over a row's two elements cost more than the fold
                for (int r = 0, q = 0; r < rows; r++, q += 2) {
                    o[r] = (float) (sum ? (double) f[q] + f[q + 1] : Math.max((double) f[q], f[q + 1]));
                }
            } else if (sum) {
                for (int r = 0, q = 0; r < rows; r++, q += w) {
                    double acc = f[q];
                    for (int k = 1; k < w; k++) {
                        acc += f[q + k];
                    }
                    o[r] = (float) acc;
                }
            } else {
                for (int r = 0, q = 0; r < rows; r++, q += w) {
                    double acc = f[q];
                    for (int k = 1; k < w; k++) {
                        acc = Math.max(acc, f[q + k]);
                    }
                    o[r] = (float) acc;
                }
            }
        } else {
            double[] f = flat.doubles();
            double[] o = out.doubles();
            if (sum) {
                for (int r = 0, q = 0; r < rows; r++, q += w) {
                    double acc = f[q];
                    for (int k = 1; k < w; k++) {
                        acc += f[q + k];
                    }
                    o[r] = acc;
                }
            } else {
                for (int r = 0, q = 0; r < rows; r++, q += w) {
                    double acc = f[q];
                    for (int k = 1; k < w; k++) {
                        acc = Math.max(acc, f[q + k]);
                    }
                    o[r] = acc;
                }
            }
        }
    }

    /** The dense [outer * inner] array of a broadcast row ({@code x[q % rowLength]}) or column ({@code x[q / rowLength]}). */
    private Object repeat(Object src, int offset, boolean row, Object[] slot) {
        int size = outer * inner;
        int w = rowLength;
        int rows = size / w;
        // Separate loops for rows and columns: rows are often short (a softmax over a few classes), so a test
        // per element would cost as much as the copy.
        if (src instanceof float[] f) {
            float[] d = slot[0] instanceof float[] r ? r : new float[size];
            slot[0] = d;
            if (w == 2) { // two classes: unrolled, as the loop over a row's two elements cost more than the copy
                float a0 = f[offset];
                float a1 = row ? f[offset + 1] : 0;
                for (int r = 0, q = 0; r < rows; r++, q += 2) {
                    float v = row ? a0 : f[offset + r];
                    d[q] = v;
                    d[q + 1] = row ? a1 : v;
                }
            } else if (row) {
                for (int r = 0, q = 0; r < rows; r++) {
                    for (int k = 0; k < w; k++) {
                        d[q++] = f[offset + k];
                    }
                }
            } else {
                for (int r = 0, q = 0; r < rows; r++) {
                    float v = f[offset + r];
                    for (int k = 0; k < w; k++) {
                        d[q++] = v;
                    }
                }
            }
            return d;
        }
        if (src instanceof double[] f) {
            double[] d = slot[0] instanceof double[] r ? r : new double[size];
            slot[0] = d;
            if (row) {
                for (int r = 0, q = 0; r < rows; r++) {
                    for (int k = 0; k < w; k++) {
                        d[q++] = f[offset + k];
                    }
                }
            } else {
                for (int r = 0, q = 0; r < rows; r++) {
                    double v = f[offset + r];
                    for (int k = 0; k < w; k++) {
                        d[q++] = v;
                    }
                }
            }
            return d;
        }
        boolean[] f = (boolean[]) src;
        boolean[] d = slot[0] instanceof boolean[] r ? r : new boolean[size];
        slot[0] = d;
        for (int r = 0, q = 0; r < rows; r++) {
            for (int k = 0; k < w; k++) {
                d[q++] = f[offset + (row ? k : r)];
            }
        }
        return d;
    }

    @Override
    public String name() {
        return "fused";
    }

    /** The type of the result. */
    TensorType type() {
        return type;
    }

    @Override
    public String parameters(String indent) {
        String body = program.toString().replace("\n", "\n" + indent + "        ");
        return "outer=" + outer + ", inner=" + inner + ", program={\n" + indent + "        " + body + " }";
    }

    @Override
    public TensorType outputType(TensorType... inputs) {
        return type;
    }

    @Override
    public Tensor compute(TensorType out, Tensor... inputs) {
        return computeInto(Storage.allocate(type.dtype(), type.shape().size()), inputs);
    }

    /**
     * An elementwise kernel (no reduction, no row fold) reads a dense input at the index it writes, once: the
     * result may overwrite it.
     */
    @Override
    public boolean mayWriteOver(int input) {
        return rowFold == null && program.reduction() == ElementwiseProgram.Reduction.NONE
                && program.inputAccess(input) == ElementwiseProgram.Access.FULL;
    }

    /** Runs the kernel writing into {@code buffer} (a storage of the output's dtype and size). */
    @Override
    public Tensor computeInto(Storage buffer, Tensor[] inputs) {
        return computeInto(buffer, null, 0, inputs);
    }

    /**
     * Whether {@link #computeInto(Storage, Storage, int, Tensor[])} can also sum the result over its leading axes,
     * leaving rows of {@code width}: an elementwise float kernel (no reduction, no row fold) whose broadcast inputs,
     * if any, are broadcast along rows of that width.
     */
    boolean sumsRows(int width) {
        return rowFold == null && program.reduction() == ElementwiseProgram.Reduction.NONE
                && type.dtype().isFloatingPoint() && width > 0 && (long) outer * inner % width == 0
                && (program.rowBroadcastInput() < 0 || width == inner);
    }

    /**
     * Runs the kernel writing into {@code buffer}, and when {@code sums} is not null also
     * {@code sums[c] = sum_r result[r * width + c]} ({@link #sumsRows}), the sum computed as the kernel writes.
     */
    Tensor computeInto(Storage buffer, Storage sums, int width, Tensor[] inputs) {
        if (rowFold == null && noRepeats) {
            // no scratch to take: most kernels, and the tiny ones pay most
            return computeInto(buffer, sums, width, inputs, null);
        }
        Object[][] mine = scratch.take();
        try {
            return computeInto(buffer, sums, width, inputs, mine);
        } finally {
            scratch.give(mine);
        }
    }

    private Tensor computeInto(Storage buffer, Storage sums, int width, Tensor[] inputs, Object[][] scratch) {
        Object[] arrays = new Object[inputs.length];
        int[] offsets = new int[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            Tensor t = inputs[j];
            if (!t.isContiguous()) {
                t = t.contiguous(); // a view (transpose, slice): the kernel reads dense arrays
            }
            arrays[j] = storage(t).array();
            offsets[j] = t.offset();
            if (repeats[j] != null) {
                arrays[j] = repeat(arrays[j], offsets[j], repeats[j] == ElementwiseProgram.Access.ROW, scratch[j]);
                offsets[j] = 0;
            }
        }
        if (rowFold != null) {
            Object[] slot = scratch[inputs.length];
            if (!(slot[0] instanceof Storage)) {
                slot[0] = Storage.allocate(type.dtype(), outer * inner);
            }
            Storage flat = (Storage) slot[0];
            kernel.run(arrays, offsets, flat.array(), 0, outer, inner);
            foldRows(flat, buffer);
        } else if (sums != null) {
            kernel.runSummingRows(arrays, offsets, buffer.array(), 0, outer, inner, width, sums.array(), 0);
        } else {
            kernel.run(arrays, offsets, buffer.array(), 0, outer, inner);
        }
        return Tensor.wrap(buffer, type.shape());
    }

    /**
     * Refused: fusion rewrites only optimized plans, after tracing, so {@code vmap} (which applies the primitives
     * a function binds) never meets a fused kernel.
     */
    @Override
    public Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        throw new UnsupportedOperationException("fused kernel: exists only in compiled plans, which vmap never "
                + "interprets; vmap batches the traced operations it was fused from");
    }
}
