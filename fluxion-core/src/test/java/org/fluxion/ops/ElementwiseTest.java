package org.fluxion.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElementwiseTest {
    private final RandomTensors random = new RandomTensors(7);

    /** Reference: apply f to every element via get(), in double precision. */
    private static double[] reference(Tensor x, DoubleUnaryOperator f) {
        double[] v = x.toDoubleArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsDouble(v[i]);
        }
        return v;
    }

    private static void assertClose(double[] expected, Tensor actual, double rtol, String what) {
        double[] a = actual.toDoubleArray();
        assertEquals(expected.length, a.length, what + ": size");
        for (int i = 0; i < a.length; i++) {
            double e = expected[i];
            if (Double.isNaN(e)) {
                assertTrue(Double.isNaN(a[i]), what + " at " + i + ": expected NaN, got " + a[i]);
            } else if (Double.isInfinite(e)) {
                assertEquals(e, a[i], what + " at " + i);
            } else {
                assertEquals(e, a[i], 1e-6 + rtol * Math.abs(e), what + " at " + i);
            }
        }
    }

    private static DoubleUnaryOperator formula(UnaryOp op) {
        return op::apply;
    }

    /** The functions a fused kernel splits over threads early: exp, log, tanh, erf...; not sqrt, abs or relu. */
    @Test
    void transcendentalFunctionsAreTheCostlyOnes() {
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.ERF, UnaryOp.SIGMOID,
            UnaryOp.SIN}) {
            assertTrue(op.transcendental(), op.name());
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.NEG,
            UnaryOp.IS_NAN}) {
            assertFalse(op.transcendental(), op.name());
        }
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesScalarFormulaOnRandomLayouts(UnaryOp op) {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int trial = 0; trial < 12; trial++) {
                int[] dims = random.shape(random.random().nextInt(4), 7);
                Tensor x = random.values(dtype, dims);
                if (op == UnaryOp.LOG || op == UnaryOp.SQRT || op == UnaryOp.RSQRT) {
                    x = x.abs().add(0.1);
                } else if (op == UnaryOp.LOG1P) {
                    x = x.abs();
                }
                Tensor input = trial % 2 == 0 ? x : random.nonContiguous(x);
                Tensor y = Elementwise.unary(op, input);
                assertEquals(x.shape(), y.shape());
                double rtol = dtype == DType.FLOAT32 ? 2e-6 : 1e-12;
                assertClose(reference(x, formula(op)), y, rtol, op + " " + dtype);
            }
        }
    }

    @Test
    void largeFloat32RunsTakeTheVectorAndParallelPaths() {
        Tensor x = Tensor.randn(3, 1 << 18).mul(4);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.RELU, UnaryOp.NEG}) {
            assertClose(reference(x, op::apply), Elementwise.unary(op, x), 2e-6, op.toString());
        }
        Tensor y = Tensor.rand(4, 1 << 18);
        double[] xa = x.toDoubleArray();
        double[] ya = y.toDoubleArray();
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MAXIMUM}) {
            double[] e = new double[xa.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = (float) op.apply(xa[i], ya[i]);
            }
            assertClose(e, Elementwise.binary(op, x, y), 1e-6, op.toString());
        }
        // Comparisons into bool, with a broadcast operand, on long runs (vector masks).
        Tensor row = Tensor.randn(5, 1 << 12);
        double[] ra = row.toDoubleArray();
        for (BinaryOp op : new BinaryOp[] {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE}) {
            Tensor xs = x.reshape(-1, 1 << 12);
            boolean[] got = Elementwise.binary(op, xs, row).toBooleanArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(op.apply(xa[i], ra[i % (1 << 12)]) != 0, got[i], op + " at " + i);
            }
            boolean[] zero = Elementwise.binary(op, xs, Tensor.scalar(0)).toBooleanArray();
            for (int i = 0; i < zero.length; i++) {
                assertEquals(op.apply(xa[i], 0) != 0, zero[i], op + " vs 0 at " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryBroadcastsLikeNumPy(BinaryOp op) {
        DoubleBinaryOperator f = op::apply;
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT64}) {
            for (int trial = 0; trial < 15; trial++) {
                int rank = random.random().nextInt(4);
                int[] out = random.shape(rank, 5);
                int[] da = out.clone();
                int[] db = out.clone();
                for (int i = 0; i < rank; i++) {
                    if (random.random().nextInt(3) == 0) {
                        da[i] = 1;
                    } else if (random.random().nextInt(3) == 0) {
                        db[i] = 1;
                    }
                }
                // Drop leading axes of b sometimes: broadcasting aligns from the right.
                int drop = rank > 0 ? random.random().nextInt(rank + 1) : 0;
                int[] dbShort = java.util.Arrays.copyOfRange(db, drop, rank);
                Tensor a = random.values(dtype, da);
                Tensor b = random.values(dtype, dbShort);
                if (op == BinaryOp.POW) {
                    a = a.abs().add(dtype.isFloatingPoint() ? 0.5 : 1);
                    b = b.abs();
                }
                Tensor ai = trial % 3 == 0 ? random.nonContiguous(a) : a;
                Tensor bi = trial % 4 == 0 ? random.nonContiguous(b) : b;
                Tensor y = Elementwise.binary(op, ai, bi);
                Shape expectedShape = Shape.broadcast("test", a.shape(), b.shape());
                assertEquals(expectedShape, y.shape());
                Tensor ae = a.expand(expectedShape.dims()).contiguous();
                Tensor be = b.expand(expectedShape.dims()).contiguous();
                double[] av = ae.toDoubleArray();
                double[] bv = be.toDoubleArray();
                double[] e = new double[av.length];
                for (int i = 0; i < e.length; i++) {
                    e[i] = f.applyAsDouble(av[i], bv[i]);
                    if (op == BinaryOp.DIV && !dtype.isFloatingPoint() || dtype == DType.FLOAT32) {
                        e[i] = (float) e[i];
                    }
                }
                assertClose(e, y, dtype == DType.FLOAT32 ? 1e-6 : 1e-12, op + " " + dtype + " " + a.shape() + " " + b.shape());
            }
        }
    }

    /** A broadcast (stride 0) input longer than a vector: every unary kernel reads the one value. */
    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOfABroadcastInput(UnaryOp op) {
        Tensor x = Tensor.scalar(0.75).expand(3, 37);
        double[] expected = new double[3 * 37];
        java.util.Arrays.fill(expected, (float) op.apply(0.75f));
        Tensor y = Elementwise.unary(op, x);
        assertClose(expected, y.to(DType.FLOAT64), 2e-6, op.toString());
    }

    @Test
    void typePromotion() {
        Tensor i = Tensor.of(new int[] {1, 2, 3}, 3);
        Tensor l = Tensor.of(new long[] {1, 2, 3}, 3);
        Tensor f = Tensor.vector(1, 2, 3);
        Tensor d = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor b = Tensor.of(new boolean[] {true, false, true}, 3);
        assertEquals(DType.INT64, i.add(l).dtype());
        assertEquals(DType.FLOAT32, l.add(f).dtype());
        assertEquals(DType.FLOAT64, f.add(d).dtype());
        assertEquals(DType.INT32, b.add(b).dtype());
        assertEquals(DType.FLOAT32, i.div(i).dtype());
        assertEquals(DType.FLOAT32, i.exp().dtype());
        assertEquals(DType.INT32, i.add(2).dtype(), "a whole scalar keeps ints integer");
        assertEquals(DType.FLOAT32, i.add(0.5).dtype(), "a fractional scalar makes ints float32");
        assertEquals(DType.FLOAT32, f.mul(2.5).dtype(), "a scalar does not widen float32");
        assertEquals(DType.BOOL, f.gt(1).dtype());
        assertEquals(Tensor.of(new float[] {1, 1, 1.5f}, 3), i.div(2).sub(0).maximum(1).add(0).minimum(Tensor.scalar(1.5)));
        assertEquals(Tensor.of(new int[] {1, 4, 9}, 3), i.pow(2));
        assertThrows(IllegalArgumentException.class, () -> i.pow(-1));
    }

    @Test
    void ieee754SpecialValues() {
        Tensor x = Tensor.vector(0, -1, 1, Float.NaN, Float.POSITIVE_INFINITY);
        Tensor q = x.div(0);
        assertTrue(Double.isNaN(q.get(0)));
        assertEquals(Double.NEGATIVE_INFINITY, q.get(1));
        assertEquals(Double.POSITIVE_INFINITY, q.get(2));
        assertTrue(Double.isNaN(x.log().get(1)));
        assertEquals(Double.NEGATIVE_INFINITY, x.log().get(0));
        assertTrue(Double.isNaN(x.maximum(5).get(3)), "maximum propagates NaN");
        assertTrue(Double.isNaN(x.relu().get(3)), "relu propagates NaN");
        assertEquals(Tensor.of(new boolean[] {false, false, false, true, false}, 5), x.isNaN());
        assertEquals(Tensor.of(new boolean[] {true, true, true, false, false}, 5), x.isFinite());
        assertTrue(x.ne(x).toBooleanArray()[3], "NaN != NaN");
        assertFalse(x.eq(x).toBooleanArray()[3]);
        assertEquals(0.0, Tensor.vector(-200).sigmoid().get(0), 1e-30);
        assertEquals(1.0, Tensor.vector(200).sigmoid().get(0));
        assertEquals(0.0, Tensor.of(new double[] {-800}, 1).sigmoid().get(0), 1e-300);
    }

    @Test
    void whereSelectsAndBroadcasts() {
        Tensor c = Tensor.of(new boolean[] {true, false}, 2, 1);
        Tensor a = Tensor.of(new int[] {1, 2, 3}, 3);
        Tensor b = Tensor.scalar(-1.5);
        Tensor y = Tensor.where(c, a, b);
        assertEquals(Tensor.fromNested(new float[][] {{1, 2, 3}, {-1.5f, -1.5f, -1.5f}}), y);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.where(a, a, b));
        assertTrue(e.getMessage().contains("where") && e.getMessage().contains("bool"), e.getMessage());
    }

    /** The vectorized float32 blend and bool-to-float cast against element-by-element results. */
    @Test
    void whereAndMaskCastOnLongRuns() {
        Tensor x = Tensor.randn(8, 5, 1000);
        Tensor y = Tensor.randn(9, 5, 1000);
        Tensor c = x.gt(0.3);
        float[] xa = x.toFloatArray();
        float[] ya = y.toFloatArray();
        boolean[] ca = c.toBooleanArray();
        float[] w = Tensor.where(c, x, y).toFloatArray();
        float[] wRow = Tensor.where(c.slice(0, 0, 1), x, Tensor.scalar(-2)).toFloatArray();
        float[] mask = c.to(DType.FLOAT32).toFloatArray();
        float[] maskT = c.transpose().to(DType.FLOAT32).transpose().toFloatArray();
        for (int i = 0; i < xa.length; i++) {
            assertEquals(ca[i] ? xa[i] : ya[i], w[i], "where at " + i);
            assertEquals(ca[i % 1000] ? xa[i] : -2f, wRow[i], "where with a broadcast condition at " + i);
            assertEquals(ca[i] ? 1f : 0f, mask[i], "cast at " + i);
            assertEquals(ca[i] ? 1f : 0f, maskT[i], "strided cast at " + i);
        }
    }

    @Test
    void logicalAndComparison() {
        Tensor a = Tensor.of(new boolean[] {true, true, false, false}, 4);
        Tensor b = Tensor.of(new boolean[] {true, false, true, false}, 4);
        assertEquals(Tensor.of(new boolean[] {true, false, false, false}, 4), a.logicalAnd(b));
        assertEquals(Tensor.of(new boolean[] {true, true, true, false}, 4), a.logicalOr(b));
        assertEquals(Tensor.of(new boolean[] {false, false, true, true}, 4), a.logicalNot());
        Tensor x = Tensor.vector(1, 2, 3);
        assertEquals(Tensor.of(new boolean[] {true, true, false}, 3), x.le(2));
        assertEquals(Tensor.of(new boolean[] {false, true, true}, 3), x.ge(2));
        assertEquals(Tensor.of(new boolean[] {true, false, false}, 3), x.lt(2));
        assertEquals(Tensor.vector(1, 2, 2), x.clamp(0, 2));
    }

    @Test
    void errorsNameTheOperationAndShapes() {
        Tensor a = Tensor.zeros(2, 3);
        Tensor b = Tensor.zeros(4, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(new boolean[] {true}, 1).neg());
        assertTrue(e.getMessage().contains("neg") && e.getMessage().contains("bool"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.clamp(2, 1));
    }

    @Test
    void castTruncatesAndTestsNonZero() {
        Tensor x = Tensor.of(new double[] {-1.7, 0, 2.9, Double.NaN}, 4);
        assertEquals(Tensor.of(new int[] {-1, 0, 2, 0}, 4), x.to(DType.INT32));
        assertEquals(Tensor.of(new boolean[] {true, false, true, true}, 4), x.to(DType.BOOL));
        assertEquals(Tensor.of(new long[] {1L << 40}, 1), Tensor.of(new long[] {1L << 40}, 1).to(DType.INT64));
        assertEquals(Tensor.vector(1, 0, 1), Tensor.of(new boolean[] {true, false, true}, 3).to(DType.FLOAT32));
    }
}
