package org.fluxion.jit.codegen;

import java.util.List;
import org.fluxion.jit.codegen.ElementwiseProgram.Instr;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;

/**
 * The reference kernel: one element at a time, serial, with {@link Scalar}'s formulas (the eager kernels').
 * In a float32 program every value is rounded to float32 after each instruction and unary operations use
 * their float32 formulas, as the eager kernels do; masks are 1 / 0. Sums are accumulated in double, in index order.
 */
final class Interpreter implements FusedKernel {
    private final ElementwiseProgram p;
    private final Instr[] code;
    private final boolean[] live;
    private final boolean f32;

    Interpreter(ElementwiseProgram p) {
        this.p = p;
        List<Instr> l = p.instructions();
        this.code = l.toArray(new Instr[0]);
        this.live = p.live();
        this.f32 = p.dtype() == DType.FLOAT32;
    }

    @Override
    public void run(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner) {
        KernelArgs.check(p, inputs, inOffsets, output, outOffset, outer, inner);
        double[] v = new double[code.length];
        ElementwiseProgram.Reduction red = p.reduction();
        boolean sum = red.sum();
        double all = sum ? 0 : Double.NEGATIVE_INFINITY;
        for (int o = 0; o < outer; o++) {
            double row = sum ? 0 : Double.NEGATIVE_INFINITY;
            for (int i = 0; i < inner; i++) {
                for (int k = 0; k < code.length; k++) {
                    if (live[k]) {
                        v[k] = eval(code[k], v, inputs, inOffsets, o, i, inner);
                    }
                }
                double r = v[p.result()];
                switch (red) {
                    case NONE -> store(output, outOffset + o * inner + i, r);
                    case SUM_INNER -> row += r;
                    case MAX_INNER -> row = Math.max(row, r);
                    case SUM_ALL -> all += r;
                    case MAX_ALL -> all = Math.max(all, r);
                }
            }
            if (red.perRow()) {
                store(output, outOffset + o, row);
            }
        }
        if (red.all()) {
            store(output, outOffset, all);
        }
    }

    /** The output first, then its columns summed in double, row after row. */
    @Override
    public void runSummingRows(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner,
                               int width, Object sums, int sumsOffset) {
        KernelArgs.checkRowSums(p, output, outOffset, outer, inner, width, sums, sumsOffset);
        run(inputs, inOffsets, output, outOffset, outer, inner);
        int rows = outer * inner / width;
        double[] acc = new double[width];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < width; c++) {
                int q = outOffset + r * width + c;
                acc[c] += output instanceof float[] f ? f[q] : ((double[]) output)[q];
            }
        }
        for (int c = 0; c < width; c++) {
            store(sums, sumsOffset + c, acc[c]);
        }
    }

    private double eval(Instr x, double[] v, Object[] inputs, int[] offs, int o, int i, int inner) {
        double r = switch (x.kind()) {
            case INPUT -> {
                int j = x.inputIndex();
                int idx = offs[j] + switch (x.access()) {
                    case FULL -> o * inner + i;
                    case ROW -> i;
                    case COLUMN -> o;
                    case SCALAR -> 0;
                };
                Object a = inputs[j];
                yield a instanceof float[] f ? f[idx] : a instanceof double[] d ? d[idx] : ((boolean[]) a)[idx] ? 1 : 0;
            }
            case CONST -> x.constant();
            case UNARY -> f32 ? Scalar.unary((UnaryOp) x.op(), (float) v[x.arg(0)])
                    : Scalar.unary((UnaryOp) x.op(), v[x.arg(0)]);
            case BINARY -> Scalar.binary((BinaryOp) x.op(), v[x.arg(0)], v[x.arg(1)]);
            case WHERE -> v[x.arg(0)] != 0 ? v[x.arg(1)] : v[x.arg(2)];
            case TO_FLOAT -> v[x.arg(0)];
        };
        return f32 ? (float) r : r;
    }

    private static void store(Object out, int idx, double r) {
        if (out instanceof float[] f) {
            f[idx] = (float) r;
        } else if (out instanceof double[] d) {
            d[idx] = r;
        } else {
            ((boolean[]) out)[idx] = r != 0;
        }
    }
}
