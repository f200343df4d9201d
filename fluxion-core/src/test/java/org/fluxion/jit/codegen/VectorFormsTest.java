package org.fluxion.jit.codegen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every elementwise operation has its float32 and float64 vector form, in {@link VectorOps} or the element
 * type's binding, or, for a unary operation of values, runs lane by lane through its scalar formula; checked when
 * code generation starts.
 */
class VectorFormsTest {
    @Test
    void vfAndVdHaveEveryOperation() {
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VF.class));
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VD.class));
    }

    /** The lane-by-lane form of every operation of values gives its scalar formula's bits, in both bindings. */
    @Test
    void byLaneIsTheScalarFormula() {
        float[] xs = new float[VF.L];
        double[] ds = new double[VD.L];
        for (org.fluxion.ops.UnaryOp op : org.fluxion.ops.UnaryOp.values()) {
            if (op.isPredicate()) {
                continue;
            }
            for (int k = 0; k < xs.length; k++) {
                xs[k] = (float) (0.37 * k - 0.9);
            }
            for (int k = 0; k < ds.length; k++) {
                ds[k] = 0.37 * k - 0.9;
            }
            float[] f = ((jdk.incubator.vector.FloatVector) VF.byLane(VF.load(xs, 0), op.ordinal())).toArray();
            double[] d = ((jdk.incubator.vector.DoubleVector) VD.byLane(VD.load(ds, 0), op.ordinal())).toArray();
            for (int k = 0; k < f.length; k++) {
                assertEquals(Float.floatToIntBits(op.value(xs[k])), Float.floatToIntBits(f[k]), op + " float32 lane " + k);
            }
            for (int k = 0; k < d.length; k++) {
                assertEquals(Double.doubleToLongBits(op.value(ds[k])), Double.doubleToLongBits(d[k]), op + " float64 lane " + k);
            }
        }
    }

    /** A binding without the forms is named with what it lacks (the generic operations count as present). */
    @Test
    void aMissingFormIsNamed() {
        var e = assertThrows(IllegalStateException.class, () -> BytecodeGenerator.requireVectorForms(String.class));
        assertTrue(e.getMessage().contains("String lacks the vector form of [") && e.getMessage().contains("byLane(v, op)")
                && !e.getMessage().contains("exp(v)"), e.getMessage());
        assertTrue(e.getMessage().contains("pow(a, b)"), e.getMessage());
        assertTrue(!e.getMessage().contains("add(a, b)"), e.getMessage());
    }

    /** A name in both the binding and VectorOps is refused: a generated call goes to the binding by name alone. */
    @Test
    void aNameInBothPlacesIsRefused() {
        var e = assertThrows(IllegalStateException.class, () -> BytecodeGenerator.requireVectorForms(Shadowing.class));
        assertTrue(e.getMessage().contains("Shadowing and VectorOps both declare [add]"), e.getMessage());
    }

    /** A binding that has every element-type form and also declares {@code add}. */
    @SuppressWarnings("unused")
    private static final class Shadowing {
        static Object exp(Object x) { return x; }
        static Object log(Object x) { return x; }
        static Object log1p(Object x) { return x; }
        static Object expm1(Object x) { return x; }
        static Object sin(Object x) { return x; }
        static Object cos(Object x) { return x; }
        static Object tan(Object x) { return x; }
        static Object tanh(Object x) { return x; }
        static Object sigmoid(Object x) { return x; }
        static Object floor(Object x) { return x; }
        static Object ceil(Object x) { return x; }
        static Object round(Object x) { return x; }
        static Object erf(Object x) { return x; }
        static Object asin(Object x) { return x; }
        static Object acos(Object x) { return x; }
        static Object atan(Object x) { return x; }
        static Object pow(Object a, Object b) { return a; }
        static Object add(Object a, Object b) { return a; }
        static Object byLane(Object x, int op) { return x; }
    }

    /**
     * A sum's lanes are folded one at a time in lane order, in double, for float32 and float64 vectors, with magnitudes
     * far enough apart (and signed zeros, infinities, NaN) that any other order would change the bits. Repeated so
     * that the fold runs compiled as well.
     */
    @Test
    void sumLanesAddsTheLanesInLaneOrder() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE};
        float[] xs = new float[VF.L];
        double[] ds = new double[VD.L];
        for (int round = 0; round < 20_000; round++) {
            for (int k = 0; k < xs.length; k++) {
                xs[k] = rng.nextInt(64) == 0 ? special[rng.nextInt(special.length)]
                        : (float) (rng.nextDouble(-1, 1) * Math.scalb(1.0, rng.nextInt(-40, 80)));
            }
            for (int k = 0; k < ds.length; k++) {
                ds[k] = rng.nextDouble(-1, 1) * Math.scalb(1.0, rng.nextInt(-40, 80));
            }
            double fs = 0;
            for (float x : xs) {
                fs += x;
            }
            double dsum = 0;
            for (double x : ds) {
                dsum += x;
            }
            assertEquals(Double.doubleToLongBits(fs), Double.doubleToLongBits(VectorOps.sumLanes(VF.load(xs, 0))),
                    "float32 round " + round);
            assertEquals(Double.doubleToLongBits(dsum), Double.doubleToLongBits(VectorOps.sumLanes(VD.load(ds, 0))),
                    "float64 round " + round);
        }
    }
}
