package org.fluxion.nn;

import java.util.Map;
import org.fluxion.tensor.Tensor;

/**
 * A skip connection: {@code y = x + body(x)}. The body must keep the shape; its parameters are named
 * {@code body.*}.
 */
public final class Residual extends Module {
    private final Module body;

    public Residual(Module body) {
        this.body = body;
    }

    @Override
    public Tensor apply(Tensor x) {
        Tensor fx = body.apply(x);
        if (!fx.shape().equals(x.shape())) {
            throw new LayerInputException(label(), "body maps " + x.shape() + " to " + fx.shape()
                    + "; a residual block must keep the shape");
        }
        return x.add(fx);
    }

    public Module body() {
        return body;
    }

    @Override
    protected Map<String, Module> children() {
        return Map.of("body", body);
    }

    /** {@code Residual(<body's label>)}, in one line. */
    @Override
    public String label() {
        return "Residual(" + body.label() + ")";
    }
}
