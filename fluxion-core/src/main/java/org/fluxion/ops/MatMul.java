package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.Gemm;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: batched matrix product {@code [..., n, k] @ [..., k, m] -> [..., n, m]}, the batch
 * dimensions broadcast. Both inputs have rank >= 2 (vectors are handled by
 * {@link LinearAlgebra#matmul}) and one floating-point dtype.
 */
public record MatMul() implements Primitive, IntoBuffer {
    /**
     * VJP: {@code (g @ b^T, a^T @ g)}, each of the broadcast batch shape; the engine sums the batch
     * dimensions a or b was broadcast along.
     */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return vjp(g, in, y, 0b11);
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        Tensor da = (wanted & 1) == 0 ? null : g.matmul(in[1].transpose());
        Tensor db = (wanted & 2) == 0 ? null : cotangentInLayoutOf(in[1], in[0], g);
        return new Tensor[] {da, db};
    }

    /**
     * {@code a^T @ g}, computed as {@code (g^T @ a)^T} when b is itself a transposed view (as the weight
     * of a linear layer, {@code x @ W^T}, is): the cotangent then has b's layout and flows back through
     * the transpose to a dense gradient of W without a copy.
     */
    private static Tensor cotangentInLayoutOf(Tensor b, Tensor a, Tensor g) {
        boolean transposedView = b.rank() == 2 && b.stride(0) == 1 && b.dim(0) > 1 && b.dim(1) > 1;
        return transposedView ? g.transpose().matmul(a).transpose() : a.transpose().matmul(g);
    }

    /** JVP: {@code ta @ b + a @ tb}. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor da = t[0] == null ? null : t[0].matmul(in[1]);
        Tensor db = t[1] == null ? null : in[0].matmul(t[1]);
        return da == null ? db : db == null ? da : da.add(db);
    }

    @Override
    public String name() {
        return "matmul";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 2);
        Shape a = in[0].shape();
        Shape b = in[1].shape();
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: the primitive needs rank >= 2 operands, got " + a + " and " + b);
        }
        if (in[0].dtype() != in[1].dtype() || !in[0].dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul: operands must both be float32 or both float64, got "
                    + in[0] + " and " + in[1]);
        }
        int k = a.dim(-1);
        if (b.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + a + " and " + b + " do not chain: " + a.dim(-1)
                    + " columns on the left vs " + b.dim(-2) + " rows on the right");
        }
        Shape batchA = batchShape(a);
        Shape batchB = batchShape(b);
        int rank = Math.max(batchA.rank(), batchB.rank());
        for (int i = 0; i < rank; i++) {
            int da = i < rank - batchA.rank() ? 1 : batchA.dim(i - (rank - batchA.rank()));
            int db = i < rank - batchB.rank() ? 1 : batchB.dim(i - (rank - batchB.rank()));
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("matmul: shapes " + a + " and " + b + " do not broadcast in their "
                        + "batch dimensions " + batchA + " and " + batchB + " (batch dimension " + i + ": " + da + " vs "
                        + db + "); the last two dimensions of each are the matrices, those before them must be equal "
                        + "or 1");
            }
        }
        Shape batch = Shape.broadcast(name(), batchA, batchB);
        int[] dims = new int[batch.rank() + 2];
        System.arraycopy(batch.dims(), 0, dims, 0, batch.rank());
        dims[batch.rank()] = a.dim(-2);
        dims[batch.rank() + 1] = b.dim(-1);
        return new TensorType(Shape.of(name(), dims), in[0].dtype());
    }

    private static Shape batchShape(Shape s) {
        int[] d = s.dims();
        return Shape.of(java.util.Arrays.copyOf(d, d.length - 2));
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        return into(out, Tensor.empty(out.shape(), out.dtype()), in);
    }

    /** Overwrites {@code buffer} with the product (the plan's recycled buffers). */
    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        TensorType out = outputType(in[0].type(), in[1].type());
        return into(out, Tensor.wrap(buffer, out.shape()), in);
    }

    private Tensor into(TensorType out, Tensor y, Tensor[] in) {
        Tensor a = in[0];
        Tensor b = in[1];
        int n = a.dim(-2);
        int k = a.dim(-1);
        int m = b.dim(-1);
        if (y.size() == 0) {
            return y;
        }
        if (a.rank() == 2 && b.rank() == 2) {
            gemm(a, b, null, y, 0, false);
            return y;
        }
        // [B..., n, k] @ [k, m] with a dense left side is one GEMM of (B*n) rows.
        if (b.rank() == 2 && a.rank() > 2 && a.isContiguous()) {
            gemm(a.reshape(-1, k), b, null, y, 0, false);
            return y;
        }
        int batchRank = out.shape().rank() - 2;
        Shape batch = Shape.of(java.util.Arrays.copyOf(out.shape().dims(), batchRank));
        Stack sa = Stack.of(readable(a).broadcastTo(Shape.of(concat(batch.dims(), n, k))));
        Stack sb = Stack.of(readable(b).broadcastTo(Shape.of(concat(batch.dims(), k, m))));
        int count = batch.size();
        // each product read in place from its offset, no view made per product
        Parallel.forRange(count, stackGrain((long) n * k * m, count), (s, e) -> {
            for (int i = s; i < e; i++) {
                gemm(sa, i, sb, i, n, k, m, y, i * n * m, m);
            }
        });
        return y;
    }

    /**
     * Products per chunk of a stack of {@code count} products of {@code work} multiply-adds each: products the GEMM
     * splits over threads itself run one after another; smaller ones are shared out, a chunk of them at least as
     * much work as one the GEMM would split (attention's [64, 64] heads).
     */
    private static int stackGrain(long work, int count) {
        long parallel = Gemm.parallelMinWork();
        return work >= parallel ? count : (int) Math.max(1, parallel / Math.max(1, work));
    }

    private static int[] concat(int[] prefix, int r, int c) {
        int[] d = java.util.Arrays.copyOf(prefix, prefix.length + 2);
        d[prefix.length] = r;
        d[prefix.length + 1] = c;
        return d;
    }

    /**
     * {@code y += a @ b} for rank-2 {@code a} [n, k], {@code b} [k, m] and a contiguous {@code y} [n, m]
     * of their dtype: a GEMM that accumulates into what y holds (a compiled plan starts y with the bias
     * rows, so {@code x @ W + b} is one pass).
     *
     * @throws IllegalArgumentException naming the shapes when they do not chain, y is not a contiguous
     *                                  [n, m] tensor or the dtypes differ
     */
    public static void accumulate(Tensor a, Tensor b, Tensor y) {
        checkInto(a, b, y);
        gemm(a, b, null, y, y.offset(), true);
    }

    /**
     * {@code y = a @ b} written over a contiguous {@code y} [n, m] ({@link #accumulate}'s checks): a compiled plan's
     * product into a recycled buffer.
     */
    public static void into(Tensor a, Tensor b, Tensor y) {
        checkInto(a, b, y);
        gemm(a, b, null, y, y.offset(), false);
    }

    /**
     * {@code y = a @ b + bias} over a contiguous float32 {@code y} [n, m], {@code bias} a contiguous row of m
     * ({@link #accumulate}'s checks): the GEMM adds the bias as it stores, with the bits of accumulating into y
     * filled with the bias rows.
     */
    public static void intoWithBias(Tensor a, Tensor b, Tensor bias, Tensor y) {
        checkInto(a, b, y);
        if (y.dtype() != DType.FLOAT32 || bias.dtype() != DType.FLOAT32 || !bias.isContiguous()
                || bias.size() != y.dim(1)) {
            throw new IllegalArgumentException("matmul into: the bias must be a contiguous float32 row of "
                    + y.dim(1) + ", got " + bias.type() + " for y " + y.type());
        }
        gemm(a, b, bias, y, y.offset(), false);
    }

    /**
     * {@code y = permute(a @ b, [0, 2, 1, 3])} written dense: a {@code [B, H, n, k]} and b {@code [B, H, k, m]} (H
     * heads of B samples) of one float dtype, y a contiguous {@code [B, n, H, m]}. Each head's product is stored
     * across the heads (row stride {@code H*m}), as attention concatenates its heads, instead of as
     * {@code [B, H, n, m]} and copied after.
     *
     * @throws IllegalArgumentException naming the shapes when they do not match or y is not contiguous
     */
    public static void intoInterleaved(Tensor a, Tensor b, Tensor y) {
        if (a.rank() != 4 || b.rank() != 4 || y.rank() != 4 || a.dim(0) != b.dim(0) || a.dim(1) != b.dim(1)
                || a.dim(3) != b.dim(2) || y.dim(0) != a.dim(0) || y.dim(1) != a.dim(2) || y.dim(2) != a.dim(1)
                || y.dim(3) != b.dim(3) || !y.isContiguous() || a.dtype() != y.dtype() || b.dtype() != y.dtype()
                || !y.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul into heads: y = permute(a @ b, [0, 2, 1, 3]) needs a [B, H, n, "
                    + "k], b [B, H, k, m] and a contiguous y [B, n, H, m] of one float dtype, got a " + a.type()
                    + ", b " + b.type() + ", y " + y.type() + (y.isContiguous() ? "" : " (not contiguous)"));
        }
        int heads = a.dim(1), n = a.dim(2), k = a.dim(3), m = b.dim(3);
        if (y.size() == 0) {
            return;
        }
        int count = a.dim(0) * heads;
        Stack sa = Stack.of(readable(a)), sb = Stack.of(readable(b));
        Parallel.forRange(count, stackGrain((long) n * k * m, count), (s, e) -> {
            for (int i = s; i < e; i++) {
                int sample = i / heads, head = i % heads;
                gemm(sa, i, sb, i, n, k, m, y, y.offset() + (sample * n * heads + head) * m, heads * m);
            }
        });
    }

    private static void checkInto(Tensor a, Tensor b, Tensor y) {
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0) || y.rank() != 2 || y.dim(0) != a.dim(0)
                || y.dim(1) != b.dim(1) || !y.isContiguous() || a.dtype() != y.dtype() || b.dtype() != y.dtype()
                || !y.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("matmul into: y (+)= a @ b needs a [n, k], b [k, m] and a contiguous "
                    + "y [n, m] of one float dtype, got a " + a.type() + ", b " + b.type() + ", y " + y.type()
                    + (y.isContiguous() ? "" : " (not contiguous)"));
        }
    }

    /** {@code y[yOff..] (+)= a @ b} for rank-2 views a, b, choosing transposed access instead of copying. */
    private static void gemm(Tensor a, Tensor b, Tensor bias, Tensor y, int yOff, boolean accumulate) {
        gemm(a, b, bias, y, yOff, b.dim(1), accumulate);
    }

    /** As above, the rows of the product {@code ldc} apart in y. */
    private static void gemm(Tensor a, Tensor b, Tensor bias, Tensor y, int yOff, int ldc, boolean accumulate) {
        int n = a.dim(0);
        int k = a.dim(1);
        int m = b.dim(1);
        Layout la = Layout.of(a);
        if (la == null) {
            a = a.contiguous();
            la = Layout.of(a);
        }
        Layout lb = Layout.of(b);
        if (lb == null) {
            b = b.contiguous();
            lb = Layout.of(b);
        }
        if (a.dtype() == DType.FLOAT32 && bias != null) {
            Gemm.sgemmBias(la.transposed, lb.transposed, n, m, k, storage(a).floats(), a.offset(), la.leading,
                    storage(b).floats(), b.offset(), lb.leading, storage(bias).floats(), bias.offset(),
                    storage(y).floats(), yOff, ldc);
        } else if (a.dtype() == DType.FLOAT32) {
            Gemm.sgemm(la.transposed, lb.transposed, n, m, k, storage(a).floats(), a.offset(), la.leading,
                    storage(b).floats(), b.offset(), lb.leading, storage(y).floats(), yOff, ldc, accumulate);
        } else {
            Gemm.dgemm(la.transposed, lb.transposed, n, m, k, storage(a).doubles(), a.offset(), la.leading,
                    storage(b).doubles(), b.offset(), lb.leading, storage(y).doubles(), yOff, ldc, accumulate);
        }
    }

    /**
     * Product {@code ia} of stack a times product {@code ib} of stack b into {@code y[yOff..]}, rows {@code ldc}
     * apart.
     */
    private static void gemm(Stack a, int ia, Stack b, int ib, int n, int k, int m, Tensor y, int yOff, int ldc) {
        Layout la = a.layout(), lb = b.layout();
        if (y.dtype() == DType.FLOAT32) {
            Gemm.sgemm(la.transposed, lb.transposed, n, m, k, storage(a.t()).floats(), a.offset(ia), la.leading,
                    storage(b.t()).floats(), b.offset(ib), lb.leading, storage(y).floats(), yOff, ldc, false);
        } else {
            Gemm.dgemm(la.transposed, lb.transposed, n, m, k, storage(a.t()).doubles(), a.offset(ia), la.leading,
                    storage(b.t()).doubles(), b.offset(ib), lb.leading, storage(y).doubles(), yOff, ldc, false);
        }
    }

    /** How a rank-2 view maps to a BLAS operand: row-major or transposed, with its leading dimension. */
    private record Layout(boolean transposed, int leading) {
        /** The layout of {@code t} [r, c], or null when it needs a copy (e.g. a broadcast view). */
        static Layout of(Tensor t) {
            return of(t.dim(0), t.dim(1), t.stride(0), t.stride(1));
        }

        /** The layout of an [r, c] matrix of the given strides, or null when it needs a copy. */
        static Layout of(int r, int c, int rowStride, int colStride) {
            if ((c == 1 || colStride == 1) && (r == 1 || rowStride >= c)) {
                return new Layout(false, r == 1 ? Math.max(c, 1) : rowStride);
            }
            if ((r == 1 || rowStride == 1) && (c == 1 || colStride >= r)) {
                return new Layout(true, c == 1 ? Math.max(r, 1) : colStride);
            }
            return null;
        }
    }

    /** t, or a dense copy when its matrices cannot be read in place (a doubly strided or broadcast matrix). */
    private static Tensor readable(Tensor t) {
        return Stack.of(t) == null ? t.contiguous() : t;
    }

    /**
     * A stack {@code t [B..., r, c]} of matrices of one {@link Layout}, each read in place at {@link #offset} (batch
     * axes of stride 0, a broadcast, included): no view is made per product.
     */
    private record Stack(Tensor t, Layout layout) {
        /** The stack of t's matrices, or null when they need a copy. */
        static Stack of(Tensor t) {
            Layout l = Layout.of(t.dim(-2), t.dim(-1), t.stride(-2), t.stride(-1));
            return l == null ? null : new Stack(t, l);
        }

        /** Where matrix {@code i} starts, the batch index i flattened row-major over t's batch axes. */
        int offset(int i) {
            int off = t.offset();
            for (int d = t.rank() - 3; d >= 0; d--) {
                off += (i % t.dim(d)) * t.stride(d);
                i /= t.dim(d);
            }
            return off;
        }
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // The primitive broadcasts its batch axes, so aligning the ranks makes B one more batch axis
        // (both operands have rank >= 2, so no vector rule moves an axis); [B, n, k] @ [k, m] is one GEMM.
        return Batching.broadcasting(this, in, batched);
    }
}
