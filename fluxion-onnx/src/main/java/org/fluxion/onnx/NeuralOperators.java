package org.fluxion.onnx;

import static org.fluxion.onnx.Values.one;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * Matrix products, convolutions and pooling (1-D as 2-D with a unit height), normalizations, padding and
 * the loss operators. Convolutions reach Fluxion's conv2d primitive; a transposed convolution is the
 * primitive's input gradient, {@code conv2dInputGrad}, which has rules of its own.
 */
final class NeuralOperators {
    private NeuralOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("MatMul", (n, in) -> one(matmul(in[0], in[1])));
        t.put("Gemm", (n, in) -> {
            Tensor a = n.i("transA", 0) != 0 ? in[0].transpose() : in[0];
            Tensor b = n.i("transB", 0) != 0 ? in[1].transpose() : in[1];
            Tensor y = matmul(a, b);
            double alpha = n.f("alpha", 1);
            if (alpha != 1) y = y.mul(alpha);
            if (in.length > 2 && in[2] != null) {
                double beta = n.f("beta", 1);
                y = y.add(beta == 1 ? in[2] : in[2].mul(beta));
            }
            return one(y);
        });
        t.put("Conv", (n, in) -> one(conv(n, in[0], in[1], in.length > 2 ? in[2] : null)));
        t.put("ConvTranspose", (n, in) -> one(convTranspose(n, in[0], in[1], in.length > 2 ? in[2] : null)));
        t.put("MaxPool", (n, in) -> {
            if (n.wantsOutput(1)) {
                throw new UnsupportedModelException(n.describe(), List.of("MaxPool with Indices output"));
            }
            if (!in[0].dtype().isFloatingPoint()) {
                // 8-bit images: the maximum is exact in float32, and back in the input's type.
                return one(pool(n, in[0].to(DType.FLOAT32), true).to(in[0].dtype()));
            }
            return one(pool(n, in[0], true));
        });
        t.put("AveragePool", (n, in) -> one(pool(n, in[0], false)));
        t.put("GlobalAveragePool", (n, in) -> one(in[0].mean(spatialAxes(in[0]), true)));
        t.put("GlobalMaxPool", (n, in) -> one(in[0].max(spatialAxes(in[0]), true)));
        t.put("BatchNormalization", (n, in) -> {
            if (n.opset() >= 14 && n.i("training_mode", 0) != 0) {
                throw new UnsupportedModelException(n.describe(), List.of("BatchNormalization in training mode"));
            }
            Tensor x = in[0];
            double eps = n.f("epsilon", 1e-5);
            Tensor scale = channel(in[1], x).mul(channel(in[4], x).add(eps).rsqrt());
            return one(x.sub(channel(in[3], x)).mul(scale).add(channel(in[2], x)));
        });
        t.put("InstanceNormalization", (n, in) -> {
            Tensor x = in[0];
            int[] axes = spatialAxes(x);
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(axes, true);
            Tensor y = centered.mul(var.add(n.f("epsilon", 1e-5)).rsqrt());
            return one(y.mul(channel(in[1], x)).add(channel(in[2], x)));
        });
        t.put("LayerNormalization", (n, in) -> {
            Tensor x = in[0];
            int axis = Values.axis(n, n.i("axis", -1), x.rank());
            int[] axes = new int[x.rank() - axis];
            for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
            Tensor mean = x.mean(axes, true);
            Tensor centered = x.sub(mean);
            Tensor inv = centered.square().mean(axes, true).add(n.f("epsilon", 1e-5)).rsqrt();
            Tensor y = centered.mul(inv).mul(in[1]);
            if (in.length > 2 && in[2] != null) y = y.add(in[2]);
            return new Tensor[] {y, mean, inv};
        });
        t.put("LRN", (n, in) -> {
            Tensor x = in[0];
            int size = n.int32("size", 1);
            int before = (size - 1) / 2;
            int after = size - 1 - before;
            int[] pad = new int[2 * x.rank()];
            pad[2] = before;
            pad[3] = after;
            Tensor sq = x.square().pad(pad, 0);
            Tensor sum = sq.slice(1, 0, x.dim(1));
            for (int k = 1; k < size; k++) sum = sum.add(sq.slice(1, k, k + x.dim(1)));
            Tensor denom = sum.mul(n.f("alpha", 1e-4) / size).add(n.f("bias", 1)).pow(n.f("beta", 0.75));
            return one(x.div(denom));
        });
        t.put("Pad", NeuralOperators::pad);
        t.put("NegativeLogLikelihoodLoss", (n, in) ->
                one(nll(n, in[0], in[1], in.length > 2 ? in[2] : null)));
        t.put("SoftmaxCrossEntropyLoss", (n, in) -> {
            Tensor logp = in[0].logSoftmax(1);
            return new Tensor[] {nll(n, logp, in[1], in.length > 2 ? in[2] : null), logp};
        });
    }

    /** Integer matrix products in float64 (exact below 2^53), cast back. */
    static Tensor matmul(Tensor a, Tensor b) {
        if (a.dtype().isFloatingPoint() && b.dtype().isFloatingPoint()) {
            return a.matmul(b);
        }
        return a.to(DType.FLOAT64).matmul(b.to(DType.FLOAT64)).to(DType.promote(a.dtype(), b.dtype()));
    }

    private static int[] spatialAxes(Tensor x) {
        int[] axes = new int[x.rank() - 2];
        for (int i = 0; i < axes.length; i++) axes[i] = i + 2;
        return axes;
    }

    /** A per-channel vector [C] viewed as [C, 1, ...] against x = [N, C, ...]. */
    private static Tensor channel(Tensor v, Tensor x) {
        int[] dims = new int[x.rank() - 1];
        Arrays.fill(dims, 1);
        dims[0] = v.size();
        return v.reshape(dims);
    }

    /** Geometry of one convolution or pooling: 2-D, with pads (begin, end) per spatial axis. */
    private record Window(int[] kernel, int[] strides, int[] dilations, int[] padBegin, int[] padEnd) {
        boolean symmetric() {
            return Arrays.equals(padBegin, padEnd);
        }
    }

    /**
     * The window attributes of a 1-D or 2-D node, resolving auto_pad; 1-D ones get a unit first axis. A
     * 3-D convolution or pooling is reported unsupported.
     */
    private static Window window(Node n, int[] inSpatial, int[] kernel) {
        int s = kernel.length;
        if (s < 1 || s > 2) {
            throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " " + s + "-D"));
        }
        int[] strides = n.ints("strides", filled(s, 1));
        int[] dil = n.ints("dilations", filled(s, 1));
        int[] pads = n.ints("pads", new int[2 * s]);
        int[] begin = Arrays.copyOfRange(pads, 0, s);
        int[] end = Arrays.copyOfRange(pads, s, 2 * s);
        String auto = n.s("auto_pad", "NOTSET");
        if (auto.equals("VALID")) {
            begin = new int[s];
            end = new int[s];
        } else if (auto.startsWith("SAME")) {
            for (int i = 0; i < s; i++) {
                int out = (inSpatial[i] + strides[i] - 1) / strides[i];
                int total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dil[i] + 1 - inSpatial[i]);
                begin[i] = auto.equals("SAME_LOWER") ? (total + 1) / 2 : total / 2;
                end[i] = total - begin[i];
            }
        }
        if (s == 1) {
            return new Window(new int[] {1, kernel[0]}, new int[] {1, strides[0]}, new int[] {1, dil[0]},
                    new int[] {0, begin[0]}, new int[] {0, end[0]});
        }
        return new Window(kernel, strides, dil, begin, end);
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /** x [N, C, H, W] padded on H and W by the window's (begin, end) pairs with {@code value}. */
    private static Tensor padSpatial(Tensor x, Window w, double value) {
        return x.pad(new int[] {0, 0, 0, 0, w.padBegin[0], w.padEnd[0], w.padBegin[1], w.padEnd[1]}, value);
    }

    static Tensor conv(Node n, Tensor x, Tensor weight, Tensor bias) {
        int s = x.rank() - 2;
        if (s == 3) {
            return WindowedOperators.conv3d(n, x, weight, bias);
        }
        int[] kernel = n.ints("kernel_shape", Arrays.copyOfRange(weight.dims(), 2, weight.rank()));
        Window w = window(n, Arrays.copyOfRange(x.dims(), 2, x.rank()), kernel);
        if (s == 1) {
            x = x.unsqueeze(2);
            weight = weight.unsqueeze(2);
        }
        int padH = w.padBegin[0];
        int padW = w.padBegin[1];
        if (!w.symmetric()) {
            x = padSpatial(x, w, 0);
            padH = 0;
            padW = 0;
        }
        Conv2dOptions o = new Conv2dOptions(w.strides[0], w.strides[1], padH, padW, w.dilations[0], w.dilations[1],
                n.int32("group", 1));
        Tensor y = tinyOutput(x, weight, o) ? SmallPlaneConvolution.conv2d(x, weight, bias, o)
                : Convolutions.conv2d(x, weight, bias, o);
        return s == 1 ? y.squeeze(2) : y;
    }

    /** True when the whole output holds at most {@link SmallPlaneConvolution#MAX_POSITIONS} positions. */
    private static boolean tinyOutput(Tensor x, Tensor weight, Conv2dOptions o) {
        if (o.groups() != 1 || x.dtype() != DType.FLOAT32 || weight.dtype() != DType.FLOAT32) {
            return false;
        }
        long oh = (x.dim(2) + 2L * o.padH() - o.dilationH() * (weight.dim(2) - 1L) - 1) / o.strideH() + 1;
        long ow = (x.dim(3) + 2L * o.padW() - o.dilationW() * (weight.dim(3) - 1L) - 1) / o.strideW() + 1;
        return oh > 0 && ow > 0 && x.dim(0) * oh * ow <= SmallPlaneConvolution.MAX_POSITIONS;
    }

    /**
     * The transposed convolution as conv2d's input gradient: computed at full size
     * {@code stride (in - 1) + dilation (k - 1) + 1 + output_padding}, then cropped by the pads.
     */
    private static Tensor convTranspose(Node n, Tensor x, Tensor weight, Tensor bias) {
        int s = x.rank() - 2;
        if (s < 1 || s > 2) {
            throw new UnsupportedModelException(n.describe(), List.of("ConvTranspose " + s + "-D"));
        }
        int[] kernel = n.ints("kernel_shape", Arrays.copyOfRange(weight.dims(), 2, weight.rank()));
        int[] strides = n.ints("strides", filled(s, 1));
        int[] dil = n.ints("dilations", filled(s, 1));
        int[] outPad = n.ints("output_padding", new int[s]);
        int[] pads = n.ints("pads", new int[2 * s]);
        int[] outputShape = n.ints("output_shape", null);
        String auto = n.s("auto_pad", "NOTSET");
        int[] full = new int[s];
        int[] begin = new int[s];
        int[] end = new int[s];
        for (int i = 0; i < s; i++) {
            int in = x.dim(2 + i);
            full[i] = strides[i] * (in - 1) + dil[i] * (kernel[i] - 1) + 1 + outPad[i];
            begin[i] = pads[i];
            end[i] = pads[s + i];
            int target = outputShape != null ? outputShape[outputShape.length - s + i]
                    : auto.startsWith("SAME") ? in * strides[i] : -1;
            if (target >= 0) {
                int total = full[i] - target;
                if (total < 0) {
                    // A larger output than the input reaches: the rest is output padding (zeros plus bias).
                    full[i] = target;
                    total = 0;
                }
                boolean upper = !auto.equals("SAME_LOWER");
                begin[i] = upper ? total / 2 : total - total / 2;
                end[i] = total - begin[i];
            }
        }
        int groups = n.int32("group", 1);
        if (s == 1) {
            x = x.unsqueeze(2);
            weight = weight.unsqueeze(2);
        }
        int sh = s == 1 ? 1 : strides[0];
        int sw = strides[s - 1];
        int dh = s == 1 ? 1 : dil[0];
        int dw = dil[s - 1];
        int outC = weight.dim(1) * groups;
        int fullH = s == 1 ? 1 : full[0];
        int fullW = full[s - 1];
        Conv2dOptions o = new Conv2dOptions(sh, sw, 0, 0, dh, dw, groups);
        Tensor y = Convolutions.conv2dInputGrad(x, weight, Shape.of(x.dim(0), outC, fullH, fullW), o);
        if (s == 1) {
            y = y.squeeze(2);
        }
        for (int i = 0; i < s; i++) {
            y = y.slice(2 + i, begin[i], full[i] - end[i]);
        }
        if (bias != null) {
            y = y.add(channel(bias, y));
        }
        return y;
    }

    private static Tensor pool(Node n, Tensor x, boolean max) {
        int s = x.rank() - 2;
        if (s == 3) {
            return WindowedOperators.pool(n, x, max);
        }
        int[] kernel = n.ints("kernel_shape", null);
        if (kernel == null) {
            throw n.error("kernel_shape is required");
        }
        Window w = window(n, Arrays.copyOfRange(x.dims(), 2, x.rank()), kernel);
        if (w.dilations[0] != 1 || w.dilations[1] != 1) {
            return WindowedOperators.pool(n, x, max);
        }
        if (s == 1) {
            x = x.unsqueeze(2);
        }
        boolean ceil = n.i("ceil_mode", 0) != 0;
        boolean includePad = n.i("count_include_pad", 0) != 0;
        Tensor y;
        if (w.symmetric() && 2 * w.padBegin[0] <= w.kernel[0] && 2 * w.padBegin[1] <= w.kernel[1]) {
            Pool2dOptions o = new Pool2dOptions(w.kernel[0], w.kernel[1], w.strides[0], w.strides[1],
                    w.padBegin[0], w.padBegin[1], ceil, includePad);
            y = max ? Convolutions.maxPool2d(x, o) : Convolutions.avgPool2d(x, o);
        } else {
            Pool2dOptions o = new Pool2dOptions(w.kernel[0], w.kernel[1], w.strides[0], w.strides[1], 0, 0, ceil, true);
            if (max) {
                y = Convolutions.maxPool2d(padSpatial(x, w, Double.NEGATIVE_INFINITY), o);
            } else {
                y = Convolutions.avgPool2d(padSpatial(x, w, 0), o);
                if (!includePad) {
                    // The mean over the real elements: window sums divided by the share of real elements.
                    Tensor ones = Tensor.ones(x.dtype(), 1, 1, x.dim(2), x.dim(3));
                    y = y.div(Convolutions.avgPool2d(padSpatial(ones, w, 0), o));
                }
            }
        }
        return s == 1 ? y.squeeze(2) : y;
    }

    /** Constant, reflect and edge padding; negative pads crop. Pads come as (all begins, all ends). */
    private static Tensor[] pad(Node n, Tensor[] in) {
        Tensor x = in[0];
        int r = x.rank();
        int[] pads;
        double value;
        if (n.opset() < 11) {
            pads = n.ints("pads", n.ints("paddings", new int[2 * r]));
            value = n.f("value", 0);
        } else {
            pads = Values.ints(n, in[1], "pads");
            value = in.length > 2 && in[2] != null ? Values.scalar(n, in[2], "constant_value") : 0;
        }
        int[] axes = in.length > 3 && in[3] != null ? Values.axes(n, Values.ints(n, in[3], "axes"), r) : null;
        int k = axes == null ? r : axes.length;
        if (pads.length != 2 * k) {
            throw n.error("pads has " + pads.length + " values for " + k + " axes");
        }
        String mode = n.s("mode", "constant");
        for (int i = 0; i < k; i++) {
            int axis = axes == null ? i : axes[i];
            int before = pads[i];
            int after = pads[k + i];
            if (before < 0) {
                x = x.slice(axis, -before, x.dim(axis));
                before = 0;
            }
            if (after < 0) {
                x = x.slice(axis, 0, x.dim(axis) + after);
                after = 0;
            }
            if (before == 0 && after == 0) {
                continue;
            }
            if (mode.equals("constant")) {
                int[] p = new int[2 * r];
                p[2 * axis] = before;
                p[2 * axis + 1] = after;
                x = x.pad(p, value);
            } else {
                int d = x.dim(axis);
                long[] idx = new long[before + d + after];
                for (int j = 0; j < idx.length; j++) {
                    int src = j - before;
                    if (mode.equals("edge")) {
                        src = Math.max(0, Math.min(d - 1, src));
                    } else if (mode.equals("reflect")) {
                        int period = Math.max(1, 2 * (d - 1));
                        src = Math.floorMod(src, period);
                        if (src >= d) src = period - src;
                    } else {
                        throw n.error("mode '" + mode + "' is not constant, reflect or edge");
                    }
                    idx[j] = src;
                }
                x = x.indexSelect(axis, Tensor.of(idx, idx.length));
            }
        }
        return one(x);
    }

    /**
     * loss[n, d..] = -input[n, target[n, d..], d..] * weight[target]; ignored targets weigh 0; "mean" divides
     * by the total weight, as PyTorch and ONNX do.
     */
    private static Tensor nll(Node n, Tensor input, Tensor target, Tensor weight) {
        Tensor t = target.to(DType.INT64);
        Tensor ignored = n.has("ignore_index") ? t.eq(n.i("ignore_index", 0)) : null;
        Tensor safe = ignored == null ? t : Tensor.where(ignored, Tensor.scalar(0, DType.INT64), t);
        Tensor picked = input.gather(1, safe.unsqueeze(1)).squeeze(1);
        Tensor w = weight == null ? null : weight.indexSelect(0, safe.reshape(safe.size())).reshape(safe.dims());
        if (ignored != null) {
            Tensor keep = ignored.logicalNot().to(input.dtype());
            w = w == null ? keep : w.mul(keep);
        }
        Tensor loss = picked.neg();
        if (w != null) {
            loss = loss.mul(w);
        }
        return switch (n.s("reduction", "mean")) {
            case "none" -> loss;
            case "sum" -> loss.sum();
            case "mean" -> w == null ? loss.mean() : loss.sum().div(w.sum());
            default -> throw n.error("reduction '" + n.s("reduction", "") + "' is not none, sum or mean");
        };
    }
}
