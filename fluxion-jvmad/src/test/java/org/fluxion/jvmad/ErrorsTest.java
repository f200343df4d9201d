package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.jvmad.corpus.Unsupported;
import org.fluxion.jvmad.ir.NotDifferentiableException;
import org.junit.jupiter.api.Test;

/** Every construct that cannot be differentiated fails when the derivative is built, saying what and where. */
class ErrorsTest {
    private static NotDifferentiableException refused(String name) {
        return assertThrows(NotDifferentiableException.class, () -> JvmAd.method(Unsupported.class, name));
    }

    private static void refused(String name, String method, String... reasonParts) {
        NotDifferentiableException e = refused(name);
        assertEquals(method, e.method(), e.getMessage());
        for (String part : reasonParts) {
            assertTrue(e.reason().contains(part), "'" + e.getMessage() + "' should say " + part);
        }
        assertTrue(e.getMessage().startsWith("cannot differentiate " + method), e.getMessage());
    }

    private static final String U = "org.fluxion.jvmad.corpus.Unsupported.";

    @Test
    void arraysOfArrays() {
        refused("readsConstantMatrix", U + "readsConstantMatrix(double[])", "static field", "double[][]");
        refused("storesConstantRow", U + "storesConstantRow(double[][])",
                "stores a static final array into an array of arrays");
        refused("copiesMatrixWithArraysCopyOf", U + "copiesMatrixWithArraysCopyOf(double[][])",
                "java.util.Arrays.copyOf", "no derivative rule");
        refused("clonesIntMatrix", U + "clonesIntMatrix(double[][], int[][])", "int[][].clone");
        // The line of the refused instruction is named.
        assertTrue(refused("storesConstantRow").line() > 0);
    }

    @Test
    void callsToUnknownCode() {
        refused("virtualCall", U + "virtualCall(double[])", "java.util.List.of", "no derivative rule");
        refused("callsLibrary", U + "callsLibrary(double[])", "java.util.Arrays.stream");
        refused("callsNative", U + "callsNative(double[])", "java.lang.Double.longBitsToDouble");
        refused("reflection", U + "reflection(double[])", "class literal", "reflection");
    }

    @Test
    void objectsFieldsAndSynchronization() {
        refused("allocatesObject", U + "allocatesObject(double[])", "allocates an object (new java.lang.StringBuilder)");
        refused("writesStaticField", U + "writesStaticField(double[])", "writes the static field " + U + "counter");
        refused("readsMutableStatic", U + "readsMutableStatic(double[])", "mutable static field " + U + "mutable");
        refused("synchronizes", U + "synchronizes(double[])", "synchroniz");
        refused("synchronizedMethod", U + "synchronizedMethod(double[])", "is synchronized");
        refused("arrayOfObjects", U + "arrayOfObjects(double[])", "allocates an array of Object",
                "only arrays of primitives and arrays of such arrays");
        refused("stringConcatenation", U + "stringConcatenation(double[])", "invokedynamic");
        refused("writesConstantArray", U + "writesConstantArray(double[])", "static final array");
        refused("objectParameter", U + "objectParameter(double[], Object)", "parameter of type Object");
        refused("instanceMethod", U + "instanceMethod(double[])", "instance method");
    }

    @Test
    void nativeMethods() {
        refused("nativeMethod", U + "nativeMethod(double[])", "is native");
    }

    @Test
    void exceptions() {
        refused("throwsChecked", U + "throwsChecked(double[])", "checked exception java.io.IOException");
        refused("throwsAStoredException", U + "throwsAStoredException(double[])", "allocates an object");
        NotDifferentiableException e = refused("catches");
        assertTrue(e.getMessage().contains("exception handler"), e.getMessage());
        assertTrue(e.line() > 0 && e.getMessage().contains(U + "catches(double[])"), e.getMessage());
    }

    @Test
    void theErrorNamesLineAndOffset() {
        NotDifferentiableException e = refused("writesStaticField");
        assertTrue(e.line() > 0, "a line number: " + e.getMessage());
        assertTrue(e.bytecodeOffset() >= 0, "a bytecode offset: " + e.getMessage());
        assertTrue(e.getMessage().contains("at line " + e.line() + " (bytecode offset " + e.bytecodeOffset() + ")"),
                e.getMessage());
    }

    @Test
    void aCalleeThatCannotBeDifferentiatedIsNamed() {
        NotDifferentiableException e = refused("callsBadCallee");
        assertEquals(U + "writesStaticField(double[])", e.method());
    }

    @Test
    void integerOutputsAndWrongShapesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JvmAd.grad(Unsupported.class, "integerResult"));
        assertTrue(e.getMessage().contains("integerResult(double[])") && e.getMessage().contains("(double[])double"),
                e.getMessage());
        refused("roundDown", U + "roundDown(double)", "integer-valued outputs have no derivative");
    }

    @Test
    void lambdasThatCaptureAreRefused() {
        double captured = 3;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JvmAd.grad(x -> captured * x[0]));
        assertTrue(e.getMessage().contains("captures 1 value"), e.getMessage());
    }
}
