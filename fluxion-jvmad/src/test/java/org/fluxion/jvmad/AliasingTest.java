package org.fluxion.jvmad;

import org.fluxion.jvmad.corpus.Aliasing;
import org.junit.jupiter.api.Test;

/**
 * Reverse mode reads an array again only when nothing writes it; these methods write arrays after
 * reading them (directly, through a copy, in a callee), so a wrong read-again would give wrong
 * gradients here.
 */
class AliasingTest {
    @Test
    void arraysWrittenAfterBeingRead() {
        Checks.forwardAndReverse(Aliasing.class, "entryInputWrittenAfterACall", (Object) new double[] {0.3, 1.2, -0.7});
        Checks.forwardAndReverse(Aliasing.class, "copyWrittenAfterACall", (Object) new double[] {0.3, 1.2, -0.7, 2});
        Checks.forwardAndReverse(Aliasing.class, "inputWrittenByACallee", (Object) new double[] {0.3, 1.2, -0.7, 0.5});
        Checks.forwardAndReverse(Aliasing.class, "readOnlyBesideScratch", (Object) new double[] {0.3, 1.2, -0.7, 0.5});
    }

    @Test
    void floatArrays() {
        Checks.forwardAndReverseWithin(1e-5, Aliasing.class, "floats", (Object) new double[] {0.3, 1.2, -0.7, 0.5});
    }
}
