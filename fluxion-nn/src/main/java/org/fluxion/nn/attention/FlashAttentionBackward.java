package org.fluxion.nn.attention;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.nn.fused.CompositeRules;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the VJP of {@link FlashAttention} as one fused kernel that recomputes the score tiles from
 * {@code lse} instead of storing them. Inputs {@code q, k, v}, {@code keep} (when {@code masked}), the
 * forward's {@code o} and {@code lse}, and the cotangents {@code g [N, Tq, Dv]}, {@code gLse [N, Tq]};
 * outputs {@code dq, dk, dv} of the shapes of {@code q, k, v}.
 *
 * <p>Its own derivatives (second order of attention) are those of the composite
 * {@link AttentionReference#backward}, a function of {@code q, k, v, g, gLse} alone ({@code o} and
 * {@code lse} are recomputed there, so they get no cotangent here), taken in forward mode
 * ({@link CompositeRules#vjpOfGradient}). Batching: the vmap axis joins {@code N}.
 */
public record FlashAttentionBackward(double scale, boolean causal, boolean masked) implements CustomMultiOutput {
    @Override
    public String name() {
        return "flash_attention_backward";
    }

    /** The input array in this primitive's order. */
    Tensor[] inputs(Tensor q, Tensor k, Tensor v, Tensor keep, Tensor o, Tensor lse, Tensor g, Tensor gLse) {
        return masked ? new Tensor[] {q, k, v, keep, o, lse, g, gLse} : new Tensor[] {q, k, v, o, lse, g, gLse};
    }

    private int at(int afterKeep) {
        return masked ? afterKeep + 1 : afterKeep;
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        if (in.length != at(7)) {
            throw new IllegalArgumentException(name() + ": expected " + at(7) + " inputs, got " + in.length);
        }
        AttentionShapes.check(name(), in[0], in[1], in[2], masked ? in[3] : null);
        Shape o = AttentionShapes.output(in[0], in[2]).shape();
        Shape rows = AttentionShapes.rows(in[0]).shape();
        if (!in[at(3)].shape().equals(o) || !in[at(5)].shape().equals(o) || !in[at(4)].shape().equals(rows)
                || !in[at(6)].shape().equals(rows)) {
            throw new IllegalArgumentException(name() + ": expected o and g " + o + ", lse and gLse " + rows + ", got "
                    + in[at(3)].shape() + ", " + in[at(5)].shape() + ", " + in[at(4)].shape() + ", " + in[at(6)].shape());
        }
        return new TensorType[] {in[0], in[1], in[2]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        boolean[] keep = masked ? in[3].toBooleanArray() : null;
        DType dtype = in[0].dtype();
        Tensor lse = FlashAttention.dense(in[at(4)].to(dtype));
        Tensor gLse = FlashAttention.dense(in[at(6)].to(dtype));
        int tq = in[0].dim(-2);
        int tk = in[1].dim(-2);
        int d = in[0].dim(-1);
        int dvDim = in[2].dim(-1);
        int n = lse.size() / Math.max(1, tq);
        if (dtype == DType.FLOAT32) {
            Tensor q = FlashAttention.readable(in[0]);
            Tensor k = FlashAttention.readable(in[1]);
            Tensor v = FlashAttention.readable(in[2]);
            Tensor o = FlashAttention.readable(in[at(3)].to(dtype));
            Tensor g = FlashAttention.readable(in[at(5)].to(dtype));
            Tensor dq = FlashAttention.headsInterleaved(out[0]);
            Tensor dk = FlashAttention.headsInterleaved(out[1]);
            Tensor dv = FlashAttention.headsInterleaved(out[2]);
            FlashAttentionF32.backward(storage(q).floats(), HeadRows.of(q), storage(k).floats(), HeadRows.of(k),
                    storage(v).floats(), HeadRows.of(v), keep, storage(o).floats(), HeadRows.of(o),
                    storage(lse).floats(), storage(g).floats(), HeadRows.of(g), storage(gLse).floats(),
                    storage(dq).floats(), HeadRows.of(dq), storage(dk).floats(), HeadRows.of(dk), storage(dv).floats(),
                    HeadRows.of(dv), n, tq, tk, d, dvDim, (float) scale, causal);
            return new Tensor[] {dq, dk, dv};
        }
        Tensor q = FlashAttention.dense(in[0]);
        Tensor k = FlashAttention.dense(in[1]);
        Tensor v = FlashAttention.dense(in[2]);
        Tensor o = FlashAttention.dense(in[at(3)].to(dtype));
        Tensor g = FlashAttention.dense(in[at(5)].to(dtype));
        Tensor dq = Tensor.empty(out[0].shape(), dtype);
        Tensor dk = Tensor.empty(out[1].shape(), dtype);
        Tensor dv = Tensor.empty(out[2].shape(), dtype);
        FlashAttentionF64.backward(doubles(q), doubles(k), doubles(v), keep, doubles(o), doubles(lse), doubles(g),
                doubles(gLse), doubles(dq), doubles(dk), doubles(dv), n, tq, tk, d, dvDim, scale, causal);
        return new Tensor[] {dq, dk, dv};
    }

    private static double[] doubles(Tensor x) {
        return (double[]) storage(x).array();
    }

    @Override
    public Tensor[] vjpAll(Tensor[] cts, Tensor[] in, Tensor[] out, int wanted) {
        Tensor keep = masked ? in[3] : null;
        Tensor[] grads = CompositeRules.vjpOfGradient(
                x -> AttentionReference.backward(x[0], x[1], x[2], keep, x[3], x[4], scale, causal),
                x -> AttentionReference.forward(x[0], x[1], x[2], keep, scale, causal),
                new Tensor[] {in[0], in[1], in[2]}, new Tensor[] {in[at(5)], in[at(6)]}, cts);
        return spread(grads);
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] out) {
        Tensor keep = masked ? in[3] : null;
        return CompositeRules.jvp(x -> AttentionReference.backward(x[0], x[1], x[2], keep, x[3], x[4], scale, causal),
                new Tensor[] {in[0], in[1], in[2], in[at(5)], in[at(6)]},
                new Tensor[] {tangents[0], tangents[1], tangents[2], tangents[at(5)], tangents[at(6)]});
    }

    /** Cotangents of {@code (q, k, v, g, gLse)} placed at their inputs; none for keep, o and lse. */
    private Tensor[] spread(Tensor[] grads) {
        Tensor[] all = new Tensor[at(7)];
        all[0] = grads[0];
        all[1] = grads[1];
        all[2] = grads[2];
        all[at(5)] = grads[3];
        all[at(6)] = grads[4];
        return all;
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return FlashAttention.batchIntoHeads(this, in, batched, size);
    }
}
