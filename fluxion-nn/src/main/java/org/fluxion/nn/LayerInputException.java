package org.fluxion.nn;

/**
 * A layer was given an input it cannot take (usually because the layers' shapes do not chain). The
 * message names the layer and both shapes; {@link Sequential} prefixes the layer's position:
 * {@code layer 2 (Linear 784->128) expected input [..., 784], got [64, 100]}.
 */
public final class LayerInputException extends IllegalArgumentException {
    private final String layer;
    private final String detail;

    /** {@code layer}: the layer's description; {@code detail}: what it expected and what it got. */
    public LayerInputException(String layer, String detail) {
        super(layer + " " + detail);
        this.layer = layer;
        this.detail = detail;
    }

    /** The layer's description, e.g. {@code Linear 784->128}. */
    public String layer() {
        return layer;
    }

    /** What was expected and what was given, without the layer. */
    public String detail() {
        return detail;
    }
}
