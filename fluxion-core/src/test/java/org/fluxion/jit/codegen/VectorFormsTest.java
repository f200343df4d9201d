package org.fluxion.jit.codegen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Every elementwise operation has its float32 and float64 vector form, in {@link VectorOps} or the element
 * type's binding, checked when code generation starts.
 */
class VectorFormsTest {
    @Test
    void vfAndVdHaveEveryOperation() {
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VF.class));
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VD.class));
    }

    /** Both bindings declare the same names: what depends on the element type, nothing else. */
    @Test
    void bindingsDeclareTheSameNames() {
        assertEquals(BytecodeGenerator.requireVectorForms(VF.class), BytecodeGenerator.requireVectorForms(VD.class));
    }

    /** A binding without the forms is named with what it lacks (the generic operations count as present). */
    @Test
    void aMissingFormIsNamed() {
        var e = assertThrows(IllegalStateException.class, () -> BytecodeGenerator.requireVectorForms(String.class));
        assertTrue(e.getMessage().contains("String lacks the vector form of [exp(v)"), e.getMessage());
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
    }
}
