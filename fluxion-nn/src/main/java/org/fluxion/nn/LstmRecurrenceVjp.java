package org.fluxion.nn;

import static org.fluxion.nn.LstmRecurrence.floats;

import java.util.List;
import org.fluxion.autodiff.Functional;
import org.fluxion.autodiff.GradMode;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;
import org.fluxion.transforms.Control;

/**
 * The VJP of {@link LstmRecurrence} as one primitive: one reverse sweep over the steps and one GEMM for the
 * recurrent weight's gradient. Inputs {@code gys, gcs [T, B, H]}, {@code gacts [T, B, 4H]} (the cotangents of
 * the three outputs), {@code h0, c0 [B, H]}, {@code W_hh [4H, H]}, {@code ys, cs [T, B, H]},
 * {@code acts [T, B, 4H]}; outputs {@code dproj [T, B, 4H]}, {@code dh0, dc0 [B, H]}, {@code dW_hh [4H, H]}:
 * <pre>
 *   dh = gy_t + dh_next,   dc = gc_t + dc_next + dh o (1 - tanh^2 c_t)
 *   dproj_t = ((dc g, dc c_(t-1), dc i, dh tanh c_t) + gacts_t) * (i (1 - i), f (1 - f), 1 - g^2, o (1 - o))
 *   dh_next = dproj_t W_hh,   dc_next = dc f,   dW_hh = sum_t dproj_t^T h_(t-1)
 * </pre>
 * with {@code (h_0, c_0) = (h0, c0)}. {@link #composite} is that sweep in tensor operations (a reverse
 * {@link Control#scan}); it defines this primitive's own VJP and JVP, so LSTM layers differentiate to any
 * order, and it is the float64 kernel. The float32 kernel is {@link LstmKernelF32#backward}.
 */
record LstmRecurrenceVjp() implements CustomMultiOutput {
    /** The sweep in tensor operations: {@code dproj, dh0, dc0, dW_hh} from the nine inputs. */
    static Tensor[] composite(Tensor[] in) {
        Tensor gys = in[0];
        Tensor gcs = in[1];
        Tensor gacts = in[2];
        Tensor h0 = in[3];
        Tensor c0 = in[4];
        Tensor whh = in[5];
        Tensor ys = in[6];
        Tensor cs = in[7];
        Tensor acts = in[8];
        int steps = ys.dim(0);
        int batch = ys.dim(1);
        int hidden = ys.dim(2);
        Tensor cPrev = Tensor.concat(0, c0.unsqueeze(0), cs.slice(0, 0, steps - 1));
        Tensor hPrev = Tensor.concat(0, h0.unsqueeze(0), ys.slice(0, 0, steps - 1));
        Tensor xs = Recurrent.reverseTime(Tensor.concat(2, gys, gcs, cs, cPrev, gacts, acts));
        Control.ScanResult<List<Tensor>> r = Control.scan((state, xt) -> {
            List<Tensor> p = xt.split(1, hidden, hidden, hidden, hidden, 4 * hidden, hidden, hidden, hidden, hidden);
            Tensor i = p.get(5);
            Tensor f = p.get(6);
            Tensor g = p.get(7);
            Tensor o = p.get(8);
            Tensor tc = p.get(2).tanh();
            Tensor dh = p.get(0).add(state.get(0));
            Tensor dc = p.get(1).add(state.get(1)).add(dh.mul(o).mul(tc.square().neg().add(1)));
            Tensor local = Tensor.concat(1, dc.mul(g), dc.mul(p.get(3)), dc.mul(i), dh.mul(tc)).add(p.get(4));
            Tensor derivative = Tensor.concat(1, i.mul(i.neg().add(1)), f.mul(f.neg().add(1)),
                    g.square().neg().add(1), o.mul(o.neg().add(1)));
            Tensor dgates = local.mul(derivative);
            return new Control.Step<>(List.of(dgates.matmul(whh), dc.mul(f)), dgates);
        }, List.of(Tensor.zeros(h0.dtype(), h0.dims()), Tensor.zeros(c0.dtype(), c0.dims())), xs);
        Tensor dproj = Recurrent.reverseTime(r.ys());
        Tensor dwhh = dproj.reshape(steps * batch, 4 * hidden).transpose()
                .matmul(hPrev.reshape(steps * batch, hidden));
        return new Tensor[] {dproj, r.carry().get(0), r.carry().get(1), dwhh};
    }

