package org.fluxion.jit;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.jit.codegen.ElementwiseProgram;

/**
 * The {@link ElementwiseProgram}s of the fused steps of a compiled {@link Graph}, in plan order, so that a
 * device backend can compile the very programs {@code jit}'s fusion pass built. It lives in fluxion-core's
 * package because {@link Fused} is package-private there.
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
            }
        }
        return programs;
    }
}
