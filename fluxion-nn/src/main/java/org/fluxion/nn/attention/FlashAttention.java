package org.fluxion.nn.attention;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.autodiff.GradMode;
import org.fluxion.nn.fused.CompositeRules;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.ops.Ops;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: fused scaled dot-product attention that never forms the {@code [Tq, Tk]} score matrix
 * ({@link FlashAttentionF32}). Inputs {@code q [N, Tq, D]}, {@code k [N, Tk, D]}, {@code v [N, Tk, Dv]} and,
 * when {@code masked}, a bool {@code keep [N, Tk]} (false: a padded key no query sees). Outputs
 * {@code o = softmax(scale q k^T + mask) v} of shape {@code [N, Tq, Dv]} and the row log-sum-exp
 * {@code lse [N, Tq]} of the masked scores, which the backward kernel recomputes the probabilities from.
 * {@code causal}: query {@code i} sees keys {@code j <= i}. A query that sees no key gets {@code o = 0}
 * and {@code lse = +inf} (PyTorch gives NaN there).
 *
 * <p>The heads may also come as {@code [B, H, T, D]} (every {@code [N, ...]} above as {@code [B, H, ...]},
 * {@code N = B H}): multi-head attention's heads, strided views of its projection, which the float32 kernels
 * read as they lie ({@link HeadRows}); their float32 outputs {@code o} (and the backward's cotangents) are then
 * laid out as {@code [B, T, H, D]}, so that merging the heads back is a view as well.
 *
 * <p>Rules. VJP: the fused {@link FlashAttentionBackward}, which recomputes the tiles; when the gradient is
 * itself being differentiated (grad mode on inside backward: {@code createGraph}, nested {@code grad}), the
 * composite {@link AttentionReference#backward} instead, whose operations are recorded. JVP: the
 * composite's (it forms the score matrix). Batching: the vmap axis joins {@code N}.
 */
public record FlashAttention(double scale, boolean causal, boolean masked) implements CustomMultiOutput {
    @Override
    public String name() {
        return "flash_attention";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        if (in.length != (masked ? 4 : 3)) {
            throw new IllegalArgumentException(name() + ": expected " + (masked ? 4 : 3) + " inputs, got " + in.length);
        }
        AttentionShapes.check(name(), in[0], in[1], in[2], masked ? in[3] : null);
        return new TensorType[] {AttentionShapes.output(in[0], in[2]), AttentionShapes.rows(in[0])};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        boolean[] keep = masked ? in[3].toBooleanArray() : null;
        Tensor lse = Tensor.empty(out[1].shape(), out[1].dtype());
        int tq = in[0].dim(-2);
        int tk = in[1].dim(-2);
        int d = in[0].dim(-1);
        int dv = in[2].dim(-1);
        int n = lse.size() / Math.max(1, tq);
        if (in[0].dtype() == DType.FLOAT32) {
            Tensor q = readable(in[0]);
            Tensor k = readable(in[1]);
            Tensor v = readable(in[2]);
            Tensor o = headsInterleaved(out[0]);
            FlashAttentionF32.forward(storage(q).floats(), HeadRows.of(q), storage(k).floats(), HeadRows.of(k),
                    storage(v).floats(), HeadRows.of(v), keep, storage(o).floats(), HeadRows.of(o),
                    storage(lse).floats(), n, tq, tk, d, dv, (float) scale, causal);
            return new Tensor[] {o, lse};
        }
        Tensor q = dense(in[0]);
        Tensor k = dense(in[1]);
        Tensor v = dense(in[2]);
        Tensor o = Tensor.empty(out[0].shape(), out[0].dtype());
        FlashAttentionF64.forward((double[]) storage(q).array(), (double[]) storage(k).array(),
                (double[]) storage(v).array(), keep, (double[]) storage(o).array(),
                (double[]) storage(lse).array(), n, tq, tk, d, dv, scale, causal);
        return new Tensor[] {o, lse};
    }

    /** A contiguous tensor whose storage starts at its first element, as the float64 kernels read it. */
    static Tensor dense(Tensor x) {
        return x.isContiguous() && x.offset() == 0 && storage(x).length() == x.size() ? x : x.copy();
    }

    /** {@code x} as it lies when the float32 kernels can read it so ({@link HeadRows#readable}), else a copy. */
    static Tensor readable(Tensor x) {
        return HeadRows.readable(x) ? x : x.copy();
    }

    /**
     * A new float32 output {@code [B, H, T, D]} laid out as {@code [B, T, H, D]} (a transposed view), so that
     * merging the heads back, {@code transpose(1, 2).reshape(B, T, H D)}, is a view too; {@code [N, T, D]}
     * dense.
     */
    static Tensor headsInterleaved(TensorType t) {
        if (t.shape().rank() != 4) {
            return Tensor.empty(t.shape(), t.dtype());
        }
        int h = t.shape().dim(1);
        int rows = t.shape().dim(2);
        int d = t.shape().dim(3);
        return TensorInternals.view(Storage.allocate(t.dtype(), t.shape().size()), t.shape(),
                new int[] {rows * h * d, d, h * d, 1}, 0);
    }

    @Override
    public Tensor[] vjpAll(Tensor[] cts, Tensor[] in, Tensor[] out, int wanted) {
        Tensor keep = masked ? in[3] : null;
        Tensor[] grads;
        Tensor g = cts[0] != null ? cts[0] : Tensor.zeros(out[0].dtype(), out[0].dims());
        Tensor gLse = cts[1] != null ? cts[1] : Tensor.zeros(out[1].dtype(), out[1].dims());
        if (GradMode.isEnabled()) {
            grads = AttentionReference.backward(in[0], in[1], in[2], keep, g, gLse, scale, causal);
        } else {
            FlashAttentionBackward backward = new FlashAttentionBackward(scale, causal, masked);
            grads = Ops.bindAll(backward, backward.inputs(in[0], in[1], in[2], keep, out[0], out[1], g, gLse));
        }
        return masked ? new Tensor[] {grads[0], grads[1], grads[2], null} : grads;
    }

    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] out) {
        Tensor keep = masked ? in[3] : null;
        return CompositeRules.jvp(x -> AttentionReference.forward(x[0], x[1], x[2], keep, scale, causal),
                new Tensor[] {in[0], in[1], in[2]}, new Tensor[] {tangents[0], tangents[1], tangents[2]});
    }

    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return batchIntoHeads(this, in, batched, size);
    }

    /** The vmap axis merged into axis 0 ({@code N}) of every input, one call, split back. */
    static Tensor[] batchIntoHeads(CustomMultiOutput p, Tensor[] in, boolean[] batched, int size) {
        Tensor[] merged = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            Tensor x = batched[i] ? in[i] : Batching.broadcastBatch(in[i], size);
            int[] dims = x.dims();
            int[] m = new int[dims.length - 1];
            m[0] = dims[0] * dims[1];
            System.arraycopy(dims, 2, m, 1, m.length - 1);
            merged[i] = x.reshape(m);
        }
        Tensor[] outs = Ops.bindAll(p, merged);
        for (int i = 0; i < outs.length; i++) {
            int[] dims = outs[i].dims();
            int[] s = new int[dims.length + 1];
            s[0] = size;
            s[1] = dims[0] / size;
            System.arraycopy(dims, 1, s, 2, dims.length - 1);
            outs[i] = outs[i].reshape(s);
        }
        return outs;
    }
}
