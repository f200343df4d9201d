package org.fluxion.onnx;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The table from ONNX operator name (default domain) to its {@link Lowering}, filled once from the
 * category classes. An operator absent here is reported by name when a model using it loads.
 */
final class Operators {
    private static final Map<String, Lowering> DEFAULT_DOMAIN;

    static {
        Map<String, Lowering> t = new HashMap<>();
        ElementwiseOperators.register(t);
        ShapeOperators.register(t);
        ReductionOperators.register(t);
        NeuralOperators.register(t);
        ResizeOperator.register(t);
        IndexOperators.register(t);
        EinsumOperator.register(t);
        ControlFlowOperators.register(t);
        RecurrentOperators.register(t);
        SequenceOperators.register(t);
        QuantizationOperators.register(t);
        // After ElementwiseOperators: its Cast, CastLike and Identity are replaced by forms that also take strings.
        StringOperators.register(t);
        DEFAULT_DOMAIN = Collections.unmodifiableMap(t);
    }

    private Operators() {
    }

    /** The lowering of {@code domain:opType} ("" is the default domain), or null. */
    static Lowering lookup(String domain, String opType) {
        if (domain.equals(GradientOperator.DOMAIN)) {
            return opType.equals("Gradient") ? GradientOperator.INSTANCE : null;
        }
        return domain.isEmpty() ? DEFAULT_DOMAIN.get(opType) : null;
    }

    /** The supported default-domain operators, sorted. */
    static Set<String> supported() {
        return new TreeSet<>(DEFAULT_DOMAIN.keySet());
    }
}
