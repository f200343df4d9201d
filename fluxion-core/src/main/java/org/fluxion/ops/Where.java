package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedLoop;
import org.fluxion.kernels.VectorLoops;
import org.fluxion.kernels.Vectorization;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/** Primitive: {@code condition ? a : b} elementwise; the three inputs broadcast together. */
public record Where() implements Primitive {
    /** VJP: {@code (none, where(c, g, 0), where(c, 0, g))}; the condition gets no gradient. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        Tensor zero = Rules.constantLike(0, g);
        return new Tensor[] {null, Tensor.where(in[0], g, zero), Tensor.where(in[0], zero, g)};
    }

    /** JVP: {@code where(c, ta, tb)}. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        if (t[1] == null && t[2] == null) {
            return null;
        }
        Tensor zero = Rules.constantLike(0, y);
        return Tensor.where(in[0], t[1] == null ? zero : t[1], t[2] == null ? zero : t[2]);
    }

    @Override
    public String name() {
        return "where";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 3);
        if (in[0].dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where: condition must be bool, got " + in[0]
                    + " (compare with ne(0) to make a mask)");
        }
        Shape s = Shape.broadcast(name(), Shape.broadcast(name(), in[0].shape(), in[1].shape()), in[2].shape());
        return new TensorType(s, DType.promote(in[1].dtype(), in[2].dtype()));
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor c = in[0];
        Tensor a = Elementwise.cast(in[1], out.dtype());
        Tensor b = Elementwise.cast(in[2], out.dtype());
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        StridedLoop loop = StridedLoop.of(out.shape().dims(), new int[] {c.offset(), a.offset(), b.offset(), 0},
                Views.broadcastStrides(c, out.shape()), Views.broadcastStrides(a, out.shape()),
                Views.broadcastStrides(b, out.shape()), y.strides());
        int cs = loop.innerStride(0);
        int as = loop.innerStride(1);
        int bs = loop.innerStride(2);
        boolean[] cond = storage(c).bools();
        Object aa = storage(a).array();
        Object ba = storage(b).array();
        Object ya = storage(y).array();
        boolean f32 = out.dtype() == DType.FLOAT32;
        loop.forEach(Unary.GRAIN, (o, n) -> {
            int start = f32 && Vectorization.ENABLED
                    ? VectorLoops.where(cond, o[0], cs, (float[]) aa, o[1], as, (float[]) ba, o[2], bs, (float[]) ya, o[3], n) : 0;
            // The float dtypes (the linear-algebra rules' triangles in float64, float32's tail or its plain-Java
            // path) in typed loops; one arraycopy per element costs several times as much.
            if (ya instanceof double[] yd) {
                double[] ad = (double[]) aa;
                double[] bd = (double[]) ba;
                for (int i = start; i < n; i++) {
                    yd[o[3] + i] = cond[o[0] + i * cs] ? ad[o[1] + i * as] : bd[o[2] + i * bs];
                }
                return;
            }
            if (ya instanceof float[] yf) {
                float[] af = (float[]) aa;
                float[] bf = (float[]) ba;
                for (int i = start; i < n; i++) {
                    yf[o[3] + i] = cond[o[0] + i * cs] ? af[o[1] + i * as] : bf[o[2] + i * bs];
                }
                return;
            }
            for (int i = start; i < n; i++) {
                // arraycopy of one element moves any primitive type without a per-dtype loop.
                if (cond[o[0] + i * cs]) {
                    System.arraycopy(aa, o[1] + i * as, ya, o[3] + i, 1);
                } else {
                    System.arraycopy(ba, o[2] + i * bs, ya, o[3] + i, 1);
                }
            }
        });
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Batching.broadcasting(this, in, batched);
    }
}
