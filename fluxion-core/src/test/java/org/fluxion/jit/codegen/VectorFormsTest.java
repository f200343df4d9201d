package org.fluxion.jit.codegen;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every elementwise operation has its float32 and float64 vector form, checked when code generation starts. */
class VectorFormsTest {
    @Test
    void vfAndVdHaveEveryOperation() {
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VF.class));
        assertDoesNotThrow(() -> BytecodeGenerator.requireVectorForms(VD.class));
    }

    /** A helper class without the forms is named with what it lacks. */
    @Test
    void aMissingFormIsNamed() {
        var e = assertThrows(IllegalStateException.class, () -> BytecodeGenerator.requireVectorForms(String.class));
        assertTrue(e.getMessage().contains("String lacks the vector form of [neg(v)"), e.getMessage());
        assertTrue(e.getMessage().contains("add(a, b)"), e.getMessage());
    }
}
