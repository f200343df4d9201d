package org.fluxion.nn;

import java.util.List;
import org.fluxion.autodiff.GradMode;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;
import org.fluxion.transforms.Control;

/**
 * The time loop of one LSTM layer and direction as one primitive of three outputs (what cuDNN and PyTorch's
 * {@code _thnn_fused_lstm_cell} loop do), so that eager training records one tape node per layer instead of a
 * dozen per step. {@code T} steps, batch {@code B}, hidden {@code H}, gates {@code i, f, g, o}:
 * <pre>
 *   inputs   proj [T, B, 4H] (x W_ih^T + b_ih + b_hh), h0 [B, H], c0 [B, H], W_hh [4H, H]
 *   acts_t = (sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)) of proj_t + h_(t-1) W_hh^T
 *   c_t    = f c_(t-1) + i g,   h_t = o tanh(c_t)
 *   outputs ys [T, B, H] = h_1..h_T, cs [T, B, H] = c_1..c_T, acts [T, B, 4H]
 * </pre>
 * The activations are an output so that the VJP ({@link LstmRecurrenceVjp}, one fused reverse sweep and one
 * weight-gradient GEMM) reads them instead of recomputing the gates; it reads neither {@code proj} nor
 * anything else the caller would not keep.
 *
 * <p>{@link #composite} is the same loop in tensor operations (a {@link Control#scan}): the JVP is the JVP of
 * the composite, the float64 kernel is the composite (float64 is for tests and references, where the tensor
 * operations are the definition), and the float32 kernel ({@link LstmKernelF32}) is tested against it.
 * Batched by a loop over examples ({@code vmap} of a layer goes through the scan instead, see
 * {@link Recurrent}).
 */
record LstmRecurrence() implements CustomMultiOutput {
    /** The formula in tensor operations: {@code ys, cs, acts} from {@code proj, h0, c0, W_hh}. */
    static Tensor[] composite(Tensor proj, Tensor h0, Tensor c0, Tensor whh) {
        int hidden = h0.dim(-1);
        Tensor whhT = whh.transpose();
        Control.ScanResult<List<Tensor>> r = Control.scan((state, xt) -> {
            Tensor acts = activations(xt.add(state.get(0).matmul(whhT)), hidden);
            List<Tensor> a = acts.split(1, hidden, hidden, hidden, hidden);
            Tensor c = a.get(1).mul(state.get(1)).add(a.get(0).mul(a.get(2)));
            Tensor h = a.get(3).mul(c.tanh());
            return new Control.Step<>(List.of(h, c), Tensor.concat(1, h, c, acts));
        }, List.of(h0, c0), proj);
        return r.ys().split(2, hidden, hidden, 4 * hidden).toArray(Tensor[]::new);
    }

    /** {@code [B, 4H]} gates to {@code (sigmoid(i), sigmoid(f), tanh(g), sigmoid(o))}. */
    private static Tensor activations(Tensor gates, int hidden) {
        List<Tensor> g = gates.split(1, 2 * hidden, hidden, hidden);
        return Tensor.concat(1, g.get(0).sigmoid(), g.get(1).tanh(), g.get(2).sigmoid());
    }

