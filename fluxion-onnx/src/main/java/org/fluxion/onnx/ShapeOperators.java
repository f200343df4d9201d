package org.fluxion.onnx;

import static org.fluxion.onnx.Values.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Operators on shapes and layouts: Shape, Reshape, Slice, Concat, Split, Gather, Expand, Tile, Constant...
 * Shape-valued results (Shape, Size) are plain int64 tensors even under jit or vmap, so that the operators
 * reading them (Reshape, Slice, ConstantOfShape) see concrete values.
 */
final class ShapeOperators {
    private ShapeOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("Shape", (n, in) -> {
            int[] d = in[0].dims();
            int r = d.length;
            int start = n.has("start") ? clampAxis(n.i("start", 0), r) : 0;
            int end = n.has("end") ? clampAxis(n.i("end", r), r) : r;
            long[] out = new long[Math.max(0, end - start)];
            for (int i = 0; i < out.length; i++) out[i] = d[start + i];
            return one(Tensor.of(out, out.length));
        });
        t.put("Size", (n, in) -> one(Tensor.scalar(in[0].size(), DType.INT64)));
        t.put("Reshape", (n, in) -> {
            int[] spec = n.opset() < 5 ? n.ints("shape", new int[0]) : Values.ints(n, in[1], "shape");
            return one(in[0].reshape(reshapeDims(n, in[0].dims(), spec, n.i("allowzero", 0) != 0)));
        });
        t.put("Flatten", (n, in) -> {
            int[] d = in[0].dims();
            // axis may be rank itself (then the result is [size, 1]); a negative one counts from rank.
            long a = n.i("axis", 1);
            int axis = (int) (a < 0 ? a + d.length : a);
            if (axis < 0 || axis > d.length) {
                throw n.error("axis " + a + " is out of range for rank " + d.length);
            }
            return one(in[0].reshape(Values.product(d, 0, axis), Values.product(d, axis, d.length)));
        });
        t.put("Squeeze", (n, in) -> {
            Tensor x = in[0];
            int[] axes = in.length > 1 && in[1] != null ? Values.ints(n, in[1], "axes") : n.ints("axes", null);
            if (axes == null) {
                return one(x.squeeze());
            }
            return one(x.squeeze(Values.axes(n, axes, x.rank())));
        });
        t.put("Unsqueeze", (n, in) -> {
            Tensor x = in[0];
            int[] axes = in.length > 1 && in[1] != null ? Values.ints(n, in[1], "axes") : n.ints("axes", new int[0]);
            int[] a = Values.axes(n, axes, x.rank() + axes.length);
            Arrays.sort(a);
            for (int axis : a) x = x.unsqueeze(axis);
            return one(x);
        });
        t.put("Transpose", (n, in) -> {
            int r = in[0].rank();
            int[] perm = n.ints("perm", null);
            if (perm == null) {
                perm = new int[r];
                for (int i = 0; i < r; i++) perm[i] = r - 1 - i;
            }
            return one(in[0].permute(perm));
        });
        t.put("Concat", (n, in) -> {
            List<Tensor> parts = new ArrayList<>();
            for (Tensor x : in) if (x != null) parts.add(x);
            int axis = Values.axis(n, n.i("axis", n.opset() < 4 ? 1 : 0), parts.get(0).rank());
            return one(Tensor.concat(axis, parts));
        });
        t.put("Split", ShapeOperators::split);
        t.put("Slice", ShapeOperators::slice);
        t.put("Gather", (n, in) -> one(gather(n, in[0], in[1], Values.axis(n, n.i("axis", 0), in[0].rank()))));
        t.put("GatherElements", (n, in) -> {
            int axis = Values.axis(n, n.i("axis", 0), in[0].rank());
            return one(in[0].gather(axis, wrapIndex(in[1], in[0].dim(axis))));
        });
        t.put("Expand", (n, in) -> {
            int[] target = Values.ints(n, in[1], "shape");
            Shape s = Shape.broadcast("Expand", in[0].shape(), Shape.of(target));
            return one(in[0].expand(s.dims()));
        });
        t.put("Tile", (n, in) -> one(tile(n, in[0], Values.ints(n, in[1], "repeats"))));
        t.put("Constant", (n, in) -> one(constant(n)));
        t.put("ConstantOfShape", (n, in) -> {
            Tensor value = n.tensor("value");
            int[] dims = Values.ints(n, in[0], "shape");
            if (value == null) {
                return one(Tensor.zeros(DType.FLOAT32, dims));
            }
            return one(value.reshape().expand(dims).contiguous());
        });
        t.put("Range", (n, in) -> {
            DType d = in[0].dtype();
            double start = Values.scalar(n, in[0], "start");
            double limit = Values.scalar(n, in[1], "limit");
            double delta = Values.scalar(n, in[2], "delta");
            return one(Tensor.arange(start, limit, delta, d));
        });
        t.put("EyeLike", (n, in) -> {
            Tensor x = in[0];
            DType d = n.has("dtype") ? ElementType.dtype((int) n.i("dtype", 1)) : x.dtype();
            Tensor rows = Tensor.arange(x.dim(0)).reshape(x.dim(0), 1);
            Tensor cols = Tensor.arange(x.dim(1)).reshape(1, x.dim(1));
            return one(cols.sub(rows).eq(n.i("k", 0)).to(d));
        });
        t.put("Trilu", (n, in) -> {
            Tensor x = in[0];
            long k = in.length > 1 && in[1] != null ? Values.longs(n, in[1], "k")[0] : 0;
            int h = x.dim(-2);
            int w = x.dim(-1);
            Tensor diff = Tensor.arange(w).reshape(1, w).sub(Tensor.arange(h).reshape(h, 1));
            Tensor keep = n.i("upper", 1) != 0 ? diff.ge(k) : diff.le(k);
            return one(Tensor.where(keep, x, Values.scalarLike(0, x)));
        });
        t.put("DepthToSpace", (n, in) -> {
            Tensor x = in[0];
            int b = n.int32("blocksize", 1);
            int nb = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
            boolean crd = n.s("mode", "DCR").equals("CRD");
            Tensor y = crd ? x.reshape(nb, c / (b * b), b, b, h, w).permute(0, 1, 4, 2, 5, 3)
                    : x.reshape(nb, b, b, c / (b * b), h, w).permute(0, 3, 4, 1, 5, 2);
            return one(y.reshape(nb, c / (b * b), h * b, w * b));
        });
        t.put("SpaceToDepth", (n, in) -> {
            Tensor x = in[0];
            int b = n.int32("blocksize", 1);
            int nb = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
            return one(x.reshape(nb, c, h / b, b, w / b, b).permute(0, 3, 5, 1, 2, 4)
                    .reshape(nb, c * b * b, h / b, w / b));
        });
    }

    private static int clampAxis(long a, int r) {
        long v = a < 0 ? a + r : a;
        return (int) Math.max(0, Math.min(r, v));
    }

    /** ONNX's Reshape: 0 copies the input's dimension (unless allowzero), -1 is inferred. */
    static int[] reshapeDims(Node n, int[] in, int[] spec, boolean allowZero) {
        int[] out = spec.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= in.length) {
                    throw n.error("shape " + Arrays.toString(spec) + " copies dimension " + i + " of an input of rank "
                            + in.length);
                }
                out[i] = in[i];
            }
        }
        return out;
    }

    private static Tensor[] split(Node n, Tensor[] in) {
        Tensor x = in[0];
        int axis = Values.axis(n, n.i("axis", 0), x.rank());
        int[] sizes = in.length > 1 && in[1] != null ? Values.ints(n, in[1], "split") : n.ints("split", null);
        if (sizes == null) {
            int parts = n.has("num_outputs") ? n.int32("num_outputs", 1) : n.outputCount();
            int d = x.dim(axis);
            int chunk = (d + parts - 1) / parts;
            sizes = new int[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.max(0, Math.min(chunk, d - i * chunk));
        }
        return x.split(axis, sizes).toArray(Tensor[]::new);
    }

    private static Tensor[] slice(Node n, Tensor[] in) {
        Tensor x = in[0];
        int[] starts;
        int[] ends;
        int[] axes;
        int[] steps;
        if (n.opset() < 10) {
            starts = n.ints("starts", new int[0]);
            ends = n.ints("ends", new int[0]);
            axes = n.ints("axes", null);
            steps = null;
        } else {
            starts = Values.ints(n, in[1], "starts");
            ends = Values.ints(n, in[2], "ends");
            axes = in.length > 3 && in[3] != null ? Values.ints(n, in[3], "axes") : null;
            steps = in.length > 4 && in[4] != null ? Values.ints(n, in[4], "steps") : null;
        }
        for (int i = 0; i < starts.length; i++) {
            int axis = axes == null ? i : Values.axis(n, axes[i], x.rank());
            int step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw n.error("step 0 on axis " + axis);
            }
            int d = x.dim(axis);
            long s = starts[i] < 0 ? (long) starts[i] + d : starts[i];
            long e = ends[i] < 0 ? (long) ends[i] + d : ends[i];
            if (step > 0) {
                s = Math.max(0, Math.min(d, s));
                e = Math.max(0, Math.min(d, e));
                x = x.slice(axis, (int) s, (int) Math.max(s, e), step);
            } else {
                // Counting down from s (clamped to [0, d-1]) to above e (clamped to [-1, d-1]): the same
                // elements as counting up on the reversed axis from d-1-s.
                s = Math.max(0, Math.min(d - 1, s));
                e = Math.max(-1, Math.min(d - 1, e));
                int from = (int) (d - 1 - s);
                int to = (int) (d - 1 - e);
                x = Values.flip(x, axis).slice(axis, from, Math.max(from, to), -step);
            }
        }
        return one(x);
    }

    /** Negative indices count from the end (ONNX's Gather and GatherElements accept them). */
    static Tensor wrapIndex(Tensor index, int dim) {
        Tensor i = index.dtype() == DType.INT32 ? index : index.to(DType.INT64);
        return Tensor.where(i.lt(0), i.add(dim), i);
    }

    /** out[i.., j.., k..] = x[i.., index[j..], k..]: the index's shape replaces the axis. */
    static Tensor gather(Node n, Tensor x, Tensor index, int axis) {
        Tensor flat = wrapIndex(index, x.dim(axis)).reshape(index.size());
        Tensor y = x.indexSelect(axis, flat);
        int[] xd = x.dims();
        int[] id = index.dims();
        int[] out = new int[xd.length - 1 + id.length];
        System.arraycopy(xd, 0, out, 0, axis);
        System.arraycopy(id, 0, out, axis, id.length);
        System.arraycopy(xd, axis + 1, out, axis + id.length, xd.length - axis - 1);
        return y.reshape(out);
    }

    /** Each axis repeated: x viewed as [1, d0, 1, d1, ...], expanded to [r0, d0, r1, d1, ...], merged. */
    static Tensor tile(Node n, Tensor x, int[] repeats) {
        int r = x.rank();
        if (repeats.length != r) {
            throw n.error("repeats " + Arrays.toString(repeats) + " must have one entry per axis of " + x.shape());
        }
        int[] view = new int[2 * r];
        int[] expanded = new int[2 * r];
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            view[2 * i] = 1;
            view[2 * i + 1] = x.dim(i);
            expanded[2 * i] = repeats[i];
            expanded[2 * i + 1] = x.dim(i);
            out[i] = repeats[i] * x.dim(i);
        }
        return x.reshape(view).expand(expanded).reshape(out);
    }

    private static Tensor constant(Node n) {
        Tensor v = n.tensor("value");
        if (v != null) {
            return v;
        }
        if (n.has("value_float")) {
            return Tensor.scalar(n.f("value_float", 0), DType.FLOAT32);
        }
        if (n.has("value_floats")) {
            float[] f = n.floats("value_floats", new float[0]);
            return Tensor.of(f, f.length);
        }
        if (n.has("value_int")) {
            return Tensor.scalar(n.i("value_int", 0), DType.INT64);
        }
        if (n.has("value_ints")) {
            long[] l = Arrays.stream(n.ints("value_ints", new int[0])).asLongStream().toArray();
            return Tensor.of(l, l.length);
        }
        throw new UnsupportedModelException(n.describe(), List.of("Constant without a numeric tensor value"));
    }
}
