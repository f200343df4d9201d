package org.fluxion.jit.codegen;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.junit.jupiter.api.Test;

/**
 * {@link FusedKernel#runSummingRows}: the kernel's output as {@link FusedKernel#run} writes it, and its sums over
 * rows, for widths and row counts around the kernel's blocks (64 rows, 256 columns, 4096-element tiles).
 */
class RowSumsKernelTest {
    private static final int[] ROWS = {0, 1, 63, 64, 65, 200, 1000};
    private static final int[] WIDTHS = {1, 2, 5, 16, 256, 257, 700};

    /** {@code tanh(x) * b}, b broadcast as {@code access} (ROW: along each row; SCALAR: one value). */
    private static ElementwiseProgram program(DType dtype, Access access) {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
        int x = b.input(dtype, Access.FULL);
        int y = b.input(dtype, access);
        return b.build(b.binary(BinaryOp.MUL, b.unary(UnaryOp.TANH, x), y), Reduction.NONE);
    }

    private static Object array(DType dtype, int n, Random rng) {
        if (dtype == DType.FLOAT32) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = (float) (rng.nextGaussian() * 3);
            return a;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextGaussian() * 3;
        return a;
    }

    private static double at(Object a, int i) {
        return a instanceof float[] f ? f[i] : ((double[]) a)[i];
    }

    private static void check(FusedKernel k, DType dtype, Access access, int rows, int width, boolean inPlace, Random rng) {
        int n = rows * width;
        int xOff = 3;
        Object x = array(dtype, xOff + n, rng);
        Object b = array(dtype, access == Access.ROW ? width : 1, rng);
        Object[] ins = {x, b};
        int[] offs = {xOff, 0};
        Object expected = array(dtype, xOff + n, rng);
        k.run(ins, offs, expected, xOff, rows, width);
        Object out = inPlace ? x : array(dtype, xOff + n, rng);
        Object sums = array(dtype, width + 2, rng);
        k.runSummingRows(ins, offs, out, xOff, rows, width, width, sums, 2);
        String what = dtype + " " + access + " [" + rows + ", " + width + "]" + (inPlace ? " in place" : "");
        for (int i = 0; i < n; i++) {
            assertEquals(at(expected, xOff + i), at(out, xOff + i), what + ": element " + i);
        }
        for (int c = 0; c < width; c++) {
            double s = 0, abs = 0;
            for (int r = 0; r < rows; r++) {
                s += at(out, xOff + r * width + c);
                abs += Math.abs(at(out, xOff + r * width + c));
            }
            double tol = (dtype == DType.FLOAT32 ? 1e-6 : 1e-14) * (abs + 1);
            assertEquals(s, at(sums, 2 + c), tol, what + ": column " + c);
        }
    }

    @Test
    void theSumsAreThoseOfTheOutputItWrites() {
        Random rng = new Random(5);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Access access : new Access[] {Access.SCALAR, Access.ROW}) {
                FusedKernel compiled = FusionCompiler.compile(program(dtype, access));
                FusedKernel reference = FusionCompiler.interpreter(program(dtype, access));
                for (int rows : ROWS) {
                    for (int width : WIDTHS) {
                        check(compiled, dtype, access, rows, width, false, rng);
                        check(reference, dtype, access, rows, width, rows == 65, rng);
                    }
                }
                check(compiled, dtype, access, 1000, 257, true, rng);
            }
        }
    }

    /** A flat program's rows need not be the iteration space's: [6, 40] read as rows of 8, or of 240. */
    @Test
    void aFlatProgramSumsRowsOfAnyWidthThatTilesItsSpace() {
        FusedKernel k = FusionCompiler.compile(program(DType.FLOAT32, Access.SCALAR));
        Random rng = new Random(6);
        float[] x = (float[]) array(DType.FLOAT32, 240, rng);
        float[] b = {0.5f};
        for (int width : new int[] {8, 240}) {
            float[] out = new float[240];
            float[] sums = new float[width];
            k.runSummingRows(new Object[] {x, b}, new int[2], out, 0, 6, 40, width, sums, 0);
            for (int c = 0; c < width; c++) {
                double s = 0;
                for (int r = 0; r < 240 / width; r++) s += out[r * width + c];
                assertEquals(s, sums[c], 1e-5);
            }
        }
    }

    @Test
    void badRowSumsAreRejectedBeforeAnythingIsWritten() {
        FusedKernel row = FusionCompiler.compile(program(DType.FLOAT32, Access.ROW));
        Object[] ins = {new float[12], new float[4]};
        float[] out = new float[12];
        float[] sums = new float[12];
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> row.runSummingRows(ins, new int[2], out, 0, 3, 4, 5, sums, 0)), "width 5", "[3, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> row.runSummingRows(ins, new int[2], out, 0, 3, 4, 12, sums, 0)), "input 1", "ROW", "width 4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> row.runSummingRows(ins, new int[2], out, 0, 3, 4, 4, sums, 9)), "row sums", "[9, 13)");
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(DType.FLOAT32);
        ElementwiseProgram summed = b.build(b.input(DType.FLOAT32, Access.FULL), Reduction.SUM_INNER);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> FusionCompiler.compile(summed).runSummingRows(new Object[] {new float[12]}, new int[1], out, 0,
                        3, 4, 4, sums, 0)), "without reduction", "SUM_INNER");
        assertArrayEquals(new float[12], out);
        assertArrayEquals(new float[12], sums);
    }
}
