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
 * Rows of an input that nobody writes cost the tape nothing per element: rows loaded and used inside
 * one segment ({@code a[i][j]}) are loaded again by the adjoint, shadow and row; row variables
 * ({@code double[] row = a[i]}) are recorded once per assignment. So the augmented forward pushes
 * nothing where it reads elements (the gradients themselves are checked in {@code MatricesTest}).
 */
class LocalRowsTest {
    @Test
    void elementsOfAReadOnlyInputAreReadAgainNotRecorded() {
        noRecordsWhereElementsAreRead("indexedProducts");
    }

    @Test
    void rowVariablesOfAReadOnlyInputAreReadAgain() {
        // double[] row = ax[i] before the inner loop: the row is recorded once per assignment, and
        // the elements read through it in the inner loop are read again.
        noRecordsWhereElementsAreRead("matVec");
    }

    private static void noRecordsWhereElementsAreRead(String name) {
        Objects.requireNonNull(ConstantDescs.CD_double);
        Program program = new Program();
        Function f = program.function(new MethodRef(Matrices.class.getClassLoader(),
                ClassDesc.of(Matrices.class.getName()), name, MethodTypeDesc.ofDescriptor("([[D)D")));
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
