package org.fluxion.jit.codegen;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.kernels.Parallel;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Elementwise;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FusionCompilerTest {
    /** Iteration-space sizes around the vector lengths (float: 16 lanes with AVX-512, double: 8). */
    private static final int[][] SHAPES = {
        {0, 0}, {1, 0}, {0, 5}, {1, 1}, {1, 7}, {7, 1}, {3, 7}, {2, 16}, {1, 17}, {5, 31}, {4, 33}, {33, 3},
        {1, 1000}, {13, 100}, {100, 13}, {3, 4097}, {2, 9001}, {9001, 2}, {1, 1000003},
    };

    // ---------------------------------------------------------------- the data of a test case

    /** Arrays and offsets for the inputs of p over [outer, inner], values in [-3, 3] with a few specials. */
    private record Data(Object[] inputs, int[] offsets) {
    }

    private static Data data(ElementwiseProgram p, int outer, int inner, Random rng, boolean specials) {
        int m = p.inputCount();
        Object[] in = new Object[m];
        int[] offs = new int[m];
        for (int j = 0; j < m; j++) {
            int n = switch (p.inputAccess(j)) {
                case FULL -> outer * inner;
                case ROW -> inner;
                case COLUMN -> outer;
                case SCALAR -> 1;
            };
            int off = rng.nextInt(3) * rng.nextInt(20);
            int len = off + n + rng.nextInt(3);
            offs[j] = off;
            if (p.inputType(j) == DType.BOOL) {
                boolean[] b = new boolean[len];
                for (int k = 0; k < len; k++) b[k] = rng.nextBoolean();
                in[j] = b;
            } else {
                double[] d = new double[len];
                for (int k = 0; k < len; k++) d[k] = value(rng, specials);
                in[j] = p.dtype() == DType.FLOAT32 ? toFloats(d) : d;
            }
        }
        return new Data(in, offs);
    }

    private static double value(Random rng, boolean specials) {
        if (specials && rng.nextInt(100) == 0) {
            double[] s = {0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, -1, 0.5};
            return s[rng.nextInt(s.length)];
        }
        return rng.nextDouble() * 6 - 3;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) f[k] = (float) d[k];
        return f;
    }

    private static Object newOutput(ElementwiseProgram p, int n) {
        return switch (p.outputType()) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            default -> new boolean[n];
        };
    }

    private static int outputSize(ElementwiseProgram p, int outer, int inner) {
        return switch (p.reduction()) {
            case NONE -> outer * inner;
            case SUM_INNER, MAX_INNER -> outer;
            case SUM_ALL, MAX_ALL -> 1;
        };
    }

    private static double get(Object a, int k) {
        return a instanceof float[] f ? f[k] : a instanceof double[] d ? d[k] : ((boolean[]) a)[k] ? 1 : 0;
    }

    // ---------------------------------------------------------------- comparisons

    private static boolean close(double actual, double expected, double tol) {
        if (Double.isNaN(expected)) {
            return Double.isNaN(actual);
        }
        if (Double.isInfinite(expected)) {
            return actual == expected;
        }
        return Math.abs(actual - expected) <= tol;
    }

    /**
     * Runs p compiled and interpreted on the same data and compares: elementwise within
     * {@code rtol * max(1, |expected|)}; sums within {@code rtolSum * (1 + sum |r|)} of the row.
     */
    private static void compareWithInterpreter(ElementwiseProgram p, int outer, int inner, Random rng, boolean specials,
                                               double rtol, double rtolSum, String what) {
        Data d = data(p, outer, inner, rng, specials);
        int n = outputSize(p, outer, inner);
        int outOff = rng.nextInt(2) * 5;
        Object expected = newOutput(p, outOff + n);
        Object actual = newOutput(p, outOff + n + 3);
        FusionCompiler.interpreter(p).run(d.inputs, d.offsets, expected, outOff, outer, inner);
        FusionCompiler.compile(p).run(d.inputs, d.offsets, actual, outOff, outer, inner);
        double[] absSum = null;
        if (p.reduction().sum()) {
            // sum |r| per output element, from the unreduced program.
            ElementwiseProgram flat = rebuild(p, Reduction.NONE);
            Object r = newOutput(flat, outer * inner);
            FusionCompiler.interpreter(flat).run(d.inputs, d.offsets, r, 0, outer, inner);
            absSum = new double[n];
            for (int k = 0; k < outer * inner; k++) {
                double v = Math.abs(get(r, k));
                absSum[p.reduction() == Reduction.SUM_ALL ? 0 : k / inner] += Double.isFinite(v) ? v : 0;
            }
        }
        for (int k = 0; k < n; k++) {
            double e = get(expected, outOff + k);
            double a = get(actual, outOff + k);
            double tol = absSum != null ? rtolSum * (1 + absSum[k]) : rtol * Math.max(1, Math.abs(e));
            if (!close(a, e, tol)) {
                fail(what + " [" + outer + ", " + inner + "] element " + k + ": compiled " + a + ", interpreter " + e
                        + " (tolerance " + tol + ")\n" + p);
            }
        }
        for (int k = 0; k < outOff; k++) {
            assertEquals(0, get(actual, k), "compiled kernel wrote before the output offset");
        }
        for (int k = outOff + n; k < outOff + n + 3; k++) {
            assertEquals(0, get(actual, k), "compiled kernel wrote past the output");
        }
    }

    /** The same instructions with another reduction. */
    private static ElementwiseProgram rebuild(ElementwiseProgram p, Reduction r) {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(p.dtype());
        for (ElementwiseProgram.Instr x : p.instructions()) {
            int[] a = x.args();
            switch (x.kind()) {
                case INPUT -> b.input(x.inputType(), x.access());
                case CONST -> b.constant(x.constant());
                case UNARY -> b.unary((UnaryOp) x.op(), a[0]);
                case BINARY -> b.binary((BinaryOp) x.op(), a[0], a[1]);
                case WHERE -> b.where(a[0], a[1], a[2]);
                case TO_FLOAT -> b.toFloat(a[0]);
            }
        }
        return b.build(p.result(), r);
    }

    // ---------------------------------------------------------------- random programs

    /**
     * Random programs. A value is "exact" when the vector kernel and the interpreter compute it bit for bit
     * the same (inputs, constants, and IEEE-exact operations of exact values); operations whose result is
     * ill-conditioned or discontinuous in their operands (comparisons, sign, division by, logarithms, powers,
     * trigonometry) only take exact operands, so that a 1-ulp difference of a transcendental function is
     * never amplified beyond the tolerance.
     */
    private static final class RandomProgram {
        private final Random rng;
        private final ElementwiseProgram.Builder b;
        private final List<Integer> floats = new ArrayList<>();
        private final List<Integer> exact = new ArrayList<>();
        private final List<Integer> masks = new ArrayList<>();

        private final DType dtype;

        RandomProgram(Random rng, DType dtype) {
            this.rng = rng;
            this.dtype = dtype;
            this.b = ElementwiseProgram.builder(dtype);
        }

        ElementwiseProgram build(boolean maskResult, Reduction reduction) {
            int inputs = 1 + rng.nextInt(4);
            Access[] accesses = Access.values();
            for (int j = 0; j < inputs; j++) {
                Access a = j == 0 ? Access.FULL : accesses[rng.nextInt(accesses.length)];
                if (rng.nextInt(5) == 0) {
                    masks.add(b.input(DType.BOOL, a));
                } else {
                    int v = b.input(dtype, a);
                    floats.add(v);
                    exact.add(v);
                }
            }
            if (floats.isEmpty()) {
                int v = b.input(dtype, Access.FULL);
                floats.add(v);
                exact.add(v);
            }
            if (rng.nextBoolean()) {
                int c = b.constant(rng.nextInt(7) - 3 + (rng.nextBoolean() ? 0.5 : 0));
                floats.add(c);
                exact.add(c);
            }
            int steps = 2 + rng.nextInt(10);
            int last = -1;
            for (int s = 0; s < steps; s++) {
                last = step();
            }
            int result;
            if (maskResult) {
                result = masks.isEmpty() || rng.nextBoolean() ? compare() : pick(masks);
            } else {
                result = last >= 0 && !isMask(last) ? last : pick(floats);
            }
            return b.build(result, reduction);
        }

        private boolean isMask(int v) {
            return masks.contains(v);
        }

        private int pick(List<Integer> l) {
            return l.get(rng.nextInt(l.size()));
        }

        private int step() {
            int kind = rng.nextInt(10);
            if (kind < 4) {
                UnaryOp op = UnaryOp.values()[rng.nextInt(UnaryOp.values().length)];
                return switch (op) {
                    case IS_NAN, IS_FINITE -> addMask(b.unary(op, pick(exact)));
                    case LOGICAL_NOT -> addMask(b.unary(op, !masks.isEmpty() && rng.nextBoolean() ? pick(masks) : pick(exact)));
                    case NEG, ABS, RELU -> {
                        int a = pick(floats);
                        yield addFloat(b.unary(op, a), exact.contains(a));
                    }
                    case SQRT -> addFloat(b.unary(op, pick(exact)), true);
                    case SIGN, LOG, LOG1P, RSQRT, SIN, COS, TAN -> addFloat(b.unary(op, pick(exact)), false);
                    case EXP, EXPM1, TANH, SIGMOID, FLOOR, CEIL, ROUND, ERF, ATAN, SINH, COSH, ASINH ->
                            addFloat(b.unary(op, pick(floats)), false);
                    case ASIN, ACOS, ATANH -> addFloat(b.unary(op, b.unary(UnaryOp.TANH, pick(floats))), false);
                    case ACOSH -> addFloat(b.unary(op, b.unary(UnaryOp.COSH, pick(floats))), false);
                };
            } else if (kind < 7) {
                BinaryOp op = BinaryOp.values()[rng.nextInt(BinaryOp.values().length)];
                return switch (op) {
                    case ADD, SUB, MUL, MAXIMUM, MINIMUM -> {
                        int x = pick(floats);
                        int y = pick(floats);
                        yield addFloat(b.binary(op, x, y), exact.contains(x) && exact.contains(y));
                    }
                    case DIV -> {
                        int x = pick(floats);
                        int y = pick(exact);
                        yield addFloat(b.binary(op, x, y), exact.contains(x));
                    }
                    case POW -> addFloat(b.binary(op, pick(exact), pick(exact)), false);
                    case EQ, NE, LT, LE, GT, GE -> addMask(b.binary(op, pick(exact), pick(exact)));
                    case LOGICAL_AND, LOGICAL_OR -> addMask(b.binary(op, logicalOperand(), logicalOperand()));
                };
            } else if (kind < 8) {
                int x = pick(floats);
                int y = pick(floats);
                return addFloat(b.where(masks.isEmpty() ? compare() : pick(masks), x, y), exact.contains(x) && exact.contains(y));
            } else if (kind < 9) {
                return addFloat(b.toFloat(masks.isEmpty() ? compare() : pick(masks)), true);
            } else {
                return compare();
            }
        }

        private int logicalOperand() {
            return !masks.isEmpty() && rng.nextBoolean() ? pick(masks) : pick(exact);
        }

        private int compare() {
            BinaryOp[] cmp = {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE};
            return addMask(b.binary(cmp[rng.nextInt(cmp.length)], pick(exact), pick(exact)));
        }

        private int addMask(int v) {
            masks.add(v);
            return v;
        }

        private int addFloat(int v, boolean isExact) {
            floats.add(v);
            if (isExact) {
                exact.add(v);
            }
            return v;
        }
    }

    private static ElementwiseProgram randomProgram(Random rng, DType dtype, boolean maskResult, Reduction reduction) {
        return new RandomProgram(rng, dtype).build(maskResult, reduction);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void randomProgramsMatchTheInterpreter(Reduction reduction) {
        Random rng = new Random(1234 + reduction.ordinal());
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double rtol = dtype == DType.FLOAT32 ? 1e-4 : 1e-11;
            double rtolSum = dtype == DType.FLOAT32 ? 2e-5 : 1e-11;
            for (int trial = 0; trial < 40; trial++) {
                boolean maskResult = reduction == Reduction.NONE && trial % 4 == 3;
                ElementwiseProgram p = randomProgram(rng, dtype, maskResult, reduction);
                int[] shape = SHAPES[trial % (SHAPES.length - 1)]; // the largest shape is covered below
                compareWithInterpreter(p, shape[0], shape[1], rng, trial % 3 == 0, rtol, rtolSum,
                        dtype.label() + " trial " + trial);
            }
            ElementwiseProgram p = randomProgram(rng, dtype, false, reduction);
            compareWithInterpreter(p, 1, 1000003, rng, true, rtol, rtolSum, dtype.label() + " large");
            compareWithInterpreter(p, 100003, 1, rng, false, rtol, rtolSum, dtype.label() + " tall");
        }
    }

    // ---------------------------------------------------------------- every operation against eager tensors

    private static Tensor eager(UnaryOp op, Tensor x) {
        return switch (op) {
            case NEG -> x.neg();
            case ABS -> x.abs();
            case SIGN -> x.sign();
            case EXP -> x.exp();
            case LOG -> x.log();
            case LOG1P -> x.log1p();
            case EXPM1 -> x.expm1();
            case SQRT -> x.sqrt();
            case RSQRT -> x.rsqrt();
            case SIN -> x.sin();
            case COS -> x.cos();
            case TAN -> x.tan();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
            case RELU -> x.relu();
            case IS_NAN -> x.isNaN();
            case IS_FINITE -> x.isFinite();
            case LOGICAL_NOT -> x.logicalNot();
            case FLOOR, CEIL, ROUND, ERF, ASIN, ACOS, ATAN -> Elementwise.unary(op, x);
            case SINH -> x.sinh();
            case COSH -> x.cosh();
            case ASINH -> x.asinh();
            case ACOSH -> x.acosh();
            case ATANH -> x.atanh();
        };
    }

    private static Tensor eager(BinaryOp op, Tensor a, Tensor b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case POW -> a.pow(b);
            case MAXIMUM -> a.maximum(b);
            case MINIMUM -> a.minimum(b);
            case EQ -> a.eq(b);
            case NE -> a.ne(b);
            case LT -> a.lt(b);
            case LE -> a.le(b);
            case GT -> a.gt(b);
            case GE -> a.ge(b);
            case LOGICAL_AND -> a.logicalAnd(b);
            case LOGICAL_OR -> a.logicalOr(b);
        };
    }

    /** A tensor of the input's values as the eager ops see it: [outer, inner], [inner], [outer, 1] or []. */
    private static Tensor tensor(Object array, int offset, DType dtype, Access access, int outer, int inner) {
        int n = switch (access) {
            case FULL -> outer * inner;
            case ROW -> inner;
            case COLUMN -> outer;
            case SCALAR -> 1;
        };
        int[] dims = switch (access) {
            case FULL -> new int[] {outer, inner};
            case ROW -> new int[] {inner};
            case COLUMN -> new int[] {outer, 1};
            case SCALAR -> new int[0];
        };
        return switch (dtype) {
            case FLOAT32 -> Tensor.of(java.util.Arrays.copyOfRange((float[]) array, offset, offset + n), dims);
            case FLOAT64 -> Tensor.of(java.util.Arrays.copyOfRange((double[]) array, offset, offset + n), dims);
            default -> Tensor.of(java.util.Arrays.copyOfRange((boolean[]) array, offset, offset + n), dims);
        };
    }

    private static void assertMatchesEager(Tensor expected, Object actual, int outOff, double rtol, String what) {
        double[] e = expected.toDoubleArray();
        for (int k = 0; k < e.length; k++) {
            double a = get(actual, outOff + k);
            double tol = rtol * Math.max(1e-3, Math.abs(e[k])); // relative, down to values of 1e-3
            if (!close(a, e[k], tol)) {
                fail(what + " element " + k + ": fused " + a + ", eager " + e[k]);
            }
        }
    }

    /** Values in the domain of the op (positive for logarithms and roots), with specials for the others. */
    private static void domain(UnaryOp op, Object array) {
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.LOG1P;
        if (array instanceof float[] f) {
            for (int k = 0; k < f.length; k++) f[k] = positive ? Math.abs(f[k]) + 0.01f : f[k];
        } else if (array instanceof double[] d) {
            for (int k = 0; k < d.length; k++) d[k] = positive ? Math.abs(d[k]) + 0.01 : d[k];
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void everyUnaryOpMatchesEagerTensors(UnaryOp op) {
        Random rng = new Random(op.ordinal());
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
            int x = b.input(dtype, Access.FULL);
            ElementwiseProgram p = b.build(b.unary(op, x), Reduction.NONE);
            for (int[] s : new int[][] {{1, 7}, {3, 37}, {1, 1000003}}) {
                Data d = data(p, s[0], s[1], rng, op != UnaryOp.LOG && op != UnaryOp.SQRT && op != UnaryOp.RSQRT
                        && op != UnaryOp.LOG1P);
                domain(op, d.inputs[0]);
                Object out = newOutput(p, 2 + s[0] * s[1]);
                FusionCompiler.compile(p).run(d.inputs, d.offsets, out, 2, s[0], s[1]);
                Tensor e = eager(op, tensor(d.inputs[0], d.offsets[0], dtype, Access.FULL, s[0], s[1]));
                // float32: the vector math library against the eager kernel's (rounded double) formula.
                assertMatchesEager(e, out, 2, dtype == DType.FLOAT32 ? 4e-6 : 1e-13, op + " " + dtype.label());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void everyBinaryOpMatchesEagerTensorsWithBroadcasting(BinaryOp op) {
        Random rng = new Random(100 + op.ordinal());
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Access access : Access.values()) {
                ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
                int x = b.input(dtype, Access.FULL);
                int y = b.input(dtype, access);
                ElementwiseProgram p = b.build(b.binary(op, x, y), Reduction.NONE);
                for (int[] s : new int[][] {{1, 7}, {5, 37}, {2, 70001}}) {
                    Data d = data(p, s[0], s[1], rng, op != BinaryOp.POW);
                    if (op == BinaryOp.POW) {
                        domain(UnaryOp.LOG, d.inputs[0]); // a positive base: a^b is real
                    }
                    Object out = newOutput(p, s[0] * s[1]);
                    FusionCompiler.compile(p).run(d.inputs, d.offsets, out, 0, s[0], s[1]);
                    Tensor e = eager(op, tensor(d.inputs[0], d.offsets[0], dtype, Access.FULL, s[0], s[1]),
                            tensor(d.inputs[1], d.offsets[1], dtype, access, s[0], s[1]));
                    assertMatchesEager(e, out, 0, dtype == DType.FLOAT32 ? 4e-6 : 1e-13,
                            op + " " + dtype.label() + " " + access);
                }
            }
        }
    }

    @Test
    void masksWhereAndCastsMatchEagerTensors() {
        Random rng = new Random(5);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Access access : Access.values()) {
                // where(c & (x > y), x, toFloat(!c)) with a bool input c of the given access.
                ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
                int x = b.input(dtype, Access.FULL);
                int y = b.input(dtype, Access.ROW);
                int c = b.input(DType.BOOL, access);
                int m = b.binary(BinaryOp.LOGICAL_AND, c, b.binary(BinaryOp.GT, x, y));
                int r = b.where(m, x, b.toFloat(b.unary(UnaryOp.LOGICAL_NOT, c)));
                ElementwiseProgram p = b.build(r, Reduction.NONE);
                ElementwiseProgram pm = b.build(m, Reduction.NONE);
                for (int[] s : new int[][] {{1, 1}, {3, 7}, {4, 33}, {3, 4099}}) {
                    Data d = data(p, s[0], s[1], rng, true);
                    Tensor xt = tensor(d.inputs[0], d.offsets[0], dtype, Access.FULL, s[0], s[1]);
                    Tensor yt = tensor(d.inputs[1], d.offsets[1], dtype, Access.ROW, s[0], s[1]);
                    Tensor ct = tensor(d.inputs[2], d.offsets[2], DType.BOOL, access, s[0], s[1]);
                    Tensor mt = ct.logicalAnd(xt.gt(yt));
                    Object out = newOutput(p, s[0] * s[1]);
                    FusionCompiler.compile(p).run(d.inputs, d.offsets, out, 0, s[0], s[1]);
                    assertMatchesEager(Tensor.where(mt, xt, ct.logicalNot().to(dtype)), out, 0, 0, "where " + access);
                    boolean[] mask = new boolean[s[0] * s[1] + 1];
                    FusionCompiler.compile(pm).run(d.inputs, d.offsets, mask, 1, s[0], s[1]);
                    assertMatchesEager(mt, mask, 1, 0, "mask " + access);
                }
            }
        }
    }

    /** y = sigmoid(tanh(x * 1.5 + 0.5) * x - 0.25) * 2 + exp(-(x * x)), and its reductions. */
    private static ElementwiseProgram chain(DType dtype, Reduction r) {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
        int x = b.input(dtype, Access.FULL);
        int t = b.binary(BinaryOp.MUL, x, b.constant(1.5));
        t = b.binary(BinaryOp.ADD, t, b.constant(0.5));
        t = b.unary(UnaryOp.TANH, t);
        t = b.binary(BinaryOp.MUL, t, x);
        t = b.binary(BinaryOp.SUB, t, b.constant(0.25));
        t = b.unary(UnaryOp.SIGMOID, t);
        t = b.binary(BinaryOp.MUL, t, b.constant(2));
        int s = b.unary(UnaryOp.EXP, b.unary(UnaryOp.NEG, b.binary(BinaryOp.MUL, x, x)));
        return b.build(b.binary(BinaryOp.ADD, t, s), r);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void aFusedChainMatchesEagerTensors(Reduction reduction) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            int outer = 37;
            int inner = 5003;
            Tensor x = Tensor.randn(11, outer, inner).to(dtype);
            Tensor y = x.mul(1.5).add(0.5).tanh().mul(x).sub(0.25).sigmoid().mul(2).add(x.mul(x).neg().exp());
            Tensor e = switch (reduction) {
                case NONE -> y;
                case SUM_INNER -> y.sum(1);
                case MAX_INNER -> y.max(1);
                case SUM_ALL -> y.sum();
                case MAX_ALL -> y.max();
            };
            Object in = dtype == DType.FLOAT32 ? x.toFloatArray() : x.toDoubleArray();
            ElementwiseProgram p = chain(dtype, reduction);
            Object out = newOutput(p, outputSize(p, outer, inner));
            FusionCompiler.compile(p).run(new Object[] {in}, new int[] {0}, out, 0, outer, inner);
            double rtol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
            assertMatchesEager(e, out, 0, rtol, "chain " + dtype.label() + " " + reduction);
        }
    }

    // ---------------------------------------------------------------- reductions, parallelism, in place

    @ParameterizedTest
    @EnumSource(value = Reduction.class, names = {"SUM_INNER", "MAX_INNER", "SUM_ALL", "MAX_ALL"})
    void reductionsAreExactOnExactProgramsAndIndependentOfTheThreadCount(Reduction reduction) {
        int saved = Parallel.threads();
        try {
            for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                // r = x * c + y: exact per element, so only the summation order may differ.
                ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
                int x = b.input(dtype, Access.FULL);
                int c = b.input(dtype, Access.COLUMN);
                int y = b.input(dtype, Access.ROW);
                ElementwiseProgram p = b.build(b.binary(BinaryOp.ADD, b.binary(BinaryOp.MUL, x, c), y), reduction);
                for (int[] s : SHAPES) {
                    Random rng = new Random(s[0] * 31L + s[1]);
                    double rtolSum = dtype == DType.FLOAT32 ? 1e-6 : 1e-14;
                    Parallel.setThreads(1);
                    compareWithInterpreter(p, s[0], s[1], rng, false, 0, rtolSum, "exact " + reduction);
                    Data d = data(p, s[0], s[1], new Random(1), false);
                    int n = outputSize(p, s[0], s[1]);
                    Object one = newOutput(p, n);
                    FusionCompiler.compile(p).run(d.inputs, d.offsets, one, 0, s[0], s[1]);
                    Parallel.setThreads(2);
                    Object two = newOutput(p, n);
                    FusionCompiler.compile(p).run(d.inputs, d.offsets, two, 0, s[0], s[1]);
                    for (int k = 0; k < n; k++) {
                        assertEquals(Double.doubleToLongBits(get(one, k)), Double.doubleToLongBits(get(two, k)),
                                "1 vs 2 threads, element " + k);
                    }
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }

    @Test
    void rowMaximaFollowMathMaxOnNaNAndSignedZeros() {
        int inner = 37; // two 16-lane vectors and a masked part; four 8-lane ones and a part
        double nan = Double.NaN;
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            ElementwiseProgram.Builder b = ElementwiseProgram.builder(dtype);
            ElementwiseProgram p = b.build(b.input(dtype, Access.FULL), Reduction.MAX_INNER);
            double[][] rows = new double[7][inner];
            java.util.Arrays.fill(rows[0], -0.0);                 // -0 alone stays -0
            java.util.Arrays.fill(rows[1], -0.0);
            rows[1][20] = 0.0;                                    // +0 beats -0 wherever it lies
            java.util.Arrays.fill(rows[2], 0.0);
            rows[2][0] = -0.0;
            java.util.Arrays.fill(rows[3], -1);
            rows[3][3] = nan;                                     // a NaN in a full vector
            java.util.Arrays.fill(rows[4], 2);
            rows[4][36] = nan;                                    // and in the masked tail
            java.util.Arrays.fill(rows[5], Double.NEGATIVE_INFINITY);
            for (int k = 0; k < inner; k++) {
                rows[6][k] = Math.sin(k) * 10;                    // an ordinary row, largest inside
            }
            double[] flat = new double[rows.length * inner];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(rows[r], 0, flat, r * inner, inner);
            }
            Object in = dtype == DType.FLOAT32 ? toFloats(flat) : flat;
            Object out = newOutput(p, rows.length);
            FusionCompiler.compile(p).run(new Object[] {in}, new int[] {0}, out, 0, rows.length, inner);
            for (int r = 0; r < rows.length; r++) {
                double expected = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < inner; k++) {
                    expected = Math.max(expected, get(in, r * inner + k));
                }
                assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(get(out, r)),
                        dtype.label() + " row " + r + ": " + get(out, r) + " instead of " + expected);
            }
        }
    }

    @Test
    void emptyReductionsGiveTheIdentity() {
        for (Reduction r : Reduction.values()) {
            ElementwiseProgram.Builder b = ElementwiseProgram.builder(DType.FLOAT32);
            ElementwiseProgram p = b.build(b.input(DType.FLOAT32, Access.FULL), r);
            float[] out = {7, 7, 7};
            FusionCompiler.compile(p).run(new Object[] {new float[0]}, new int[] {0}, out, 0, r.perRow() ? 3 : 0, 0);
            float id = r.sum() ? 0 : Float.NEGATIVE_INFINITY;
            float[] expected = r == Reduction.NONE ? new float[] {7, 7, 7} : r.perRow() ? new float[] {id, id, id}
                    : new float[] {id, 7, 7};
            assertArrayEquals(expected, out, r.toString());
        }
    }

    @Test
    void theOutputMayBeAFullInputInPlace() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            ElementwiseProgram p = chain(dtype, Reduction.NONE);
            for (int[] s : new int[][] {{3, 7}, {1, 100003}, {300, 333}}) {
                Random rng = new Random(9);
                Data d = data(p, s[0], s[1], rng, false);
                Object expected = newOutput(p, s[0] * s[1]);
                FusionCompiler.interpreter(p).run(d.inputs, d.offsets, expected, 0, s[0], s[1]);
                FusionCompiler.compile(p).run(d.inputs, d.offsets, d.inputs[0], d.offsets[0], s[0], s[1]);
                for (int k = 0; k < s[0] * s[1]; k++) {
                    double e = get(expected, k);
                    assertTrue(close(get(d.inputs[0], d.offsets[0] + k), e, 1e-5 * Math.max(1, Math.abs(e))),
                            "in place, element " + k);
                }
            }
        }
    }

    // ---------------------------------------------------------------- the program value

    @Test
    void programsAreValuesAndKernelsAreCachedPerProgram() {
        ElementwiseProgram a = chain(DType.FLOAT32, Reduction.SUM_INNER);
        ElementwiseProgram b = chain(DType.FLOAT32, Reduction.SUM_INNER);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, chain(DType.FLOAT64, Reduction.SUM_INNER));
        assertNotEquals(a, chain(DType.FLOAT32, Reduction.NONE));
        assertSame(FusionCompiler.compile(a), FusionCompiler.compile(b));
        String s = a.toString();
        assertTrue(s.contains("%5 = tanh %4") && s.contains("result %") && s.contains("SUM_INNER")
                && s.contains("input#0 float32 FULL") && s.contains("const 1.5"), s);
        assertEquals(1, a.inputCount());
        assertEquals(Access.FULL, a.inputAccess(0));
    }

    @Test
    void deadInstructionsAreNotComputed() {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int unused = b.input(DType.FLOAT32, Access.FULL);
        b.unary(UnaryOp.LOG, unused);
        ElementwiseProgram p = b.build(b.unary(UnaryOp.NEG, x), Reduction.NONE);
        float[] out = new float[3];
        // the unused input's array is still checked, but never read past its length
        FusionCompiler.compile(p).run(new Object[] {new float[] {1, 2, 3}, new float[3]}, new int[] {0, 0}, out, 0, 1, 3);
        assertArrayEquals(new float[] {-1, -2, -3}, out);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badProgramsNameTheInstruction() {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int m = b.binary(BinaryOp.GT, x, b.constant(0));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.unary(UnaryOp.EXP, m)),
                "instruction %3 = exp %2", "operand %2", "is a mask");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.binary(BinaryOp.ADD, x, 17)),
                "instruction %3 = add %0 %17", "value %17 is out of range");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.where(x, x, x)),
                "instruction %3 = where %0 %0 %0", "where a mask is needed");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.toFloat(-1)), "tofloat %-1", "out of range");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.build(m, Reduction.SUM_ALL)),
                "result %2 SUM_ALL", "is a mask");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.input(DType.FLOAT64, Access.ROW)),
                "instruction %3 = input#1", "float32 or bool");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> ElementwiseProgram.builder(DType.INT32)),
                "float32 or float64", "INT32");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.unary(UnaryOp.IS_NAN, m)), "is_nan".replace("_", ""));
        // nothing was added by the failed calls
        assertEquals(3, b.build(m, Reduction.NONE).size());
    }

    @Test
    void badArgumentsAreRejectedBeforeAnythingIsWritten() {
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int y = b.input(DType.FLOAT32, Access.ROW);
        ElementwiseProgram p = b.build(b.binary(BinaryOp.ADD, x, y), Reduction.NONE);
        FusedKernel k = FusionCompiler.compile(p);
        float[] out = new float[6];
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.run(new Object[] {new float[6], new float[2]}, new int[] {0, 0}, out, 0, 2, 3)),
                "input 1 (ROW)", "[0, 3)", "length 2");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.run(new Object[] {new double[6], new float[3]}, new int[] {0, 0}, out, 0, 2, 3)),
                "input 0", "float32 array", "double[]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.run(new Object[] {new float[6], new float[3]}, new int[] {0, 0}, out, 1, 2, 3)),
                "output", "[1, 7)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> k.run(new Object[] {new float[6]}, new int[] {0}, out, 0, 2, 3)), "2 inputs");
        assertArrayEquals(new float[6], out);
    }
}
