package org.fluxion.optim;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** {@link Subnormals#flush(float)} lane by lane, for the optimizers' Vector API loops. */
final class SubnormalsVector {
    private SubnormalsVector() {
    }

    /** {@code x} with its subnormal lanes made zero. */
    static FloatVector flush(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }
}
