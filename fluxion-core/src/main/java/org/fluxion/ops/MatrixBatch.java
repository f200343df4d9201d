package org.fluxion.ops;

import java.util.Arrays;
import java.util.function.IntUnaryOperator;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * What the linear-algebra primitives share: shape checks on stacks of matrices {@code [..., r, c]} (the
 * leading dimensions are a batch, broadcast between operands as matmul's), copies of the operands into
 * row-major float64 arrays for the kernels (float32 is computed in float64 and rounded once at the end), and
 * a loop over the batch that reports the first failing element.
 */
final class MatrixBatch {
    /** Below this many flops per matrix, several matrices share a thread; above, the kernels' GEMM splits. */
    private static final long SMALL_WORK = 1 << 18;

    private MatrixBatch() {
    }

    /** Throws unless {@code t} is a float32/float64 stack of matrices {@code [..., r, c]}. */
    static void requireMatrix(String op, String role, TensorType t) {
        if (t.shape().rank() < 2) {
            throw new IllegalArgumentException(op + ": " + role + " must be a matrix or a stack of matrices "
                    + "[..., rows, columns], got " + t);
        }
        Arity.requireFloatingPoint(op, t, role);
    }

    /** Throws unless {@code t} is a float stack of square matrices {@code [..., n, n]}. */
    static void requireSquare(String op, String role, TensorType t) {
        requireMatrix(op, role, t);
        if (t.shape().dim(-1) != t.shape().dim(-2)) {
            throw new IllegalArgumentException(op + ": " + role + " must be square [..., n, n], got " + t);
        }
    }

    /** Throws unless the operands have one dtype. */
    static void requireSameDType(String op, TensorType a, TensorType b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": operands must have one dtype, got " + a + " and " + b);
        }
    }

    /** The leading dimensions of {@code s}, without its last {@code matrixRank}. */
    static Shape batchOf(Shape s, int matrixRank) {
        return Shape.of(Arrays.copyOf(s.dims(), s.rank() - matrixRank));
    }

    /** The batch shapes of two stacks of matrices, broadcast; the error names both operands. */
    static Shape broadcastBatch(String op, Shape a, Shape b) {
        Shape ba = batchOf(a, 2);
        Shape bb = batchOf(b, 2);
        try {
            return Shape.broadcast(op, ba, bb);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": the batch dimensions " + ba + " of " + a + " and " + bb + " of "
                    + b + " do not broadcast (the last two dimensions are the matrices; those before must be equal "
                    + "or 1)", e);
        }
    }

    /** {@code batch} followed by {@code tail}. */
    static Shape append(Shape batch, int... tail) {
        int[] d = Arrays.copyOf(batch.dims(), batch.rank() + tail.length);
        System.arraycopy(tail, 0, d, batch.rank(), tail.length);
        return Shape.of(d);
    }

    /**
     * {@code x} broadcast to {@code batch} in its leading dimensions, as a new row-major float64 array that
     * the kernels may overwrite.
     */
    static double[] doubles(Tensor x, Shape batch) {
        x = plain(x);
        int[] own = x.dims();
        Shape full = append(batch, Arrays.copyOfRange(own, x.rank() - 2, x.rank()));
        Tensor c = (full.equals(x.shape()) ? x : x.broadcastTo(full)).to(DType.FLOAT64).contiguous();
        double[] d = new double[full.size()];
        System.arraycopy(TensorInternals.storage(c).doubles(), c.offset(), d, 0, d.length);
        return d;
    }

    /**
     * The same view of the same storage without transformation state: what a kernel wrapper reshapes or copies
     * on its way to the arrays must not be recorded by autodiff.
     */
    static Tensor plain(Tensor x) {
        return Interpreter.stateOf(x) == null ? x
                : TensorInternals.view(TensorInternals.storage(x), x.shape(), x.strides(), x.offset());
    }

    /** A tensor of {@code shape} and {@code dtype} holding {@code data} (float64, row-major). */
    static Tensor tensor(double[] data, Shape shape, DType dtype) {
        Tensor t = Tensor.wrap(Storage.wrap(DType.FLOAT64, data), shape);
        return dtype == DType.FLOAT64 ? t : t.to(dtype);
    }

    /** The multi-index of element {@code flat} of a row-major {@code batch}. */
    static int[] index(Shape batch, int flat) {
        int[] idx = new int[batch.rank()];
        for (int d = batch.rank() - 1; d >= 0; d--) {
            idx[d] = flat % batch.dim(d);
            flat /= batch.dim(d);
        }
        return idx;
    }

    /**
     * Runs {@code body} for each of {@code count} matrices, several per thread when each is small ({@code flops}
     * is the work of one matrix), and returns each one's info (0 for success, LAPACK's convention).
     */
    static int[] forEach(int count, long flops, IntUnaryOperator body) {
        int[] info = new int[count];
        int grain = flops >= SMALL_WORK ? count : (int) Math.max(1, SMALL_WORK / Math.max(1, flops));
        Parallel.forRange(count, grain, (s, e) -> {
            for (int i = s; i < e; i++) {
                info[i] = body.applyAsInt(i);
            }
        });
        return info;
    }

    /** The first element with a non-zero info, or -1. */
    static int firstFailure(int[] info) {
        for (int i = 0; i < info.length; i++) {
            if (info[i] != 0) {
                return i;
            }
        }
        return -1;
    }
}
