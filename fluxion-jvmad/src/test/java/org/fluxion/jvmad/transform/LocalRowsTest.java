package org.fluxion.jvmad.transform;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.Objects;
import org.fluxion.jvmad.corpus.Matrices;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.IrPrinter;
import org.fluxion.jvmad.read.MethodRef;
import org.fluxion.jvmad.read.Program;
import org.junit.jupiter.api.Test;

/**
 * Rows loaded and used inside one segment ({@code a[i][j]}) cost the tape nothing: the adjoint loads
 * the shadow row, and the row itself when its array is read-only, again. So the augmented forward
 * of a function that reads {@code a[i][j]} from an input nobody writes pushes nothing where it
 * reads elements (the gradient itself is checked in {@code MatricesTest}).
 */
class LocalRowsTest {
    @Test
    void elementsOfAReadOnlyInputAreReadAgainNotRecorded() {
        Objects.requireNonNull(ConstantDescs.CD_double);
        Program program = new Program();
        Function f = program.function(new MethodRef(Matrices.class.getClassLoader(),
                ClassDesc.of(Matrices.class.getName()), "indexedProducts", MethodTypeDesc.ofDescriptor("([[D)D")));
        program.readAll();
        Derivatives derivatives = new Derivatives(program, f);
        ReverseTransform.Pair pair = derivatives.reverse(f);
        derivatives.complete();
        boolean sawElementLoads = false;
        for (Block b : pair.forward().blocks()) {
            boolean loadsElements = b.insns().stream().anyMatch(i -> i instanceof Insn.ArrayLoad l && l.dst().type().isReal());
            if (loadsElements) {
                sawElementLoads = true;
                assertTrue(b.insns().stream().noneMatch(i -> i instanceof Insn.Push),
                        "a block reading elements records nothing:\n" + IrPrinter.print(pair.forward()));
            }
        }
        assertTrue(sawElementLoads);
    }
}
