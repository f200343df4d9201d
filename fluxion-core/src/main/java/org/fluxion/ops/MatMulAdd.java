package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: {@code a @ b + c} in one step, for {@code a [n, k]}, {@code b [k, m]} and {@code c} broadcasting to
 * {@code [n, m]} (a bias row {@code [m]} or {@code [1, m]}, a column {@code [n, 1]}, a scalar, or a full
 * {@code [n, m]}), one float dtype. The output starts as {@code c} and the GEMM accumulates into it
 * ({@link MatMul#accumulate}), so the sum costs no pass over the output of its own: a linear layer's bias add
 * ({@code x W^T + b}; issue 16), and, in compiled plans, every {@code matmul} followed by an {@code add}
 * (the jit's {@code matmul_add} step computes through {@link #into}).
 *
 * <p>Rounding: the same bits as {@code add(matmul(a, b), c)} when the GEMM sums k in one depth block
 * ({@code k <= 256}): each output is then {@code c + (a b)}, one rounding of the same two values. For deeper
 * products c enters with the first block's partial sum rather than after the last, which rounds differently.
 *
 * <p>Rules: VJP {@code (g b^T, a^T g, g)}, the last summed back to c's shape by the engine like any
 * broadcast cotangent; JVP {@code ta b + a tb + tc}; batching by the batched {@link MatMul} and an add.
 */
public record MatMulAdd() implements Primitive {
    @Override
    public String name() {
        return "matmul_add";
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 3);
        Shape a = in[0].shape();
        Shape b = in[1].shape();
        Shape c = in[2].shape();
        if (a.rank() != 2 || b.rank() != 2 || a.dim(1) != b.dim(0)) {
            throw new IllegalArgumentException("matmul_add: expected a [n, k] and b [k, m], got " + a + " and " + b);
        }
        if (in[0].dtype() != in[1].dtype() || in[1].dtype() != in[2].dtype() || !in[0].dtype().isFloatingPoint()
                || in[0].dtype().isStorageOnly()) {
            throw new IllegalArgumentException("matmul_add: a, b and c must share float32 or float64, got " + in[0]
                    + ", " + in[1] + " and " + in[2]);
        }
        Shape out = Shape.of(a.dim(0), b.dim(1));
        if (c.rank() > 2 || !broadcasts(c, out)) {
            throw new IllegalArgumentException("matmul_add: c " + c + " does not broadcast to the product's " + out);
        }
        return new TensorType(out, in[0].dtype());
    }

    private static boolean broadcasts(Shape c, Shape out) {
        for (int i = 1; i <= c.rank(); i++) {
            if (c.dim(-i) != 1 && c.dim(-i) != out.dim(-i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        return into(Storage.allocate(out.dtype(), out.shape().size()), out, in[0], in[1], in[2]);
    }

    /**
     * {@code a @ b + c} written into {@code buffer} (at least {@code [n, m]} elements), returned as the dense
     * {@code [n, m]} tensor over it: {@code c} broadcast into the buffer first (a scalar fills it, a row [m] or
     * [1, m] repeats in each row, a column [n, 1] in each column, a full [n, m] is copied), then the GEMM adds the
     * product.
     */
    public static Tensor into(Storage buffer, TensorType type, Tensor a, Tensor b, Tensor c) {
        int m = type.shape().dim(1);
        if (type.dtype() == DType.FLOAT32 && c.isContiguous() && c.size() == m && c.rank() >= 1 && c.dim(-1) == m
                && m > 1) {
            // A bias row: the GEMM adds it as it stores (the same bits), C is not filled first.
            Tensor y = Tensor.wrap(buffer, type.shape());
            if (y.size() > 0) {
                MatMul.intoWithBias(a, b, c, y);
            }
            return y;
        }
        Tensor y = startingWith(c, buffer, type);
        if (y.size() > 0) {
            MatMul.accumulate(a, b, y);
        }
        return y;
    }

    /**
     * {@code a @ b} alone written into {@code buffer} (at least {@code [n, m]} elements), returned as the dense
     * {@code [n, m]} tensor over it: the GEMM overwrites the buffer, so the result has {@link MatMul}'s bits.
     */
    public static Tensor productInto(Storage buffer, TensorType type, Tensor a, Tensor b) {
        Tensor y = Tensor.wrap(buffer, type.shape());
        if (y.size() > 0) {
            MatMul.into(a, b, y);
        }
        return y;
    }

    private static Tensor startingWith(Tensor c, Storage y, TensorType type) {
        int n = type.shape().dim(0);
        int m = type.shape().dim(1);
        if (c.size() == 1) {
            if (y.array() instanceof float[] dst) {
                Arrays.fill(dst, (float) c.item());
            } else {
                Arrays.fill(y.doubles(), c.item());
            }
            return Tensor.wrap(y, type.shape());
        }
        // Decided from c's shape, not its size: a square product's column [n, 1] has the size of a row [1, n]
        // but broadcasts along the other axis, so only the shapes [m], [1, m] and [n, m] are copied as they are.
        boolean rowOrFull = c.shape().equals(type.shape()) || (c.size() == m && c.rank() >= 1 && c.dim(-1) == m);
        if (!c.isContiguous() || !rowOrFull) {
            c = c.broadcastTo(type.shape()).copy();
        }
        int period = c.size(); // m for a bias row ([m] or [1, m]), n * m for a full tensor
        int size = n * m;
        if (size == 0) {
            return Tensor.wrap(y, type.shape());
        }
        System.arraycopy(storage(c).array(), c.offset(), y.array(), 0, period);
        // The rows written so far copied after themselves: log2(n) copies instead of one per row.
        for (int filled = period; filled < size; filled *= 2) {
            System.arraycopy(y.array(), 0, y.array(), filled, Math.min(filled, size - filled));
        }
        return Tensor.wrap(y, type.shape());
    }

    /** VJP: {@code (g b^T, a^T g, g)}, as {@link MatMul}'s plus the cotangent of c, which the engine unbroadcasts. */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y, int wanted) {
        Tensor[] ab = new MatMul().vjp(g, new Tensor[] {in[0], in[1]}, y, wanted & 0b11);
        return new Tensor[] {ab[0], ab[1], (wanted & 0b100) == 0 ? null : g};
    }

    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        return vjp(g, in, y, 0b111);
    }

    /**
     * a's cotangent reads b, b's reads a and b's layout (a transposed weight gets its cotangent in its own layout,
     * see {@link MatMul}); c's reads nothing.
     */
    @Override
    public int vjpReads(int wanted, int arity) {
        return (wanted & 0b11) == 0 ? 0 : 0b11;
    }

    /** JVP: {@code ta @ b + a @ tb + tc}. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor product = new MatMul().jvp(new Tensor[] {in[0], in[1]}, new Tensor[] {t[0], t[1]}, y);
        if (t[2] == null) {
            return product;
        }
        return product == null ? t[2].broadcastTo(y.shape()) : product.add(t[2]);
    }

    /** The batched product ({@link MatMul}'s rule), plus c with its batch axis ahead of its example axes. */
    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        Tensor product = batched[0] || batched[1]
                ? Batching.broadcasting(new MatMul(), new Tensor[] {in[0], in[1]}, new boolean[] {batched[0], batched[1]})
                : Ops.bind(new MatMul(), in[0], in[1]);
        Tensor c = batched[2] ? Batching.withRank(in[2], Batching.exampleRank(in[2], true), 2) : in[2];
        return product.add(c);
    }
}
