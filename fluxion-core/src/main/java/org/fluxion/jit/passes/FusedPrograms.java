package org.fluxion.jit.passes;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;

/**
 * The {@link ElementwiseProgram}s of the fused steps of a compiled {@link Graph}, in plan order, so that a
 * device backend (fluxion-gpu) can compile the very programs the fusion pass built: a read-only view that
 * keeps {@link Fused} itself package-private.
 */
public final class FusedPrograms {
    private FusedPrograms() {
    }

    /** The programs of {@code graph}'s fused steps (none when nothing was fused). */
    public static List<ElementwiseProgram> of(Graph graph) {
        List<ElementwiseProgram> programs = new ArrayList<>();
        for (Equation e : graph.equations()) {
            if (e.primitive() instanceof Fused f) {
                programs.add(f.program);
            } else if (e.primitive() instanceof FusedRowSums s) {
                programs.add(s.fused().program);
            }
        }
        return programs;
    }
}
