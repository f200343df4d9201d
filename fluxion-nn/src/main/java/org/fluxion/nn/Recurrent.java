package org.fluxion.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.jit.ir.Tracing;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Control;

/**
 * Recurrent layers as a pure function of their parameters (what {@link Rnn}, {@link Lstm} and {@link Gru}
 * apply), so that {@code grad}, {@code jit} and {@code vmap} take the parameters as a tree.
 *
 * <p>Per layer and direction: the input projection of all {@code T} steps is one GEMM
 * ({@code [T B, in] x [in, gates H]}); the time loop is a {@link Control#scan}, a Java loop eagerly and one
 * structured operation under {@code jit}, whose step does one GEMM for all gates ({@link RecurrentCell}).
 * The reverse direction scans the time-reversed projection and reverses its outputs back.
 *
 * <p>Variable lengths: a step {@code t >= length_b} leaves sequence {@code b}'s state unchanged and outputs
 * zero, so the forward state ends at the last valid step and the reverse pass starts from the initial state
 * at the last valid step, as PyTorch's packed sequences do.
 */
public final class Recurrent {
    private Recurrent() {
    }

    /**
     * Fresh parameters in PyTorch's names and order ({@code weight_ih_l0, weight_hh_l0, bias_ih_l0,
     * bias_hh_l0, weight_ih_l0_reverse, ...}), all from PyTorch's {@code U(-1/sqrt(H), 1/sqrt(H))}.
     */
    public static Map<String, Tensor> initParameters(RecurrentConfig cfg, DType dtype, RandomGenerator rng) {
        int h = cfg.hiddenSize();
        int gh = cfg.cell().gates() * h;
        double bound = 1 / Math.sqrt(h);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            int in = l == 0 ? cfg.inputSize() : cfg.directions() * h;
            for (int d = 0; d < cfg.directions(); d++) {
                out.put(RecurrentConfig.name("weight_ih", l, d), Init.uniform(rng, -bound, bound, dtype, gh, in));
                out.put(RecurrentConfig.name("weight_hh", l, d), Init.uniform(rng, -bound, bound, dtype, gh, h));
                if (cfg.bias()) {
                    out.put(RecurrentConfig.name("bias_ih", l, d), Init.uniform(rng, -bound, bound, dtype, gh));
                    out.put(RecurrentConfig.name("bias_hh", l, d), Init.uniform(rng, -bound, bound, dtype, gh));
                }
            }
        }
        return out;
    }

    /**
     * Runs the layer.
     *
     * @param params     as {@link #initParameters} names them
     * @param x          {@code [T, B, in]}, {@code [B, T, in]} when batch-first, or {@code [T, in]} unbatched
     * @param initial    the initial state ({@link RecurrentState}), or null for zeros
     * @param lengths    int32/int64 {@code [B]} (a scalar unbatched), each in {@code [0, T]}, or null when every
     *                   sequence has {@code T} steps
     * @param dropoutRng the generator of the dropout between layers, or null for none (evaluation)
     * @throws LayerInputException naming the layer and the shapes when an input does not fit
     */
    public static RecurrentOutput apply(RecurrentConfig cfg, Map<String, Tensor> params, Tensor x,
                                        RecurrentState initial, Tensor lengths, RandomGenerator dropoutRng) {
        String layer = cfg.cell().name();
        int in = cfg.inputSize();
        if ((x.rank() != 2 && x.rank() != 3) || x.dim(-1) != in) {
            throw new LayerInputException(layer, "expected input " + (cfg.batchFirst() ? "[B, T, " : "[T, B, ") + in
                    + "] or unbatched [T, " + in + "], got " + x.shape());
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new LayerInputException(layer, "expected a floating-point input, got " + x.type());
        }
        boolean unbatched = x.rank() == 2;
        Tensor seq = unbatched ? x.unsqueeze(1) : cfg.batchFirst() ? x.transpose(0, 1) : x;
        int steps = seq.dim(0);
        int batch = seq.dim(1);
        int h = cfg.hiddenSize();
        int layersTimesDirections = cfg.numLayers() * cfg.directions();
        Tensor h0 = initialPart(layer, "h", initial == null ? null : initial.h(), unbatched,
                layersTimesDirections, batch, h, x.dtype());
        Tensor c0 = cfg.cell().hasCellState() ? initialPart(layer, "c", initial == null ? null : initial.c(),
                unbatched, layersTimesDirections, batch, h, x.dtype()) : null;
        Tensor mask = lengths == null ? null : SequenceMasks.timeMajor(layer, lengths, unbatched, steps, batch, x.dtype());

        Tensor layerInput = seq;
        List<Tensor> finalH = new ArrayList<>();
        List<Tensor> finalC = new ArrayList<>();
        for (int l = 0; l < cfg.numLayers(); l++) {
            List<Tensor> outputs = new ArrayList<>(2);
            for (int d = 0; d < cfg.directions(); d++) {
                int k = l * cfg.directions() + d;
                List<Tensor> init = c0 == null ? List.of(h0.select(0, k)) : List.of(h0.select(0, k), c0.select(0, k));
                List<Tensor> last = new ArrayList<>();
                outputs.add(direction(cfg, params, l, d, layerInput, mask, init, last));
                finalH.add(last.get(0));
                if (c0 != null) {
                    finalC.add(last.get(1));
                }
            }
            layerInput = outputs.size() == 1 ? outputs.getFirst() : Tensor.concat(2, outputs);
            if (dropoutRng != null && cfg.dropout() > 0 && l < cfg.numLayers() - 1) {
                layerInput = Functions.dropout(layerInput, cfg.dropout(), true, dropoutRng);
            }
        }
        Tensor output = unbatched ? layerInput.squeeze(1) : cfg.batchFirst() ? layerInput.transpose(0, 1) : layerInput;
        Tensor hn = Tensor.stack(0, finalH);
        Tensor cn = c0 == null ? null : Tensor.stack(0, finalC);
        if (unbatched) {
            hn = hn.squeeze(1);
            cn = cn == null ? null : cn.squeeze(1);
        }
        return new RecurrentOutput(output, new RecurrentState(hn, cn));
    }

    /** One direction of one layer: outputs {@code [T, B, H]}; the final state goes to {@code last}. */
    private static Tensor direction(RecurrentConfig cfg, Map<String, Tensor> params, int l, int d, Tensor input,
                                    Tensor mask, List<Tensor> init, List<Tensor> last) {
        RecurrentCell cell = cfg.cell();
        Tensor wih = parameter(cfg, params, "weight_ih", l, d);
        Tensor whh = parameter(cfg, params, "weight_hh", l, d);
        Tensor bih = cfg.bias() ? parameter(cfg, params, "bias_ih", l, d) : null;
        Tensor bhh = cfg.bias() ? parameter(cfg, params, "bias_hh", l, d) : null;
        Tensor inputBias = bih == null ? null : cell.foldsHiddenBias() ? bih.add(bhh) : bih;
        Tensor stepBias = cell.foldsHiddenBias() ? null : bhh;
        Tensor projected = Functions.linear(input, wih, inputBias); // [T, B, gates H]: all steps, one GEMM
        if (d == 1) {
            projected = reverseTime(projected);
        }
        if (cell == RecurrentCell.LSTM && mask == null && projected.dim(0) > 0 && !Tracing.active()) {
            // Eagerly (taped or not, forward mode too) one fused primitive per layer and direction; under jit
            // the scan, which the compiler fuses and buffers itself.
            Tensor[] r = Ops.bindAll(new LstmRecurrence(), projected, init.get(0), init.get(1), whh);
            int lastStep = projected.dim(0) - 1;
            last.add(r[0].select(0, lastStep));
            last.add(r[1].select(0, lastStep));
            return d == 1 ? reverseTime(r[0]) : r[0];
        }
        Tensor m = mask == null || d == 0 ? mask : reverseTime(mask);
        int width = projected.dim(2);
        Tensor xs = m == null ? projected : Tensor.concat(2, projected, m);
        Control.ScanResult<List<Tensor>> r = Control.scan((state, xt) -> {
            if (m == null) {
                List<Tensor> next = cell.step(xt, state, whh, stepBias);
                return new Control.Step<>(next, next.getFirst());
            }
            List<Tensor> next = cell.step(xt.slice(1, 0, width), state, whh, stepBias);
            Tensor keep = xt.slice(1, width, width + 1); // [B, 1]: 1 at a valid step, 0 past the length
            Tensor valid = keep.gt(0);
            List<Tensor> kept = new ArrayList<>(next.size());
            for (int i = 0; i < next.size(); i++) {
                kept.add(Tensor.where(valid, next.get(i), state.get(i)));
            }
            return new Control.Step<>(kept, next.getFirst().mul(keep));
        }, init, xs);
        last.addAll(r.carry());
        return d == 1 ? reverseTime(r.ys()) : r.ys();
    }

    private static Tensor parameter(RecurrentConfig cfg, Map<String, Tensor> params, String kind, int l, int d) {
        String name = RecurrentConfig.name(kind, l, d);
        Tensor p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException(cfg.cell().name() + ": missing parameter " + name + " (have "
                    + params.keySet() + ")");
        }
        return p;
    }

    /** The initial state's {@code h} or {@code c}, checked, batched; zeros when not given. */
    private static Tensor initialPart(String layer, String what, Tensor given, boolean unbatched, int ld, int batch,
                                      int h, DType dtype) {
        if (given == null) {
            return Tensor.zeros(dtype, ld, batch, h);
        }
        int[] expected = unbatched ? new int[] {ld, h} : new int[] {ld, batch, h};
        if (!Arrays.equals(given.dims(), expected)) {
            throw new LayerInputException(layer, "expected initial " + what + " " + Arrays.toString(expected)
                    + " (layers * directions, " + (unbatched ? "" : "batch, ") + "hidden), got " + given.shape());
        }
        return unbatched ? given.unsqueeze(1) : given;
    }

    /** {@code x} with axis 0 reversed. */
    static Tensor reverseTime(Tensor x) {
        int n = x.dim(0);
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = n - 1 - i;
        }
        return x.indexSelect(0, Tensor.of(order, n));
    }
}
