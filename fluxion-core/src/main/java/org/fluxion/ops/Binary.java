package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedLoop;
import org.fluxion.kernels.Vectorization;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/** Primitive: an elementwise function of two tensors broadcast together ({@link BinaryOp}). */
public record Binary(BinaryOp op) implements Primitive {
    /** VJP: per {@link BinaryOp#vjp}; cotangents of the broadcast shape, summed down by the engine. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return op.vjp(g, in[0], in[1], y);
    }

    /** VJP of the wanted inputs only where the operation can skip the others (pow); null elsewhere. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        return op.vjp(g, in[0], in[1], y, (wanted & 1) != 0, (wanted & 2) != 0);
    }

    /**
     * add/sub read no values; mul reads b for a's cotangent and a for b's, so {@code x * 2} keeps only the
     * 2 when x alone needs a gradient; the others keep everything.
     */
    @Override
    public int vjpReads(int wanted, int arity) {
        return switch (op) {
            case ADD, SUB -> 0;
            case MUL -> ((wanted & 1) != 0 ? 2 : 0) | ((wanted & 2) != 0 ? 1 : 0);
            default -> ~0;
        };
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        return op.jvp(t[0], t[1], in[0], in[1], y);
    }

    @Override
    public String name() {
        return op.label();
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 2);
        return new TensorType(Shape.broadcast(name(), in[0].shape(), in[1].shape()),
                op.resultType(in[0].dtype(), in[1].dtype()));
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        DType ct = op.computeType(in[0].dtype(), in[1].dtype());
        Tensor a = Elementwise.vectorFriendly(Elementwise.cast(in[0], ct));
        Tensor b = Elementwise.vectorFriendly(Elementwise.cast(in[1], ct));
        Tensor y = TensorInternals.empty(out);
        if (y.size() == 1 && (ct == DType.FLOAT32 || ct == DType.FLOAT64) && !toBool(out)) {
            // One element (scalar code, scalar AD): skip the strided-loop set-up, which costs more
            // than the arithmetic. Each operand's single element sits at its offset.
            double v = op.apply(storage(a).getDouble(a.offset()), storage(b).getDouble(b.offset()));
            storage(y).setDouble(0, v);
            return y;
        }
        int[] dims = out.shape().dims();
        StridedLoop loop = StridedLoop.of(dims, new int[] {a.offset(), b.offset(), 0},
                Views.broadcastStrides(a, out.shape()), Views.broadcastStrides(b, out.shape()), y.strides());
        int as = loop.innerStride(0);
        int bs = loop.innerStride(1);
        Object aa = storage(a).array();
        Object ba = storage(b).array();
        Object ya = storage(y).array();
        boolean toBool = toBool(out);
        loop.forEach(Unary.GRAIN, (o, n) -> {
            int ao = o[0];
            int bo = o[1];
            int yo = o[2];
            switch (ct) {
                case FLOAT32 -> {
                    float[] af = (float[]) aa;
                    float[] bf = (float[]) ba;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = Vectorization.ENABLED ? op.f32(af, ao, as, bf, bo, bs, yb, yo, n) : 0; i < n; i++) {
                            yb[yo + i] = op.apply(af[ao + i * as], bf[bo + i * bs]) != 0;
                        }
                    } else {
                        float[] yf = (float[]) ya;
                        for (int i = Vectorization.ENABLED ? op.f32(af, ao, as, bf, bo, bs, yf, yo, n) : 0; i < n; i++) {
                            yf[yo + i] = (float) op.apply(af[ao + i * as], bf[bo + i * bs]);
                        }
                    }
                }
                case FLOAT64 -> {
                    double[] ad = (double[]) aa;
                    double[] bd = (double[]) ba;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.apply(ad[ao + i * as], bd[bo + i * bs]) != 0;
                    } else {
                        double[] yd = (double[]) ya;
                        for (int i = 0; i < n; i++) yd[yo + i] = op.apply(ad[ao + i * as], bd[bo + i * bs]);
                    }
                }
                case INT32 -> {
                    int[] ai = (int[]) aa;
                    int[] bi = (int[]) ba;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.applyLong(ai[ao + i * as], bi[bo + i * bs]) != 0;
                    } else {
                        int[] yi = (int[]) ya;
                        for (int i = 0; i < n; i++) yi[yo + i] = (int) op.applyLong(ai[ao + i * as], bi[bo + i * bs]);
                    }
                }
                case INT64 -> {
                    long[] al = (long[]) aa;
                    long[] bl = (long[]) ba;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.applyLong(al[ao + i * as], bl[bo + i * bs]) != 0;
                    } else {
                        long[] yl = (long[]) ya;
                        for (int i = 0; i < n; i++) yl[yo + i] = op.applyLong(al[ao + i * as], bl[bo + i * bs]);
                    }
                }
                case BOOL -> {
                    boolean[] ab = (boolean[]) aa;
                    boolean[] bb = (boolean[]) ba;
                    boolean[] yb = (boolean[]) ya;
                    for (int i = 0; i < n; i++) {
                        yb[yo + i] = op.applyLong(ab[ao + i * as] ? 1 : 0, bb[bo + i * bs] ? 1 : 0) != 0;
                    }
                }
            }
        });
        return y;
    }

    private static boolean toBool(TensorType out) {
        return out.dtype() == DType.BOOL;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        return Batching.broadcasting(this, in, batched);
    }
}
