package org.fluxion.optim;

import org.fluxion.autodiff.Functional;
import org.fluxion.kernels.Parallel;
import org.fluxion.kernels.Vectorization;
import org.fluxion.ops.Batching;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.ops.IntoBuffers;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.ScaledAddEpilogue;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * Adam's scaling of one leaf as one primitive of three outputs, so that a compiled step reads the gradient and
 * the moments once: inputs {@code g, m, v} (one shape and floating dtype) and {@code t}, the count after this
 * update (a float64 scalar); outputs
 * <pre>
 *   m' = b1 m + (1 - b1) g
 *   v' = b2 v + (1 - b2) g^2
 *   u  = (m' / (1 - b1^t)) / (sqrt(v') / sqrt(1 - b2^t) + eps)
 * </pre>
 * in the order {@code u, m', v'}, a subnormal {@code m'} or {@code v'} stored as zero
 * ({@link Subnormals}). {@link #composite} is the same formula in tensor operations: it defines the
 * derivative rules (the VJP and JVP of the composite, so the primitive differentiates to any order) and is what
 * the kernel is tested against. Batched by a loop over examples (an optimizer is rarely vmapped; the loop is
 * exact). In a compiled plan the outputs may be written over the gradient and moments they are computed from
 * (element {@code i} of each output reads only element {@code i} of each input), so with a donated state the
 * moments are updated in place.
 *
 * <p>Its applied form ({@code adam_apply}, {@link #withScaledAdd}), which a compiled step gets in place of the update
 * and the elementwise {@code p + u · c} after it ({@code c = -lr}), takes p as a fifth input and writes
 * {@code p + u · c} in u's place in the same pass.
 */
record AdamUpdate(double b1, double b2, double eps, double applied) implements CustomMultiOutput, IntoBuffers,
        ScaledAddEpilogue {
    /** Adam's scaling {@code u, m', v'} from {@code g, m, v, t}. */
    AdamUpdate(double b1, double b2, double eps) {
        this(b1, b2, eps, Double.NaN);
    }

    /**
     * Whether it is the applied form ({@link #withScaledAdd}): a fifth input p, and {@code p + u · applied} in
     * place of u (the product rounded, then the sum, as the elementwise step it replaces).
     */
    boolean isApplied() {
        return !Double.isNaN(applied);
    }

    /** The applied form, for u (output 0) only. */
    @Override
    public Primitive withScaledAdd(int output, double scale) {
        return output == 0 && !isApplied() && !Double.isNaN(scale) ? new AdamUpdate(b1, b2, eps, scale) : null;
    }

    /** The formula in tensor operations: {@code u, m', v'} from {@code g, m, v, t} (and p: see {@link #isApplied}). */
    Tensor[] composite(Tensor[] in) {
        Tensor[] r = composite(in[0], in[1], in[2], in[3]);
        if (isApplied()) {
            r[0] = in[4].add(r[0].mul(applied));
        }
        return r;
    }

    /** The formula in tensor operations: {@code u, m', v'} from {@code g, m, v, t}. */
    Tensor[] composite(Tensor g, Tensor m, Tensor v, Tensor t) {
        Tensor invBias1 = Tensor.scalar(b1, DType.FLOAT64).pow(t).neg().add(1).reciprocal();
        Tensor invSqrtBias2 = Tensor.scalar(b2, DType.FLOAT64).pow(t).neg().add(1).rsqrt();
        Tensor mi = Subnormals.flush(m.mul(b1).add(g.mul(1 - b1)));
        Tensor vi = Subnormals.flush(v.mul(b2).add(g.square().mul(1 - b2)));
        Tensor denominator = vi.sqrt().mul(invSqrtBias2.to(vi.dtype())).add(eps);
        return new Tensor[] {mi.mul(invBias1.to(mi.dtype())).div(denominator), mi, vi};
    }

    @Override
    public String name() {
        return isApplied() ? "adam_apply" : "adam_update";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        if (in.length != (isApplied() ? 5 : 4)) {
            throw new IllegalArgumentException(name() + ": takes g, m, v and t" + (isApplied() ? " and p" : "")
                    + ", got " + in.length + " inputs");
        }
        if (isApplied() && !in[4].equals(in[0])) {
            throw new IllegalArgumentException(name() + ": p must be " + in[0] + " as g, got " + in[4]);
        }
        if (!in[0].equals(in[1]) || !in[0].equals(in[2]) || !in[0].dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(name() + ": g, m and v must have one shape and floating dtype, got "
                    + in[0] + ", " + in[1] + ", " + in[2]);
        }
        if (in[3].shape().rank() != 0 || in[3].dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException(name() + ": t must be a float64 scalar, got " + in[3]);
        }
        return new TensorType[] {in[0], in[0], in[0]};
    }

    @Override
    public Tensor[] computeAll(TensorType[] out, Tensor... in) {
        return computeInto(new Storage[3], in);
    }

    @Override
    public boolean mayWriteOver(int output, int input) {
        return input != 3; // element i of each output reads element i of g, m, v (and p) only
    }

    @Override
    public Tensor[] computeInto(Storage[] buffers, Tensor[] in) {
        TensorType type = in[0].type();
        Tensor g = in[0].contiguous();
        Tensor m = in[1].contiguous();
        Tensor v = in[2].contiguous();
        double t = in[3].item();
        Tensor p = isApplied() ? in[4].contiguous() : null;
        Tensor u = output(buffers[0], type);
        Tensor m2 = output(buffers[1], type);
        Tensor v2 = output(buffers[2], type);
        double invBias1 = 1 / (1 - Math.pow(b1, t));
        double invSqrtBias2 = 1 / Math.sqrt(1 - Math.pow(b2, t));
        if (g.dtype() == DType.FLOAT32) {
            float32(g, m, v, p, u, m2, v2, (float) invBias1, (float) invSqrtBias2);
        } else {
            float64(g, m, v, p, u, m2, v2, invBias1, invSqrtBias2);
        }
        return new Tensor[] {u, m2, v2};
    }

    private static Tensor output(Storage buffer, TensorType type) {
        return buffer == null ? Tensor.empty(type.shape(), type.dtype()) : Tensor.wrap(buffer, type.shape());
    }

    private void float32(Tensor g, Tensor m, Tensor v, Tensor p, Tensor u, Tensor m2, Tensor v2, float invBias1,
                         float invSqrtBias2) {
        float[] pa = p == null ? null : TensorInternals.storage(p).floats();
        int po = p == null ? 0 : p.offset();
        float scale = (float) applied;
        float[] ga = TensorInternals.storage(g).floats();
        float[] ma = TensorInternals.storage(m).floats();
        float[] va = TensorInternals.storage(v).floats();
        float[] ua = TensorInternals.storage(u).floats();
        float[] m2a = TensorInternals.storage(m2).floats();
        float[] v2a = TensorInternals.storage(v2).floats();
        int go = g.offset();
        int mo = m.offset();
        int vo = v.offset();
        // the constants rounded as the tensor form rounds them: (float) (1 - b) rather than 1 - (float) b
        float fb1 = (float) b1;
        float fb2 = (float) b2;
        float c1 = (float) (1 - b1);
        float c2 = (float) (1 - b2);
        float e = (float) eps;
        Parallel.forRange(g.size(), 1 << 15, (s, end) -> {
            int i = Vectorization.ENABLED ? AdamUpdateVectorLoop.update(ga, go, ma, mo, va, vo, pa, po, ua, m2a, v2a,
                    s, end, fb1, fb2, c1, c2, e, invBias1, invSqrtBias2, scale) : s;
            for (; i < end; i++) {
                float gi = ga[go + i];
                float pi = pa == null ? 0 : pa[po + i]; // read before any store: an output may be written over p
                float mi = Subnormals.flush(ma[mo + i] * fb1 + gi * c1);
                float vi = Subnormals.flush(va[vo + i] * fb2 + gi * gi * c2);
                m2a[i] = mi;
                v2a[i] = vi;
                float ui = mi * invBias1 / ((float) Math.sqrt(vi) * invSqrtBias2 + e);
                ua[i] = pa == null ? ui : pi + ui * scale;
            }
        });
    }

    private void float64(Tensor g, Tensor m, Tensor v, Tensor p, Tensor u, Tensor m2, Tensor v2, double invBias1,
                         double invSqrtBias2) {
        double[] pa = p == null ? null : TensorInternals.storage(p).doubles();
        int po = p == null ? 0 : p.offset();
        double[] ga = TensorInternals.storage(g).doubles();
        double[] ma = TensorInternals.storage(m).doubles();
        double[] va = TensorInternals.storage(v).doubles();
        double[] ua = TensorInternals.storage(u).doubles();
        double[] m2a = TensorInternals.storage(m2).doubles();
        double[] v2a = TensorInternals.storage(v2).doubles();
        int go = g.offset();
        int mo = m.offset();
        int vo = v.offset();
        Parallel.forRange(g.size(), 1 << 15, (s, end) -> {
            for (int i = s; i < end; i++) {
                double gi = ga[go + i];
                double pi = pa == null ? 0 : pa[po + i];
                double mi = Subnormals.flush(ma[mo + i] * b1 + gi * (1 - b1));
                double vi = Subnormals.flush(va[vo + i] * b2 + gi * gi * (1 - b2));
                m2a[i] = mi;
                v2a[i] = vi;
                double ui = mi * invBias1 / (Math.sqrt(vi) * invSqrtBias2 + eps);
                ua[i] = pa == null ? ui : pi + ui * applied;
            }
        });
    }

    /** The VJP of {@link #composite}. */
    @Override
    public Tensor[] vjpAll(Tensor[] cotangents, Tensor[] in, Tensor[] outputs, int wanted) {
        return Functional.vjpN(this::composite, in).pullback().apply(cotangents);
    }

    /** The JVP of {@link #composite}, output by output. */
    @Override
    public Tensor[] jvpAll(Tensor[] in, Tensor[] tangents, Tensor[] outputs) {
        Tensor[] t = new Tensor[tangents.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = tangents[i] != null ? tangents[i] : Tensor.zeros(in[i].dtype(), in[i].dims());
        }
        Tensor[] out = new Tensor[3];
        for (int k = 0; k < 3; k++) {
            int output = k;
            out[k] = Functional.jvp((Tensor[] x) -> composite(x)[output], in, t).tangent();
        }
        return out;
    }

    /** Rarely batched: a loop over examples, exact. */
    @Override
    public Tensor[] batchAll(Tensor[] in, boolean[] batched, int size) {
        return Batching.byLoopAll(this, in, batched, size);
    }

    @Override
    public String toString() {
        return "AdamUpdate[b1=" + b1 + ", b2=" + b2 + ", eps=" + eps + (isApplied() ? ", applied=" + applied : "")
                + "]";
    }
}
