package org.fluxion.ops;

import org.fluxion.kernels.SparseKernels;
import org.fluxion.kernels.Strided;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: the dense product {@code A B^T} sampled at given coordinates (SDDMM). Inputs: row indices
 * {@code r [nnz]} and column indices {@code c [nnz]} (int64), {@code A [m, k]} and {@code B [n, k]} of one
 * floating-point dtype; output {@code [nnz]} with {@code out_e = A[r_e] . B[c_e]}. It is the gradient of
 * {@link SparseMatMul} with respect to the sparse values.
 *
 * <p>With {@code S(g)} the sparse {@code [m, n]} matrix of values {@code g} at the coordinates:
 * {@code dA = S(g) @ B} and {@code dB = S(g)^T @ A}; the JVP is {@code SD(tA, B) + SD(A, tB)}.
 */
public record SampledDot() implements Primitive {
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return vjp(g, in, y, 0b1100);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        int m = in[2].dim(0);
        int n = in[3].dim(0);
        Tensor da = (wanted & 4) == 0 ? null : Ops.bind(new SparseMatMul(m, n, false), in[0], in[1], g, in[3]);
        Tensor db = (wanted & 8) == 0 ? null : Ops.bind(new SparseMatMul(m, n, true), in[0], in[1], g, in[2]);
        return new Tensor[] {null, null, da, db};
    }

    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor a = t[2] == null ? null : Ops.bind(this, in[0], in[1], t[2], in[3]);
        Tensor b = t[3] == null ? null : Ops.bind(this, in[0], in[1], in[2], t[3]);
        return a == null ? b : b == null ? a : a.add(b);
    }

    @Override
    public String name() {
        return "sampledDot";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 4);
        int nnz = checkCoordinates(name(), in[0], in[1]);
        TensorType a = in[2];
        TensorType b = in[3];
        Arity.requireFloatingPoint(name(), a, "A");
        if (a.shape().rank() != 2 || b.shape().rank() != 2 || a.shape().dim(1) != b.shape().dim(1)) {
            throw new IllegalArgumentException(name() + ": A " + a.shape() + " and B " + b.shape()
                    + " must be [m, k] and [n, k] with the same k");
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(name() + ": A is " + a.dtype().label() + " but B is " + b.dtype().label());
        }
        return new TensorType(Shape.of(nnz), a.dtype());
    }

    /** Checks that the coordinates are two int64 vectors of one length, and returns that length. */
    static int checkCoordinates(String op, TensorType r, TensorType c) {
        if (r.dtype() != DType.INT64 || c.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": row and column indices must be int64, got " + r + " and " + c);
        }
        if (r.shape().rank() != 1 || !r.shape().equals(c.shape())) {
            throw new IllegalArgumentException(op + ": row indices " + r.shape() + " and column indices " + c.shape()
                    + " must be vectors of one length (nnz)");
        }
        return r.shape().dim(0);
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        IndexCheck.checkRange(name(), in[0], in[2].dim(0), () -> "the " + in[2].dim(0) + " rows of A " + in[2].shape());
        IndexCheck.checkRange(name(), in[1], in[3].dim(0), () -> "the " + in[3].dim(0) + " rows of B " + in[3].shape());
        Strided r = SparseMatMul.contiguous(in[0]);
        Strided c = SparseMatMul.contiguous(in[1]);
        Strided a = SparseMatMul.contiguous(in[2]);
        Strided b = SparseMatMul.contiguous(in[3]);
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        SparseKernels.sampledDot((long[]) r.array(), r.offset(), (long[]) c.array(), c.offset(), out.shape().dim(0),
                a.array(), a.offset(), b.array(), b.offset(), in[2].dim(1), KernelViews.strided(y).array());
        return y;
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        if (!batched[0] && !batched[1] && !(batched[2] && batched[3])) {
            // One batched operand [b, m, k]: its examples side by side as [m, b*k] would mix the dot products,
            // so stack them along the rows instead and shift the coordinates of each example.
            return byStackedRows(in, batched, size);
        }
        // Batched coordinates, or both operands batched: a different sampling per example, one call each.
        return Batching.byLoop(this, in, batched, size);
    }

    /** {@code [b, m, k]} as {@code [b*m, k]} with coordinates {@code r + i*m} for example {@code i}. */
    private Tensor byStackedRows(Tensor[] in, boolean[] batched, int size) {
        int which = batched[2] ? 2 : 3;
        Tensor x = in[which];
        int m = x.dim(1);
        Tensor flat = x.reshape(size * m, x.dim(2));
        Tensor shift = Tensor.arange(0, (double) size * m, m, DType.INT64).reshape(size, 1);
        Tensor coords = in[which == 2 ? 0 : 1].unsqueeze(0).add(shift).reshape(-1);
        Tensor other = in[which == 2 ? 1 : 0].unsqueeze(0).expand(size, in[0].dim(0)).reshape(-1);
        Tensor[] args = which == 2 ? new Tensor[] {coords, other, flat, in[3]} : new Tensor[] {other, coords, in[2], flat};
        return Ops.bind(this, args).reshape(size, in[0].dim(0));
    }
}
