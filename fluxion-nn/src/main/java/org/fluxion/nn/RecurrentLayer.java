package org.fluxion.nn;

import java.util.Collections;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The module form of {@link Recurrent}: {@link Rnn}, {@link Lstm} and {@link Gru} hold a
 * {@link RecurrentConfig} and parameters named as PyTorch's ({@code weight_ih_l0}, ...,
 * {@code bias_hh_l1_reverse}), so a PyTorch {@code state_dict} loads with {@link #loadStateDict}.
 */
public abstract sealed class RecurrentLayer extends Module permits Rnn, Lstm, Gru {
    private final RecurrentConfig config;
    private final Map<String, Tensor> params;
    private final RandomGenerator dropoutRng;

    RecurrentLayer(RecurrentConfig config, DType dtype, RandomGenerator rng) {
        this.config = config;
        Map<String, Tensor> p = Recurrent.initParameters(config, dtype, rng);
        p.values().forEach(t -> t.requiresGrad(true));
        this.params = Collections.unmodifiableMap(p);
        this.dropoutRng = rng;
    }

    /** The output {@code [T, B, directions * H]} (see {@link RecurrentOutput}) from a zero state. */
    @Override
    public Tensor apply(Tensor x) {
        return forward(x, null, null).output();
    }

    /**
     * Output and final state.
     *
     * @param initial the initial state, or null for zeros
     * @param lengths int {@code [B]} valid steps per sequence, or null for all {@code T}
     */
    public RecurrentOutput forward(Tensor x, RecurrentState initial, Tensor lengths) {
        return Recurrent.apply(config, params, x, initial, lengths,
                isTraining() && config.dropout() > 0 ? dropoutRng : null);
    }

    public RecurrentConfig config() {
        return config;
    }

    /** A parameter by PyTorch's name, e.g. {@code weight_hh_l0}. */
    public Tensor parameter(String name) {
        Tensor p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException(label() + ": no parameter " + name + " (have " + params.keySet() + ")");
        }
        return p;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return params;
    }

    @Override
    public String toString() {
        RecurrentConfig c = config;
        return getClass().getSimpleName() + " " + c.inputSize() + "->" + c.hiddenSize()
                + (c.numLayers() > 1 ? " x" + c.numLayers() : "") + (c.bidirectional() ? " bidirectional" : "")
                + (c.batchFirst() ? " batch-first" : "");
    }
}
