package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import org.fluxion.kernels.FloatReduce;
import org.fluxion.kernels.Vectorization;
import org.fluxion.kernels.Parallel;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Primitive: folds {@code op} over {@code axes}. Shape rule: {@code [d0, ..., dn]} loses the reduced
 * axes, or keeps them with size 1 when {@code keepDims}; dtype per {@link ReduceOp#resultType}.
 * {@code axes} are normalized and sorted (an empty array means all axes).
 *
 * <p>Kernel: the input is seen as {@code [outer, reduce, inner]} ({@link ReduceLayout}), after reducing
 * the innermost of several separate blocks of reduced axes first if there are some, and split into
 * tasks over outer rows, column chunks of {@code inner} and, when those are fewer than the threads,
 * parts of {@code reduce} with their own partial accumulators combined at the end. Accumulators are
 * double (floating point) or long (integers, bool), rounded once to the output dtype.
 */
public record Reduce(ReduceOp op, int[] axes, boolean keepDims) implements Primitive {
    /** Elements per parallel chunk: below this a thread hand-off costs more than it saves. */
    static final int GRAIN = 1 << 15;
    /** Columns per task when {@code inner > 1}: a float block of this width stays in L1. */
    private static final int COLS = 2048;

    public Reduce {
        axes = axes.clone();
    }

    @Override
    public int[] axes() {
        return axes.clone();
    }

    /**
     * VJP, with {@code gk} the cotangent reshaped to the keep-dims shape and expanded back to x's shape:
     * sum: {@code gk}; prod: {@code gk * prod_{j != i} x_j} ({@link #exclusiveProducts}, right with zeros);
     * max/min: {@code gk * (x == y) / count(x == y)}, the gradient shared equally between tied extremes.
     */
    @Override
    public Tensor[] vjp(Tensor g, Tensor[] in, Tensor y) {
        Tensor x = in[0];
        Tensor gk = keep(g, x).broadcastTo(x.shape());
        return new Tensor[] {switch (op) {
            case SUM -> gk;
            case PROD -> gk.mul(exclusiveProducts(x));
            case MAX, MIN -> gk.mul(extremeWeights(x, y));
        }};
    }

    /** sum reads only x's shape; prod reads x (bit 0); max/min read x and y. */
    @Override
    public int vjpReads(int wanted, int arity) {
        return switch (op) {
            case SUM -> 0;
            case PROD -> 1;
            case MAX, MIN -> ~0;
        };
    }

    /** JVP: sum of t; prod: {@code sum(t * prod_{j != i} x_j)}; max/min: {@code sum(t * (x == y) / count)}. */
    @Override
    public Tensor jvp(Tensor[] in, Tensor[] t, Tensor y) {
        Tensor x = in[0];
        Tensor tx = t[0];
        return switch (op) {
            case SUM -> Ops.bind(this, tx);
            case PROD -> Ops.bind(new Reduce(ReduceOp.SUM, axes, keepDims), tx.mul(exclusiveProducts(x)));
            case MAX, MIN -> Ops.bind(new Reduce(ReduceOp.SUM, axes, keepDims), tx.mul(extremeWeights(x, y)));
        };
    }

    /**
     * {@code e_i = prod_{j != i} x_j} over the reduced axes, of x's shape: the derivative of the product.
     * {@code y / x} would be 0/0 where x has zeros, so with {@code m} the mask of zeros, {@code z} their
     * count, {@code P} the product of the non-zero elements and {@code S = sum(x * m)} (0, but its
     * derivative picks out the zeros):
     * <pre>
     *   non-zero x_i:  e_i = P / x_i * C,  C = 1 (z = 0), S (z = 1), 0 (z >= 2)
     *   zero x_i:      e_i = P * D,        D = 1 (z = 1), S - x_i (z = 2), 0 (z >= 3)
     * </pre>
     * C and D are the products of the (other) zeros written so that their values and first derivatives
     * are exact: e is right in value and in first derivative for any number of zeros, so the prod rule is
     * exact to second order (third order is exact for fewer than three zeros). Every branch is finite,
     * so {@code where} never mixes in a NaN.
     */
    private Tensor exclusiveProducts(Tensor x) {
        Tensor isZero = x.eq(0);
        Tensor m = isZero.to(x.dtype());
        Tensor z = Ops.bind(new Reduce(ReduceOp.SUM, axes, true), m);
        Tensor one = Rules.constantLike(1, x);
        Tensor zero = Rules.constantLike(0, x);
        Tensor safe = Tensor.where(isZero, one, x);
        Tensor p = Ops.bind(new Reduce(ReduceOp.PROD, axes, true), safe);
        Tensor s = Ops.bind(new Reduce(ReduceOp.SUM, axes, true), x.mul(m));
        Tensor c = Tensor.where(z.eq(0), one, Tensor.where(z.eq(1), s, zero));
        Tensor d = Tensor.where(z.eq(1), one, Tensor.where(z.eq(2), s.sub(x), zero));
        return Tensor.where(isZero, p.mul(d), p.div(safe).mul(c));
    }

    /** {@code (x == y) / count(x == y)} over the reduced axes, of x's shape: a constant mask. */
    private Tensor extremeWeights(Tensor x, Tensor y) {
        Tensor mask = x.eq(keep(y, x)).to(x.dtype());
        return mask.div(Ops.bind(new Reduce(ReduceOp.SUM, axes, true), mask));
    }

    /** A reduced tensor reshaped to the keep-dims shape of x (size 1 on the reduced axes). */
    private Tensor keep(Tensor r, Tensor x) {
        boolean[] reduced = reducedAxes(name(), axes, x.shape());
        int[] dims = x.dims();
        for (int d = 0; d < dims.length; d++) {
            if (reduced[d]) {
                dims[d] = 1;
            }
        }
        return r.reshape(dims);
    }

    @Override
    public String name() {
        return op.label();
    }

    @Override
    public TensorType outputType(TensorType... in) {
        Arity.check(name(), in, 1);
        Shape s = in[0].shape();
        boolean[] reduced = reducedAxes(name(), axes, s);
        int[] dims = new int[s.rank()];
        int k = 0;
        for (int i = 0; i < s.rank(); i++) {
            if (reduced[i] && s.dim(i) == 0 && op.needsElements()) {
                throw new IllegalArgumentException(name() + ": cannot reduce over axis " + i
                        + " of size 0 (shape " + s + "): the " + name() + " of no elements is undefined");
            }
            if (!reduced[i]) {
                dims[k++] = s.dim(i);
            } else if (keepDims) {
                dims[k++] = 1;
            }
        }
        return new TensorType(Shape.of(Arrays.copyOf(dims, k)), op.resultType(in[0].dtype()));
    }

    /**
     * A sum over axis 0 of a dense float32 matrix small enough for one task of the general path (no split of the
     * rows, one block of columns): it folds the rows with {@link FloatReduce#sumRows} alone.
     */
    private boolean isSmallColumnSum(Tensor x) {
        return op == ReduceOp.SUM && axes.length == 1 && (axes[0] == 0 || axes[0] == -2) && x.rank() == 2
                && x.dtype() == DType.FLOAT32 && Vectorization.ENABLED && x.isContiguous() && x.dim(1) <= COLS
                && x.size() < 2L * GRAIN;
    }

    /**
     * A sum over axis 0 and every axis after 1 of a dense float32 {@code [N, C, ...]}: a convolution's bias
     * gradient.
     */
    private boolean isBatchChannelSum(Tensor x) {
        if (op != ReduceOp.SUM || x.dtype() != DType.FLOAT32 || !Vectorization.ENABLED || x.rank() < 3
                || !x.isContiguous()) {
            return false;
        }
        boolean[] reduced = reducedAxes(name(), axes, x.shape());
        for (int d = 0; d < reduced.length; d++) {
            if (reduced[d] != (d != 1)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #isBatchChannelSum}: the N rows of {@code C*L} summed first, a vector of columns at a time (threads
     * take runs of channels; every column is summed in the same order whichever takes it), then each channel's L
     * column sums in order. Per-row sums first (the innermost-block path) cost a horizontal reduction per
     * {@code (n, c)}: 0.27-0.33 ms for the CNN's {@code [64, 64, 11, 11]} bias gradient.
     */
    private static Tensor batchChannelSum(Tensor x) {
        int n = x.dim(0), c = x.dim(1), l = (int) (x.size() / ((long) n * c));
        double[] columns = new double[c * l];
        float[] a = storage(x).floats();
        int off = x.offset();
        Parallel.forRange(c, (int) Math.max(1, GRAIN / Math.max(1L, (long) n * l)),
                (c0, c1) -> FloatReduce.sumRows(a, off + c0 * l, n, c * l, (c1 - c0) * l, columns, c0 * l));
        double[] sums = new double[c];
        for (int i = 0; i < c; i++) {
            double s = 0;
            for (int j = i * l, e = j + l; j < e; j++) {
                s += columns[j];
            }
            sums[i] = s;
        }
        return fromDoubles(sums, DType.FLOAT32);
    }

    /** Flags of the axes of {@code s} that {@code axes} names (all when empty), validated for {@code op}. */
    static boolean[] reducedAxes(String op, int[] axes, Shape s) {
        boolean[] reduced = new boolean[s.rank()];
        for (int a : Shape.normalizeAxes(axes, s.rank(), op)) {
            reduced[a] = true;
        }
        return reduced;
    }

    @Override
    public Tensor compute(TensorType out, Tensor... in) {
        Tensor x = in[0];
        if (x.size() == 0) {
            // Every output is a fold over no elements (max/min were rejected by the shape rule unless
            // the output itself is empty).
            return Tensor.full(op.needsElements() ? 0 : op.identity(), out.dtype(), out.shape().dims());
        }
        if (isSmallColumnSum(x)) {
            // A bias gradient: the one fold the general path below would run for it, without its layout analysis
            // and task split, which cost more than the fold for a few hundred rows.
            double[] acc = new double[x.dim(1)];
            FloatReduce.sumRows(storage(x).floats(), x.offset(), x.dim(0), x.dim(1), x.dim(1), acc, 0);
            return fromDoubles(acc, DType.FLOAT32).reshape(out.shape().dims());
        }
        if (isBatchChannelSum(x)) {
            return batchChannelSum(x).reshape(out.shape().dims());
        }
        boolean[] reducedFlags = reducedAxes(name(), axes, x.shape());
        int[] innermost = ReduceLayout.innermostReducedBlock(x, reducedFlags);
        if (innermost != null) {
            // Reduce the innermost block (keeping dims, so axis numbers stay), then all the axes of the
            // much smaller result, where the block's axes now have size 1. A second step of sum or prod
            // sees int64 where the input was int32 or bool, which gives the same output dtype.
            Reduce first = new Reduce(op, innermost, true);
            return compute(out, first.compute(first.outputType(x.type()), x));
        }
        ReduceLayout lay = ReduceLayout.of(x, reducedFlags);
        boolean floating = x.dtype().isFloatingPoint();
        int outer = lay.outer();
        int reduce = lay.reduce();
        int inner = lay.inner();
        int colW = Math.min(inner, COLS);
        int colChunks = (inner + colW - 1) / colW;
        long work = (long) outer * reduce * inner;
        // Split the reduced axis only when rows and column chunks cannot keep the threads busy.
        int parts = 1;
        if ((long) outer * colChunks < Parallel.threads() && work >= 2L * GRAIN) {
            parts = Parallel.chunks(reduce, Math.max(1, GRAIN / inner));
        }
        int tasks = outer * colChunks * parts;
        int grain = (int) Math.max(1, GRAIN / Math.max(1, work / tasks));
        int width = outer * inner;
        double[][] dacc = floating ? new double[parts][width] : null;
        long[][] lacc = floating ? null : new long[parts][width];
        for (int p = 0; p < parts; p++) {
            if (floating) {
                Arrays.fill(dacc[p], op.identity());
            } else {
                Arrays.fill(lacc[p], op.identityLong());
            }
        }
        Object src = storage(lay.source()).array();
        Storage storage = storage(lay.source());
        int offset = lay.offset();
        int parts0 = parts;
        Parallel.forRange(tasks, grain, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int part = t % parts0;
                int rest = t / parts0;
                int o = rest / colChunks;
                int c0 = (rest % colChunks) * colW;
                int w = Math.min(inner, c0 + colW) - c0;
                int r0 = (int) ((long) reduce * part / parts0);
                int r1 = (int) ((long) reduce * (part + 1) / parts0);
                int base = offset + (o * reduce + r0) * inner + c0;
                int k = o * inner + c0;
                if (src instanceof float[] f) {
                    foldFloat(f, base, r1 - r0, inner, w, dacc[part], k);
                } else if (src instanceof double[] d) {
                    foldDouble(d, base, r1 - r0, inner, w, dacc[part], k);
                } else {
                    foldLong(storage, base, r1 - r0, inner, w, lacc[part], k);
                }
            }
        });
        for (int p = 1; p < parts; p++) {
            for (int k = 0; k < width; k++) {
                if (floating) {
                    dacc[0][k] = op.combine(dacc[0][k], dacc[p][k]);
                } else {
                    lacc[0][k] = op.combine(lacc[0][k], lacc[p][k]);
                }
            }
        }
        Tensor block = floating ? fromDoubles(dacc[0], out.dtype()) : fromLongs(lacc[0], out.dtype());
        return lay.toOutput(block, out.shape());
    }

    /**
     * Folds {@code rows} rows of width {@code w}, {@code stride} apart, into {@code acc[k..k+w)}: with the
     * Vector API ({@link FloatReduce}) where it can, else element by element in double.
     */
    private void foldFloat(float[] a, int base, int rows, int stride, int w, double[] acc, int k) {
        if (op == ReduceOp.PROD || !Vectorization.ENABLED) {
            for (int r = 0; r < rows; r++) {
                int p = base + r * stride;
                for (int j = 0; j < w; j++) acc[k + j] = op.combine(acc[k + j], a[p + j]);
            }
        } else if (w == 1 && stride == 1) { // a contiguous row
            switch (op) {
                case SUM -> acc[k] += FloatReduce.sum(a, base, rows);
                case MAX -> acc[k] = Math.max(acc[k], FloatReduce.max(a, base, rows));
                case MIN -> acc[k] = Math.min(acc[k], FloatReduce.min(a, base, rows));
                default -> throw new AssertionError(op);
            }
        } else {
            switch (op) {
                case SUM -> FloatReduce.sumRows(a, base, rows, stride, w, acc, k);
                case MAX -> FloatReduce.maxRows(a, base, rows, stride, w, acc, k);
                case MIN -> FloatReduce.minRows(a, base, rows, stride, w, acc, k);
                default -> throw new AssertionError(op);
            }
        }
    }

    private void foldDouble(double[] a, int base, int rows, int stride, int w, double[] acc, int k) {
        for (int r = 0; r < rows; r++) {
            int p = base + r * stride;
            for (int j = 0; j < w; j++) acc[k + j] = op.combine(acc[k + j], a[p + j]);
        }
    }

    private void foldLong(Storage s, int base, int rows, int stride, int w, long[] acc, int k) {
        for (int r = 0; r < rows; r++) {
            int p = base + r * stride;
            for (int j = 0; j < w; j++) acc[k + j] = op.combine(acc[k + j], s.getLong(p + j));
        }
    }

    private static Tensor fromDoubles(double[] acc, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return Tensor.wrap(Storage.wrap(dtype, acc), Shape.of(acc.length));
        }
        float[] f = new float[acc.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) acc[i];
        return Tensor.wrap(Storage.wrap(DType.FLOAT32, f), Shape.of(f.length));
    }

    private static Tensor fromLongs(long[] acc, DType dtype) {
        Storage s = switch (dtype) {
            case INT64 -> Storage.wrap(dtype, acc);
            case INT32 -> {
                int[] v = new int[acc.length];
                for (int i = 0; i < v.length; i++) v[i] = (int) acc[i];
                yield Storage.wrap(dtype, v);
            }
            case BOOL -> {
                boolean[] v = new boolean[acc.length];
                for (int i = 0; i < v.length; i++) v[i] = acc[i] != 0;
                yield Storage.wrap(dtype, v);
            }
            default -> throw new AssertionError(dtype);
        };
        return Tensor.wrap(s, Shape.of(acc.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reduce r && op == r.op && keepDims == r.keepDims && Arrays.equals(axes, r.axes);
    }

    @Override
    public int hashCode() {
        return (op.hashCode() * 31 + Arrays.hashCode(axes)) * 31 + Boolean.hashCode(keepDims);
    }

    @Override
    public String toString() {
        return "Reduce[" + op.label() + ", axes=" + Arrays.toString(axes) + ", keepDims=" + keepDims + "]";
    }

    @Override
    public Tensor batch(Tensor[] in, boolean[] batched, int size) {
        // The same axes shifted past the batch axis. No axes means "all axes", which must not become
        // "all axes including the batch"; a scalar example reduces over nothing, which leaves it unchanged
        // up to the result dtype (e.g. the int64 sum of an int32).
        int rank = Batching.exampleRank(in[0], true);
        int[] shifted = Shape.normalizeAxes(axes, rank, name());
        if (shifted.length == 0) {
            DType dtype = outputType(Batching.exampleType(in[0], true)).dtype();
            return in[0].dtype() == dtype ? in[0] : Ops.bind(new Cast(dtype), in[0]);
        }
        for (int i = 0; i < shifted.length; i++) {
            shifted[i]++;
        }
        return Ops.bind(new Reduce(op, shifted, keepDims), in[0]);
    }
}