    @Override
    public String name() {
        return "lstm_recurrence_vjp";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        if (in.length != 9) {
            throw new IllegalArgumentException(name() + ": takes gys, gcs, gacts, h0, c0, weight_hh, ys, cs and acts, got "
                    + in.length + " inputs");
        }
        for (int k = 0; k < 3; k++) {
            if (!in[k].equals(in[6 + k])) {
                throw new IllegalArgumentException(name() + ": cotangent " + k + " " + in[k]
                        + " must have the type of output " + k + " " + in[6 + k]);
            }
        }
        TensorType[] forward = new LstmRecurrence().outputTypes(in[8], in[3], in[4], in[5]);
        for (int k = 0; k < 3; k++) {
            if (!forward[k].equals(in[6 + k])) {
                throw new IllegalArgumentException(name() + ": output " + k + " " + in[6 + k] + " does not fit h0 "
                        + in[3] + " and the activations " + in[8]);
            }
        }
        if (in[0].shape().dim(0) == 0) {
            throw new IllegalArgumentException(name() + ": expected at least one step, got " + in[0]);
        }
        return new TensorType[] {in[8], in[3], in[4], in[5]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        if (in[0].dtype() != DType.FLOAT32) {
            try (var noGrad = GradMode.noGrad()) {
                return composite(in);
            }
        }
        Tensor[] c = new Tensor[in.length];
        for (int k = 0; k < c.length; k++) {
            c[k] = k < 3 && isBroadcastZero(in[k]) ? null : in[k].contiguous();
        }
        Tensor dproj = Tensor.empty(out[0].shape(), DType.FLOAT32);
        Tensor dh0 = Tensor.empty(out[1].shape(), DType.FLOAT32);
        Tensor dc0 = Tensor.empty(out[2].shape(), DType.FLOAT32);
        Tensor dwhh = Tensor.empty(out[3].shape(), DType.FLOAT32);
        int[] d = in[6].dims();
        LstmKernelF32.backward(d[0], d[1], d[2], floatsOrNull(c[0]), offset(c[0]), floatsOrNull(c[1]), offset(c[1]),
                floatsOrNull(c[2]), offset(c[2]), floats(c[3]), c[3].offset(), floats(c[4]), c[4].offset(),
                floats(c[5]), c[5].offset(), floats(c[6]), c[6].offset(), floats(c[7]), c[7].offset(),
                floats(c[8]), c[8].offset(), floats(dproj), floats(dh0), floats(dc0), floats(dwhh));
        return new Tensor[] {dproj, dh0, dc0, dwhh};
    }

    /**
     * The VJP of {@link #composite}. {@link LstmRecurrence} binds this primitive only with grad mode off (a
     * differentiated gradient runs the composite itself), so this rule serves callers that record it
     * deliberately, and its tests.
     */
    @Override
    public Tensor[] vjpAll(Tensor[] cotangents, Tensor[] in, Tensor[] outputs, int wanted) {
        return Functional.vjpN(LstmRecurrenceVjp::composite, in).pullback().apply(cotangents);
    }

    /** True for one zero broadcast to the whole shape (an absent cotangent): the kernel reads nothing then. */
    private static boolean isBroadcastZero(Tensor t) {
        for (int stride : t.strides()) {
            if (stride != 0) {
                return false;
            }
        }
        return t.size() > 0 && t.reshape(-1).select(0, 0).item() == 0;
    }

    private static float[] floatsOrNull(Tensor t) {
        return t == null ? null : floats(t);
    }

    private static int offset(Tensor t) {
        return t == null ? 0 : t.offset();
    }

    /** The JVP of {@link #composite}. */
    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] outputs) {
        return LstmRecurrence.jvpOfComposite(LstmRecurrenceVjp::composite, in, tangents, outputs);
    }

    /** Rarely batched (only under vmap of a gradient): a loop over examples, exact. */
    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Batching.byLoopAll(this, in, batched, size);
    }
}
