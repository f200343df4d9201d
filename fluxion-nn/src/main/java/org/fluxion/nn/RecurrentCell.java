package org.fluxion.nn;

import java.util.List;
import org.fluxion.tensor.Tensor;

/**
 * The cell of a recurrent layer: how many gate blocks its weights hold and one time step, in PyTorch's gate
 * order so that its {@code state_dict} loads. {@code H} is the hidden size, {@code B} the batch.
 *
 * <ul>
 *   <li>{@link #RNN_TANH}, {@link #RNN_RELU}: {@code h' = act(x W_ih^T + b_ih + h W_hh^T + b_hh)};</li>
 *   <li>{@link #LSTM}, gates {@code i, f, g, o}: {@code c' = sigmoid(f) c + sigmoid(i) tanh(g)},
 *       {@code h' = sigmoid(o) tanh(c')};</li>
 *   <li>{@link #GRU}, gates {@code r, z, n}: {@code n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn))},
 *       {@code h' = (1 - z) n + z h}.</li>
 * </ul>
 *
 * <p>The input projection {@code x W_ih^T + b_ih} of all time steps is computed before the loop, as one
 * GEMM; a step adds {@code h W_hh^T} of all gates, one GEMM. For LSTM and RNN, {@code b_hh} is added to the
 * projection too (it is outside every nonlinearity); GRU keeps it inside the step, where {@code r} scales it.
 */
public enum RecurrentCell {
    RNN_TANH(1, false),
    RNN_RELU(1, false),
    LSTM(4, true),
    GRU(3, false);

    private final int gates;
    private final boolean cellState;

    RecurrentCell(int gates, boolean cellState) {
        this.gates = gates;
        this.cellState = cellState;
    }

    /** Number of gate blocks: the weights are {@code [gates * H, in]} and {@code [gates * H, H]}. */
    public int gates() {
        return gates;
    }

    /** True for LSTM, whose state is {@code (h, c)}; the others carry {@code h} only. */
    public boolean hasCellState() {
        return cellState;
    }

    /** True when {@code b_hh} can be added to the input projection before the loop. */
    boolean foldsHiddenBias() {
        return this != GRU;
    }

    /**
     * One step: the next state from the projected input and the current state.
     *
     * @param projected {@code [B, gates * H]}: {@code x_t W_ih^T + b_ih} (plus {@code b_hh} where folded)
     * @param state     {@code [h]} or {@code [h, c]}, each {@code [B, H]}
     * @param whh       {@code [gates * H, H]}
     * @param bhh       {@code [gates * H]} or null (used by GRU only, the others fold it)
     * @return the next state, same structure; its first element is this step's output
     */
    List<Tensor> step(Tensor projected, List<Tensor> state, Tensor whh, Tensor bhh) {
        Tensor h = state.getFirst();
        int hidden = h.dim(-1);
        Tensor recurrent = h.matmul(whh.transpose());
        return switch (this) {
            case RNN_TANH -> List.of(projected.add(recurrent).tanh());
            case RNN_RELU -> List.of(projected.add(recurrent).relu());
            case LSTM -> {
                // one split (its VJP is one concat), not four slices (four padded cotangents summed)
                List<Tensor> g = projected.add(recurrent).split(1, hidden, hidden, hidden, hidden);
                Tensor i = g.get(0).sigmoid();
                Tensor f = g.get(1).sigmoid();
                Tensor c = g.get(2).tanh();
                Tensor o = g.get(3).sigmoid();
                Tensor next = f.mul(state.get(1)).add(i.mul(c));
                yield List.of(o.mul(next.tanh()), next);
            }
            case GRU -> {
                Tensor gh = bhh == null ? recurrent : recurrent.add(bhh);
                Tensor r = projected.slice(1, 0, hidden).add(gh.slice(1, 0, hidden)).sigmoid();
                Tensor z = projected.slice(1, hidden, 2 * hidden).add(gh.slice(1, hidden, 2 * hidden)).sigmoid();
                Tensor n = projected.slice(1, 2 * hidden, 3 * hidden).add(r.mul(gh.slice(1, 2 * hidden, 3 * hidden)))
                        .tanh();
                yield List.of(n.add(z.mul(h.sub(n)))); // (1 - z) n + z h
            }
        };
    }
}
