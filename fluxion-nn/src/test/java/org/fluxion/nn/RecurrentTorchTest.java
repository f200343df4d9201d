package org.fluxion.nn;

import static org.fluxion.nn.LayerGradCheck.randn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Rnn, Lstm and Gru against PyTorch's nn.RNN/LSTM/GRU loaded with the same state dict: outputs, final
 * states and the gradients of every parameter and of the input, for a stacked bidirectional batch-first
 * layer over padded sequences (PyTorch's pack_padded_sequence) with a given initial state.
 */
class RecurrentTorchTest {
    @Test
    void sameWeightsSameOutputsStatesAndGradients() throws Exception {
        TorchReference.assume();
        for (RecurrentCell cell : RecurrentCell.values()) {
            RecurrentConfig c = RecurrentConfig.of(cell, 3, 4).withLayers(2).withBidirectional(true).withBatchFirst(true);
            RecurrentLayer layer = switch (cell) {
                case LSTM -> new Lstm(c, DType.FLOAT64, new SplittableRandom(1));
                case GRU -> new Gru(c, DType.FLOAT64, new SplittableRandom(1));
                case RNN_TANH, RNN_RELU -> new Rnn(c, DType.FLOAT64, new SplittableRandom(1));
            };
            Tensor x = randn(2, 3, 6, 3).requiresGrad(true);
            Tensor lengths = Tensor.of(new long[] {6, 2, 4}, 3);
            Tensor h0 = randn(3, 4, 3, 4);
            Tensor c0 = randn(4, 4, 3, 4);
            Tensor r = randn(5, 3, 6, 8);
            Tensor rh = randn(6, 4, 3, 4);
            RecurrentOutput out = layer.forward(x, new RecurrentState(h0, cell.hasCellState() ? c0 : null), lengths);
            layer.zeroGrad();
            out.output().mul(r).sum().add(out.state().h().mul(rh).sum()).backward();

            Map<String, Tensor> in = new LinkedHashMap<>();
            layer.parameters().forEach((k, v) -> in.put("p_" + k, v.detach()));
            in.put("x", x.detach());
            in.put("lengths", lengths);
            in.put("h0", h0);
            in.put("c0", c0);
            in.put("r", r);
            in.put("rh", rh);
            String module = switch (cell) {
                case LSTM -> "torch.nn.LSTM(3, 4";
                case GRU -> "torch.nn.GRU(3, 4";
                case RNN_TANH -> "torch.nn.RNN(3, 4, nonlinearity='tanh'";
                case RNN_RELU -> "torch.nn.RNN(3, 4, nonlinearity='relu'";
            };
            Map<String, Tensor> torch = TorchReference.run("""
                    m = %s, num_layers=2, bidirectional=True, batch_first=True)
                    m.load_state_dict({k[2:]: v for k, v in I.items() if k.startswith('p_')})
                    x = I['x'].clone().requires_grad_(True)
                    packed = torch.nn.utils.rnn.pack_padded_sequence(x, I['lengths'], batch_first=True,
                                                                     enforce_sorted=False)
                    state = (I['h0'], I['c0']) if %s else I['h0']
                    y, s = m(packed, state)
                    y, _ = torch.nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=6)
                    h = s[0] if %s else s
                    (y * I['r']).sum().add((h * I['rh']).sum()).backward()
                    O['y'] = y
                    O['h'] = h
                    if %s:
                        O['c'] = s[1]
                    O['gx'] = x.grad
                    for k, p in m.named_parameters():
                        O['g_' + k] = p.grad
                    """.formatted(module, py(cell), py(cell), py(cell)), in);
            TorchReference.assertClose(cell + " output", torch.get("y"), out.output(), 1e-10);
            TorchReference.assertClose(cell + " h_n", torch.get("h"), out.state().h(), 1e-10);
            if (cell.hasCellState()) {
                TorchReference.assertClose(cell + " c_n", torch.get("c"), out.state().c(), 1e-10);
            }
            TorchReference.assertClose(cell + " d/dx", torch.get("gx"), x.grad(), 1e-10);
            for (var e : layer.parameters().entrySet()) {
                TorchReference.assertClose(cell + " d/d" + e.getKey(), torch.get("g_" + e.getKey()), e.getValue().grad(),
                        1e-10);
            }
        }
    }

    private static String py(RecurrentCell cell) {
        return cell.hasCellState() ? "True" : "False";
    }
}
