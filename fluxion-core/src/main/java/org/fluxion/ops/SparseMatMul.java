package org.fluxion.ops;

import org.fluxion.kernels.SparseKernels;
import org.fluxion.kernels.Strided;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: a sparse matrix {@code S [rows, cols]} given by coordinates times a dense matrix. Inputs: row
 * indices {@code r [nnz]} and column indices {@code c [nnz]} (int64), values {@code v [nnz]} and the dense
 * operand {@code D}, both float32 or both float64. Not transposed, {@code D} is {@code [cols, k]} and the
 * output {@code S @ D [rows, k]}: {@code out[r_e] += v_e D[c_e]}; transposed, {@code D} is {@code [rows, k]}
 * and the output {@code S^T @ D [cols, k]}: {@code out[c_e] += v_e D[r_e]}. Repeated coordinates add up.
 *
 * <p>Gradients flow to the values and to the dense operand, as {@code torch.sparse.mm}: for
 * {@code Y = S @ D}, {@code dD = S^T @ G} (this primitive transposed) and {@code dv_e = G[r_e] . D[c_e]}
 * ({@link SampledDot}); both rules are bilinear, so every order is built from these two primitives.
 */
public record SparseMatMul(int rows, int cols, boolean transposed) implements Primitive {
    public SparseMatMul {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("sparseMatMul: sparse shape must be non-negative, got [" + rows + ", "
                    + cols + "]");
        }
    }

    /** VJP: the transposed product of the cotangent for D, the sampled dot products for the values. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return vjp(g, in, y, 0b1100);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        Tensor r = in[0];
        Tensor c = in[1];
        Tensor dv = (wanted & 4) == 0 ? null
                : transposed ? Ops.bind(new SampledDot(), r, c, in[3], g) : Ops.bind(new SampledDot(), r, c, g, in[3]);
        Tensor dd = (wanted & 8) == 0 ? null : Ops.bind(new SparseMatMul(rows, cols, !transposed), r, c, in[2], g);
        return new Tensor[] {null, null, dv, dd};
    }

    /** JVP: {@code S(tv) @ D + S(v) @ tD}, the product being bilinear in values and D. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor a = t[2] == null ? null : Ops.bind(this, in[0], in[1], t[2], in[3]);
        Tensor b = t[3] == null ? null : Ops.bind(this, in[0], in[1], in[2], t[3]);
        return a == null ? b : b == null ? a : a.add(b);
    }

    @Override
    public String name() {
        return "sparseMatMul";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 4);
        int nnz = SampledDot.checkCoordinates(name(), in[0], in[1]);
        TensorType v = in[2];
        TensorType d = in[3];
        Arity.requireFloatingPoint(name(), v, "values");
        if (v.shape().rank() != 1 || v.shape().dim(0) != nnz) {
            throw new IllegalArgumentException(name() + ": values must be [" + nnz + "] (one per coordinate), got "
                    + v.shape());
        }
        int inner = transposed ? rows : cols;
        if (d.shape().rank() != 2 || d.shape().dim(0) != inner) {
            throw new IllegalArgumentException(name() + ": sparse " + (transposed ? "[" + rows + ", " + cols + "]^T"
                    : "[" + rows + ", " + cols + "]") + " times dense " + d.shape() + ": the dense operand must be ["
                    + inner + ", k]");
        }
        if (d.dtype() != v.dtype()) {
            throw new IllegalArgumentException(name() + ": values are " + v.dtype().label() + " but the dense operand "
                    + d.shape() + " is " + d.dtype().label() + "; convert one of them");
        }
        return new TensorType(Shape.of(transposed ? cols : rows, d.shape().dim(1)), v.dtype());
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        IndexCheck.checkRange(name(), in[0], rows, () -> "the " + rows + " rows of the sparse matrix");
        IndexCheck.checkRange(name(), in[1], cols, () -> "the " + cols + " columns of the sparse matrix");
        Strided r = contiguous(in[0]);
        Strided c = contiguous(in[1]);
        Strided v = contiguous(in[2]);
        Strided d = contiguous(in[3]);
        Tensor y = Tensor.empty(out.shape(), out.dtype());
        int k = out.shape().dim(1);
        int nnz = in[2].dim(0);
        Strided target = transposed ? c : r;
        Strided source = transposed ? r : c;
        SparseKernels.spmm((long[]) target.array(), target.offset(), (long[]) source.array(), source.offset(),
                v.array(), v.offset(), nnz, d.array(), d.offset(), k, KernelViews.strided(y).array(), out.shape().dim(0));
        return y;
    }

    static Strided contiguous(Tensor t) {
        return KernelViews.strided(t.isContiguous() ? t : ViewPrimitives.Copy.contiguousCopy(t));
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        if (!batched[0] && !batched[1] && !batched[2]) {
            // Only D batched [b, n, k]: one product over the columns of all examples, [n, b*k].
            Tensor d = in[3];
            int n = d.dim(1);
            int k = d.dim(2);
            Tensor wide = d.permute(1, 0, 2).reshape(n, size * k);
            Tensor y = Ops.bind(this, in[0], in[1], in[2], wide);
            return y.reshape(y.dim(0), size, k).permute(1, 0, 2);
        }
        // Batched coordinates or values are a different sparse matrix per example: no single product.
        return Batching.byLoop(this, in, batched, size);
    }
}
