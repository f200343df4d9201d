package org.fluxion.onnx;

import static org.fluxion.onnx.Values.one;

import java.util.Map;
import java.util.function.Function;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Reduce*, ArgMax/ArgMin, Softmax/LogSoftmax/Hardmax, CumSum and TopK. */
final class ReductionOperators {
    private ReductionOperators() {
    }

    /** A reduction over the given (non-negative, distinct) axes. */
    private interface Reducer {
        Tensor reduce(Tensor x, int[] axes, boolean keepDims);
    }

    static void register(Map<String, Lowering> t) {
        reduce(t, "ReduceSum", 13, Tensor::sum);
        reduce(t, "ReduceMean", 18, Tensor::mean);
        reduce(t, "ReduceMax", 18, Tensor::max);
        reduce(t, "ReduceMin", 18, Tensor::min);
        reduce(t, "ReduceProd", 18, Tensor::prod);
        reduce(t, "ReduceL1", 18, (x, a, k) -> x.abs().sum(a, k));
        reduce(t, "ReduceL2", 18, (x, a, k) -> x.square().sum(a, k).sqrt());
        reduce(t, "ReduceSumSquare", 18, (x, a, k) -> x.square().sum(a, k));
        reduce(t, "ReduceLogSum", 18, (x, a, k) -> x.sum(a, k).log());
        reduce(t, "ReduceLogSumExp", 18, (x, a, k) -> a.length == 0 ? x.exp().log() : x.logsumexp(a, k));
        t.put("ArgMax", (n, in) -> one(argReduce(n, in[0], true)));
        t.put("ArgMin", (n, in) -> one(argReduce(n, in[0], false)));
        t.put("Softmax", (n, in) -> one(softmaxLike(n, in[0], x -> x.softmax(-1), a -> a)));
        t.put("LogSoftmax", (n, in) -> one(softmaxLike(n, in[0], x -> x.logSoftmax(-1), a -> a)));
        t.put("Hardmax", (n, in) -> one(softmaxLike(n, in[0], x -> {
            Tensor first = x.argmax(-1, true);
            Tensor classes = Tensor.arange(x.dim(-1));
            return classes.eq(first).to(x.dtype());
        }, a -> a)));
        t.put("CumSum", (n, in) -> {
            Tensor x = in[0];
            int axis = Values.axis(n, Values.longs(n, in[1], "axis")[0], x.rank());
            boolean reverse = n.i("reverse", 0) != 0;
            Tensor y = reverse ? Values.flip(x, axis) : x;
            Tensor c = y.cumsum(axis);
            if (n.i("exclusive", 0) != 0) {
                c = c.sub(y);
            }
            return one(reverse ? Values.flip(c, axis) : c);
        });
        t.put("TopK", (n, in) -> {
            Tensor x = in[0];
            int k = n.opset() < 10 ? n.int32("k", 1) : (int) Values.longs(n, in[1], "K")[0];
            int axis = Values.axis(n, n.i("axis", -1), x.rank());
            var r = x.topk(k, axis, n.i("largest", 1) != 0, true);
            return new Tensor[] {r.values(), r.indices().to(DType.INT64)};
        });
    }

    /**
     * The axes come from an input (ReduceSum from opset 13, the others from 18) or the attribute before;
     * none means all axes, unless {@code noop_with_empty_axes}.
     */
    private static void reduce(Map<String, Lowering> t, String name, int axesInputFrom, Reducer r) {
        t.put(name, (n, in) -> {
            Tensor x = in[0];
            boolean keep = n.i("keepdims", 1) != 0;
            int[] axes = n.opset() >= axesInputFrom
                    ? (in.length > 1 && in[1] != null ? Values.ints(n, in[1], "axes") : null)
                    : n.ints("axes", null);
            if (axes == null || axes.length == 0) {
                if (n.i("noop_with_empty_axes", 0) != 0) {
                    return one(x);
                }
                axes = new int[x.rank()];
                for (int i = 0; i < axes.length; i++) axes[i] = i;
            } else {
                axes = Values.axes(n, axes, x.rank());
            }
            return one(r.reduce(x, axes, keep));
        });
    }

    /** ArgMax/ArgMin as int64; {@code select_last_index} takes the last of equal extremes (on the flipped axis). */
    private static Tensor argReduce(Node n, Tensor x, boolean max) {
        int axis = Values.axis(n, n.i("axis", 0), x.rank());
        boolean keep = n.i("keepdims", 1) != 0;
        if (n.i("select_last_index", 0) != 0) {
            Tensor f = Values.flip(x, axis);
            Tensor i = max ? f.argmax(axis, keep) : f.argmin(axis, keep);
            return i.to(DType.INT64).neg().add(x.dim(axis) - 1);
        }
        return (max ? x.argmax(axis, keep) : x.argmin(axis, keep)).to(DType.INT64);
    }

    /**
     * Before opset 13 the input is viewed as a matrix [prod(d[:axis]), prod(d[axis:])] (axis default 1) and
     * normalized per row; from 13 along one axis (default -1).
     */
    private static Tensor softmaxLike(Node n, Tensor x, Function<Tensor, Tensor> lastAxis,
                                      Function<Tensor, Tensor> unused) {
        if (x.rank() == 0) {
            return lastAxis.apply(x.reshape(1)).reshape();
        }
        if (n.opset() < 13) {
            int axis = Values.axis(n, n.i("axis", 1), x.rank());
            int[] d = x.dims();
            return lastAxis.apply(x.reshape(Values.product(d, 0, axis), Values.product(d, axis, d.length))).reshape(d);
        }
        int axis = Values.axis(n, n.i("axis", -1), x.rank());
        int last = x.rank() - 1;
        if (axis == last) {
            return lastAxis.apply(x);
        }
        return lastAxis.apply(x.transpose(axis, last)).transpose(axis, last);
    }
}