    @Override
    public String name() {
        return "lstm_recurrence";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        if (in.length != 4) {
            throw new IllegalArgumentException(name() + ": takes proj, h0, c0 and weight_hh, got " + in.length
                    + " inputs");
        }
        DType dtype = in[0].dtype();
        int[] p = in[0].shape().dims();
        int[] h = in[1].shape().dims();
        if (p.length != 3 || h.length != 2 || p[2] != 4 * h[1] || p[1] != h[0] || !in[2].shape().equals(in[1].shape())
                || !in[3].shape().equals(Shape.of(4 * h[1], h[1])) || !dtype.isFloatingPoint()
                || in[1].dtype() != dtype || in[2].dtype() != dtype || in[3].dtype() != dtype) {
            throw new IllegalArgumentException(name() + ": expected proj [T, B, 4H], h0 and c0 [B, H], weight_hh "
                    + "[4H, H] of one floating dtype, got " + in[0] + ", " + in[1] + ", " + in[2] + ", " + in[3]);
        }
        TensorType states = new TensorType(Shape.of(p[0], p[1], h[1]), dtype);
        return new TensorType[] {states, states, in[0]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        if (in[0].dtype() != DType.FLOAT32) {
            try (var noGrad = GradMode.noGrad()) {
                return composite(in[0], in[1], in[2], in[3]);
            }
        }
        Tensor proj = in[0].contiguous();
        Tensor h0 = in[1].contiguous();
        Tensor c0 = in[2].contiguous();
        Tensor whh = in[3].contiguous();
        Tensor ys = Tensor.empty(out[0].shape(), DType.FLOAT32);
        Tensor cs = Tensor.empty(out[1].shape(), DType.FLOAT32);
        Tensor acts = Tensor.empty(out[2].shape(), DType.FLOAT32);
        int[] d = out[2].shape().dims();
        LstmKernelF32.forward(d[0], d[1], d[2] / 4, floats(proj), proj.offset(), floats(h0), h0.offset(),
                floats(c0), c0.offset(), floats(whh), whh.offset(), floats(ys), floats(cs), floats(acts));
        return new Tensor[] {ys, cs, acts};
    }

    static float[] floats(Tensor t) {
        return TensorInternals.storage(t).floats();
    }

    /**
     * One fused reverse sweep, {@link LstmRecurrenceVjp}; an output without a cotangent contributes zeros (a
     * broadcast zero, which costs nothing). When
     * the gradient is itself differentiated (grad mode on in backward: {@code createGraph}, higher order), the
     * same sweep in tensor operations ({@link LstmRecurrenceVjp#composite}), which the tape records like any
     * other code: a rule that differentiated its own composite here would start a backward walk inside this
     * one through the same nodes.
     */
    @Override
    public Tensor[] vjpAll(Tensor[] g, Tensor[] in, Tensor[] outs, int wanted) {
        Tensor[] args = new Tensor[9];
        for (int k = 0; k < 3; k++) {
            // an absent cotangent as a broadcast zero: one element, which the float32 kernel skips
            args[k] = g[k] != null ? g[k] : Tensor.scalar(0, outs[k].dtype()).expand(outs[k].dims());
        }
        args[3] = in[1];
        args[4] = in[2];
        args[5] = in[3];
        System.arraycopy(outs, 0, args, 6, 3);
        return GradMode.isEnabled() ? LstmRecurrenceVjp.composite(args) : Ops.bindAll(new LstmRecurrenceVjp(), args);
    }

    /** Reads {@code h0, c0, W_hh} and the three outputs; never {@code proj}. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return 0b1111110;
    }

    /** The JVP of {@link #composite}, all outputs from one forward-mode pass. */
    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] outputs) {
        return jvpOfComposite(x -> composite(x[0], x[1], x[2], x[3]), in, tangents, outputs);
    }

    /**
     * The tangents of {@code f}'s outputs (of the types of {@code outputs}), from one {@code jvp} of the
     * outputs flattened and joined; a null tangent is zero.
     */
    static Tensor[] jvpOfComposite(java.util.function.Function<Tensor[], Tensor[]> f, Tensor[] in, Tensor[] tangents,
                                   Tensor[] outputs) {
        Tensor[] t = new Tensor[tangents.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tangents[i] != null ? tangents[i] : Tensor.zeros(in[i].dtype(), in[i].dims());
        }
        int[] sizes = new int[outputs.length];
        for (int k = 0; k < sizes.length; k++) {
            sizes[k] = outputs[k].size();
        }
        Tensor joined = org.fluxion.autodiff.Functional.jvp((Tensor[] x) -> {
            Tensor[] ys = f.apply(x);
            Tensor[] flat = new Tensor[ys.length];
            for (int k = 0; k < ys.length; k++) {
                flat[k] = ys[k].reshape(-1);
            }
            return Tensor.concat(0, List.of(flat));
        }, in, t).tangent();
        List<Tensor> parts = joined.split(0, sizes);
        Tensor[] out = new Tensor[sizes.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = parts.get(k).reshape(outputs[k].dims());
        }
        return out;
    }

    /** A loop over examples: a batched layer is vmapped through the scan instead (see {@link Recurrent}). */
    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Batching.byLoopAll(this, in, batched, size);
    }
}
