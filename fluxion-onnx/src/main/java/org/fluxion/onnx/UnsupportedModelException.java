package org.fluxion.onnx;

import java.util.List;

/**
 * A model that uses operators or element types Fluxion does not implement, found when it loads (never
 * halfway through a run): {@link #unsupported()} lists every one by name, e.g. {@code [Loop, STRING tensor x]}.
 */
public final class UnsupportedModelException extends OnnxException {
    private static final long serialVersionUID = 1L;
    private final List<String> unsupported;

    /** {@code what} names the model; {@code unsupported} the operators and types it lacks. */
    public UnsupportedModelException(String what, List<String> unsupported) {
        super(what + " uses what Fluxion does not support: " + String.join(", ", unsupported));
        this.unsupported = List.copyOf(unsupported);
    }

    /** Operator names ({@code domain:op} outside the default domain) and unsupported element types. */
    public List<String> unsupported() {
        return unsupported;
    }
}
