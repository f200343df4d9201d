package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.StridedLoop;
import org.fluxion.kernels.Vectorization;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/** Primitive: an elementwise function of one tensor ({@link UnaryOp}). */
public record Unary(UnaryOp op) implements Primitive {
    /** Elements per parallel chunk: below this, a thread hand-off costs more than it saves. */
    static final int GRAIN = 1 << 14;

    /** VJP: {@code g * f'(x)}. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        if (op == UnaryOp.RELU && y.dtype().isFloatingPoint()) {
            // g where y > 0 (exactly where x > 0, NaN included), else 0: one comparison and one blend
            // instead of mask, cast and multiply (the hot path of every ReLU network's backward pass).
            return new Tensor[] {Tensor.where(y.gt(0), g, Rules.constantLike(0, g))};
        }
        Tensor d = op.derivative(in[0], y);
        return new Tensor[] {d == null ? null : g.mul(d)};
    }

    /** What {@link UnaryOp#derivative} reads: x (bit 0), y (bit 1), both, or nothing. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return op.derivativeReads();
    }

    /** JVP: {@code t * f'(x)}. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor d = op.derivative(in[0], y);
        return d == null ? null : t[0].mul(d);
    }

    @Override
    public String name() {
        return op.label();
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        return new TensorType(in[0].shape(), op.resultType(in[0].dtype()));
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        DType ct = op.computeType(in[0].dtype());
        Tensor x = Elementwise.vectorFriendly(Elementwise.cast(in[0], ct));
        Tensor y = TensorInternals.empty(out);
        if (y.size() == 1 && (ct == DType.FLOAT32 || ct == DType.FLOAT64) && out.dtype() == ct) {
            // One element: skip the strided-loop set-up (see Binary.compute).
            double v = storage(x).getDouble(x.offset());
            storage(y).setDouble(0, ct == DType.FLOAT32 ? op.applyF32((float) v) : op.apply(v));
            return y;
        }
        StridedLoop loop = StridedLoop.of(x.dims(), new int[] {x.offset(), 0}, x.strides(), y.strides());
        int xs = loop.innerStride(0);
        Object xa = storage(x).array();
        Object ya = storage(y).array();
        boolean toBool = out.dtype() == DType.BOOL;
        loop.forEach(GRAIN, (o, n) -> {
            int xo = o[0];
            int yo = o[1];
            switch (ct) {
                case FLOAT32 -> {
                    float[] xf = (float[]) xa;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.apply(xf[xo + i * xs]) != 0;
                    } else {
                        float[] yf = (float[]) ya;
                        for (int i = Vectorization.ENABLED ? op.f32(xf, xo, xs, yf, yo, n) : 0; i < n; i++) yf[yo + i] = op.applyF32(xf[xo + i * xs]);
                    }
                }
                case FLOAT64 -> {
                    double[] xd = (double[]) xa;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.apply(xd[xo + i * xs]) != 0;
                    } else {
                        double[] yd = (double[]) ya;
                        for (int i = 0; i < n; i++) yd[yo + i] = op.apply(xd[xo + i * xs]);
                    }
                }
                case INT32 -> {
                    int[] xi = (int[]) xa;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.applyLong(xi[xo + i * xs]) != 0;
                    } else {
                        int[] yi = (int[]) ya;
                        for (int i = 0; i < n; i++) yi[yo + i] = (int) op.applyLong(xi[xo + i * xs]);
                    }
                }
                case INT64 -> {
                    long[] xl = (long[]) xa;
                    if (toBool) {
                        boolean[] yb = (boolean[]) ya;
                        for (int i = 0; i < n; i++) yb[yo + i] = op.applyLong(xl[xo + i * xs]) != 0;
                    } else {
                        long[] yl = (long[]) ya;
                        for (int i = 0; i < n; i++) yl[yo + i] = op.applyLong(xl[xo + i * xs]);
                    }
                }
                case BOOL -> {
                    boolean[] xb = (boolean[]) xa;
                    boolean[] yb = (boolean[]) ya;
                    for (int i = 0; i < n; i++) yb[yo + i] = op.applyLong(xb[xo + i * xs] ? 1 : 0) != 0;
                }
            }
        });
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // Elementwise on one input: the batch axis is just one more axis.
        return Ops.bind(this, in);
    }
}
